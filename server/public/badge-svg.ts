/**
 * SVG status badges in the manner of shields.io, drawn without a font: text widths are estimated from a
 * table of Verdana's advance widths, and every text carries `textLength` so that a viewer with another
 * font still fits it in the box. Pure and deterministic: the same spec gives the same bytes.
 */

/** The badge styles, as shields.io names them. */
export const BADGE_STYLES = ['flat', 'flat-square', 'for-the-badge', 'plastic'] as const;

/** One of {@link BADGE_STYLES}. */
export type BadgeStyle = (typeof BADGE_STYLES)[number];

/**
 * The colours of the statuses, of the label part, and of anything unknown (also what an invalid colour becomes).
 *
 * @example
 * renderBadge({ label: 'api', message: 'up', color: BADGE_COLORS.up });
 */
export const BADGE_COLORS = {
  up: '#2e9e44',
  degraded: '#d29922',
  down: '#d73a49',
  maintenance: '#3f7fbf',
  unknown: '#8a8f98',
  label: '#555',
} as const;

/** What a badge shows. */
export interface BadgeSpec {
  /** The left part; empty (or only spaces) for a message-only badge. */
  label: string;
  /** The right part. */
  message: string;
  /** The background of the message part: '#rgb' or '#rrggbb'; anything else becomes {@link BADGE_COLORS}.unknown. */
  color: string;
  /** The background of the label part, {@link BADGE_COLORS}.label when absent; checked like `color`. */
  labelColor?: string;
  /** 'flat' when absent. */
  style?: BadgeStyle;
}

const MAX_CODE_POINTS = 64;
const COLOR = /^#[0-9a-f]{3}([0-9a-f]{3})?$/i;

// Verdana's advance widths in font units (2048 to the em) for U+0020..U+007E, the table shields.io measures with.
// biome-ignore format: one row of sixteen characters per line
const VERDANA_ASCII = [
  720, 806, 940, 1818, 1408, 2401, 1600, 550, 1004, 1004, 1408, 1818, 804, 1004, 804, 1004, //  !"#$%&'()*+,-./
  1408, 1408, 1408, 1408, 1408, 1408, 1408, 1408, 1408, 1408, 1004, 1004, 1818, 1818, 1818, 1206, // 0-9 :;<=>?
  2218, 1401, 1405, 1432, 1577, 1296, 1178, 1601, 1548, 862, 1003, 1405, 1151, 1744, 1547, 1628, // @A-O
  1240, 1628, 1425, 1401, 1234, 1509, 1401, 2030, 1405, 1234, 1405, 1004, 1004, 1004, 1818, 1408, // P-Z [\]^_
  1408, 1230, 1275, 1067, 1275, 1209, 719, 1275, 1293, 559, 703, 1188, 559, 1983, 1293, 1234, // `a-o
  1275, 1275, 874, 1051, 807, 1293, 1188, 1653, 1188, 1188, 1053, 1284, 1004, 1284, 1818, // p-z {|}~
];
const UNITS_PER_EM = 2048;
// What a letter outside the table and not wide is taken as: about Verdana's average lowercase letter.
const OTHER_UNITS = 1300;

interface Geometry {
  height: number;
  radius: number;
  fontSize: number;
  /** Added after every character (for-the-badge's letter-spacing). */
  letterSpacing: number;
  padding: number;
  baseline: number;
  uppercase: boolean;
  shadow: boolean;
  /** `<stop>` elements of the gloss laid over the badge, '' for none. */
  gradient: string;
}

const GEOMETRY: Record<BadgeStyle, Geometry> = {
  flat: {
    height: 20,
    radius: 3,
    fontSize: 11,
    letterSpacing: 0,
    padding: 6,
    baseline: 14,
    uppercase: false,
    shadow: true,
    gradient: '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/>',
  },
  'flat-square': { height: 20, radius: 0, fontSize: 11, letterSpacing: 0, padding: 6, baseline: 14, uppercase: false, shadow: false, gradient: '' },
  'for-the-badge': { height: 28, radius: 0, fontSize: 10, letterSpacing: 1.25, padding: 12, baseline: 17.5, uppercase: true, shadow: false, gradient: '' },
  plastic: {
    height: 20,
    radius: 4,
    fontSize: 11,
    letterSpacing: 0,
    padding: 6,
    baseline: 14,
    uppercase: false,
    shadow: true,
    gradient:
      '<stop offset="0" stop-color="#fff" stop-opacity=".7"/><stop offset=".1" stop-color="#aaa" stop-opacity=".1"/>' +
      '<stop offset=".9" stop-opacity=".3"/><stop offset="1" stop-opacity=".5"/>',
  },
};

/**
 * The SVG text of a badge: a standalone document (it carries its xmlns), with a `<title>` and an aria-label.
 * Label and message are cleaned (control characters dropped, at most 64 code points) and escaped; colours
 * that are not '#rgb' or '#rrggbb' become {@link BADGE_COLORS}.unknown.
 *
 * @example
 * renderBadge({ label: 'uptime', message: '99.95%', color: uptimeColor(99.95), style: 'flat-square' });
 * // '<svg xmlns="http://www.w3.org/2000/svg" width="111" height="20" role="img" aria-label="uptime: 99.95%">…</svg>'
 */
export function renderBadge(spec: BadgeSpec): string {
  // Checked at run time too: a style straight from a query string ('__proto__') must not reach the table.
  const styleName: BadgeStyle = spec.style !== undefined && Object.hasOwn(GEOMETRY, spec.style) ? spec.style : 'flat';
  const style = GEOMETRY[styleName];
  const label = cleanText(spec.label);
  const message = cleanText(spec.message);
  const messageColor = checkedColor(spec.color);
  const labelColor = spec.labelColor === undefined ? BADGE_COLORS.label : checkedColor(spec.labelColor);
  const accessibleName = escapeXml(label === '' ? message : `${label}: ${message}`);

  const shownLabel = style.uppercase ? label.toUpperCase() : label;
  const shownMessage = style.uppercase ? message.toUpperCase() : message;
  const labelTextWidth = label === '' ? 0 : textWidth(shownLabel, style);
  const messageTextWidth = textWidth(shownMessage, style);
  const labelWidth = label === '' ? 0 : Math.ceil(labelTextWidth + 2 * style.padding);
  const messageWidth = Math.ceil(messageTextWidth + 2 * style.padding);
  const width = labelWidth + messageWidth;
  const { height } = style;

  // Ids are unique to the content: two different badges inlined in one HTML page would otherwise share one clip path.
  const id = `b${hash(`${styleName}|${labelColor}|${messageColor}|${label}|${message}`)}`;
  const rounded = style.radius > 0;
  const defs =
    (style.gradient ? `<linearGradient id="${id}g" x2="0" y2="100%">${style.gradient}</linearGradient>` : '') +
    (rounded ? `<clipPath id="${id}r"><rect width="${width}" height="${height}" rx="${style.radius}" fill="#fff"/></clipPath>` : '');
  const shapes =
    (labelWidth > 0 ? `<rect width="${labelWidth}" height="${height}" fill="${labelColor}"/>` : '') +
    `<rect x="${labelWidth}" width="${messageWidth}" height="${height}" fill="${messageColor}"/>` +
    (style.gradient ? `<rect width="${width}" height="${height}" fill="url(#${id}g)"/>` : '');

  const texts =
    (labelWidth > 0 ? text(shownLabel, labelWidth / 2, labelTextWidth, labelColor, style) : '') +
    text(shownMessage, labelWidth + messageWidth / 2, messageTextWidth, messageColor, style);

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${accessibleName}">` +
    `<title>${accessibleName}</title>${defs}` +
    (rounded ? `<g clip-path="url(#${id}r)">${shapes}</g>` : shapes) +
    `<g text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="${style.fontSize}">` +
    `${texts}</g></svg>`
  );
}

/**
 * The colour of an endpoint status: 'UP', 'DEGRADED', 'DOWN', 'MAINTENANCE' (any case) have their own;
 * 'PENDING' and anything else are {@link BADGE_COLORS}.unknown.
 *
 * @example
 * statusColor('DOWN'); // '#d73a49'
 */
export function statusColor(status: string): string {
  switch (status.toUpperCase()) {
    case 'UP':
      return BADGE_COLORS.up;
    case 'DEGRADED':
      return BADGE_COLORS.degraded;
    case 'DOWN':
      return BADGE_COLORS.down;
    case 'MAINTENANCE':
      return BADGE_COLORS.maintenance;
    default:
      return BADGE_COLORS.unknown;
  }
}

/**
 * The colour of an uptime percentage, on shields.io's scale: ≥ 99.9 bright green, ≥ 99 green, ≥ 97 yellow-green,
 * ≥ 95 yellow, ≥ 90 orange, below red; null (no data) or NaN is {@link BADGE_COLORS}.unknown.
 *
 * @example
 * uptimeColor(99.95); // '#44cc11'
 * uptimeColor(null); // '#8a8f98'
 */
export function uptimeColor(percent: number | null): string {
  if (percent === null || Number.isNaN(percent)) return BADGE_COLORS.unknown;
  if (percent >= 99.9) return '#44cc11';
  if (percent >= 99) return '#97ca00';
  if (percent >= 97) return '#a4a61d';
  if (percent >= 95) return '#dfb317';
  if (percent >= 90) return '#fe7d37';
  return '#e05d44';
}

/**
 * A badge style from user input (a `?style=` query parameter), trimmed and in any case; undefined when it is
 * not one of {@link BADGE_STYLES}.
 *
 * @example
 * parseBadgeStyle('Flat-Square'); // 'flat-square'
 * parseBadgeStyle('social'); // undefined
 */
export function parseBadgeStyle(value: string | undefined): BadgeStyle | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().toLowerCase();
  return (BADGE_STYLES as readonly string[]).includes(normalized) ? (normalized as BadgeStyle) : undefined;
}

function text(content: string, center: number, width: number, background: string, style: Geometry): string {
  const escaped = escapeXml(content);
  const x = round(center);
  const length = round(width);
  // White text disappears on a light background (a user's '#fff'): there it turns dark, as on shields.io.
  const light = brightness(background) > 0.69;
  const fill = light ? '#333' : '#fff';
  const shadow = style.shadow
    ? `<text aria-hidden="true" x="${x}" y="${style.baseline + 1}" fill="${light ? '#ccc' : '#010101'}" fill-opacity=".3" textLength="${length}">${escaped}</text>`
    : '';
  return `${shadow}<text x="${x}" y="${style.baseline}" fill="${fill}" textLength="${length}">${escaped}</text>`;
}

function textWidth(content: string, style: Geometry): number {
  let units = 0;
  let count = 0;
  for (const char of content) {
    units += charUnits(char);
    count++;
  }
  // No spacing after the last character: it would put the text off centre.
  return (units * style.fontSize) / UNITS_PER_EM + style.letterSpacing * Math.max(0, count - 1);
}

function charUnits(char: string): number {
  const code = char.codePointAt(0)!;
  if (code >= 0x20 && code <= 0x7e) return VERDANA_ASCII[code - 0x20]!;
  if (isWide(code)) return UNITS_PER_EM;
  if (isZeroWidth(code)) return 0;
  // An accented Latin letter is as wide as its base letter.
  const base = char.normalize('NFD').codePointAt(0)!;
  if (base >= 0x20 && base <= 0x7e) return VERDANA_ASCII[base - 0x20]!;
  return OTHER_UNITS;
}

/** East Asian wide and fullwidth characters, and emoji: about one em. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) || // Hangul Jamo
    (code >= 0x2e80 && code <= 0xa4cf) || // CJK radicals, kana, bopomofo, Hangul compatibility jamo, CJK ideographs, Yi
    (code >= 0xa960 && code <= 0xa97f) || // Hangul Jamo Extended-A
    (code >= 0xac00 && code <= 0xd7ff) || // Hangul syllables, Jamo Extended-B
    (code >= 0xf900 && code <= 0xfaff) || // CJK compatibility ideographs
    (code >= 0xfe30 && code <= 0xfe4f) || // CJK compatibility forms
    (code >= 0xff00 && code <= 0xff60) || // fullwidth forms
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x2600 && code <= 0x27bf) || // miscellaneous symbols and dingbats, mostly drawn as emoji
    (code >= 0x1f000 && code <= 0x1faff) || // emoji and pictographs
    (code >= 0x20000 && code <= 0x3fffd) // CJK extensions B and beyond
  );
}

function isZeroWidth(code: number): boolean {
  return (
    (code >= 0x0300 && code <= 0x036f) || // combining diacritical marks
    (code >= 0x200b && code <= 0x200f) || // zero-width space, joiners, direction marks
    (code >= 0xfe00 && code <= 0xfe0f) || // variation selectors
    code === 0xfeff
  );
}

/** Control characters and lone surrogates dropped (XML cannot carry most of them), spaces collapsed, at most 64 code points. */
function cleanText(value: string): string {
  let cleaned = '';
  for (const char of String(value)) {
    const code = char.codePointAt(0)!;
    // A lone surrogate comes out of for…of as one code unit of its own.
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff) continue;
    cleaned += char;
  }
  // An SVG viewer collapses runs of spaces; measuring them would leave gaps in the badge.
  const chars = Array.from(cleaned.replace(/\s+/g, ' ').trim());
  return chars.length <= MAX_CODE_POINTS ? chars.join('') : `${chars.slice(0, MAX_CODE_POINTS - 1).join('')}…`;
}

function checkedColor(color: string): string {
  return typeof color === 'string' && COLOR.test(color) ? color.toLowerCase() : BADGE_COLORS.unknown;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);
}

/** Perceived brightness of a checked colour, 0 (black) to 1 (white). */
function brightness(color: string): number {
  const hex = color.length === 4 ? [...color.slice(1)].map((c) => c + c).join('') : color.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return (r! * 299 + g! * 587 + b! * 114) / 255_000;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** FNV-1a, 32 bits, in base 36: short and the same on every run. */
function hash(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
