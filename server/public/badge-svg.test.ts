import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, BADGE_STYLES, type BadgeSpec, parseBadgeStyle, renderBadge, statusColor, uptimeColor } from './badge-svg.ts';

const attr = (svg: string, name: string): string => {
  const match = new RegExp(`<svg [^>]*\\b${name}="([^"]*)"`).exec(svg);
  if (!match) throw new Error(`no ${name} on <svg>`);
  return match[1]!;
};
const width = (spec: Partial<BadgeSpec>) => Number(attr(renderBadge({ label: 'label', message: 'message', color: '#2e9e44', ...spec }), 'width'));
const texts = (svg: string) => [...svg.matchAll(/<text(?: [^>]*)?>([^<]*)<\/text>/g)].map((m) => m[1]);

/**
 * Node has no DOMParser: a small well-formedness check instead. Every tag is closed in order, attribute values
 * are quoted and hold no '<', '&' only starts a known entity, and no character XML 1.0 forbids appears.
 */
function expectWellFormedXml(xml: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  expect(xml).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  expect(xml.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, '')).not.toContain('&');
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    consumed = tag.lastIndex;
    if (m[5] !== undefined) continue;
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop(), `</${name}> closes the element that is open`).toBe(name);
    else if (!selfClosing) stack.push(name!);
  }
  expect(consumed, 'the whole text is tags and text').toBe(xml.length);
  expect(stack).toEqual([]);
}

describe('renderBadge', () => {
  it('renders a standalone, accessible SVG', () => {
    const svg = renderBadge({ label: 'api', message: 'up', color: BADGE_COLORS.up });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="api: up"');
    expect(svg).toContain('<title>api: up</title>');
    expect(svg).toContain(`fill="${BADGE_COLORS.label}"`);
    expect(svg).toContain(`fill="${BADGE_COLORS.up}"`);
    expect(texts(svg)).toEqual(['api', 'api', 'up', 'up']);
    expectWellFormedXml(svg);
  });

  it('is deterministic and small', () => {
    for (const style of BADGE_STYLES) {
      const spec: BadgeSpec = { label: 'checkout api', message: '99.95%', color: uptimeColor(99.95), style };
      const svg = renderBadge(spec);
      expect(renderBadge({ ...spec })).toBe(svg);
      expect(Buffer.byteLength(svg)).toBeLessThan(1536);
      expectWellFormedXml(svg);
    }
  });

  it('grows with its text', () => {
    expect(width({ message: 'up' })).toBeLessThan(width({ message: 'degraded' }));
    expect(width({ label: 'a' })).toBeLessThan(width({ label: 'a much longer label' }));
    expect(width({ message: 'iiii' })).toBeLessThan(width({ message: 'aaaa' }));
    expect(width({ message: 'aaaa' })).toBeLessThan(width({ message: 'WWWW' }));
    // Verdana 11px: about 6.6 px for 'a'; plus 6 px of padding either side.
    const one = width({ label: '', message: 'a' });
    const eleven = width({ label: '', message: 'aaaaaaaaaaa' });
    expect((eleven - one) / 10).toBeGreaterThan(6);
    expect((eleven - one) / 10).toBeLessThan(7);
    expect(one).toBeGreaterThanOrEqual(12 + 6);
  });

  it('counts Korean and emoji about an em a character, wider than Latin letters', () => {
    const latin = width({ label: '', message: 'ok' });
    const korean = width({ label: '', message: '정상' });
    expect(korean).toBeGreaterThan(latin);
    expect(korean - width({ label: '', message: '' })).toBeGreaterThanOrEqual(21);
    expect(width({ label: '', message: '🚀' })).toBe(width({ label: '', message: '정' }));
  });

  it('escapes every text: script tags, quotes, ampersands', () => {
    const svg = renderBadge({ label: '<script>alert(1)</script>', message: `Tom & "Jerry's"`, color: '#fff' });
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).toContain('Tom &amp; &quot;Jerry&#39;s&quot;');
    expect(svg).toContain('aria-label="&lt;script&gt;alert(1)&lt;/script&gt;: Tom &amp; &quot;Jerry&#39;s&quot;"');
    expect(svg).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;: Tom &amp; &quot;Jerry&#39;s&quot;</title>');
    expectWellFormedXml(svg);
  });

  it('replaces a colour that is not #rgb or #rrggbb by the unknown colour', () => {
    const hostile = 'red" onload="x';
    for (const spec of [
      { color: hostile },
      { color: '#2e9e44', labelColor: hostile },
      { color: 'red' },
      { color: '#12345' },
      { color: '#2e9e44"' },
      { color: 'url(#x)' },
    ]) {
      const svg = renderBadge({ label: 'a', message: 'b', ...spec });
      expect(svg).not.toContain('onload');
      expect(svg).not.toContain('red');
      expect(svg).toContain(`fill="${BADGE_COLORS.unknown}"`);
      expectWellFormedXml(svg);
    }
    expect(renderBadge({ label: 'a', message: 'b', color: '#ABC', labelColor: '#123456' })).toMatch(/fill="#123456".*fill="#abc"/);
  });

  it('drops control characters and lone surrogates', () => {
    const svg = renderBadge({ label: 'a\u0000b\u001fc\u007f', message: `d\u0007e\nf${'\ud800'}g${'\udc00'}h`, color: '#555' });
    expect(svg).toContain('aria-label="abc: defgh"');
    expectWellFormedXml(svg);
    // A surrogate pair is a character, not two lone halves.
    expect(renderBadge({ label: '', message: 'ok 🚀', color: '#555' })).toContain('<title>ok 🚀</title>');
  });

  it('truncates label and message to 64 code points', () => {
    const long = '정'.repeat(100);
    const svg = renderBadge({ label: 'x'.repeat(64), message: long, color: '#555' });
    expect(svg).toContain(`<title>${'x'.repeat(64)}: ${'정'.repeat(63)}…</title>`);
    // Emoji are one code point each, two UTF-16 units.
    const emoji = renderBadge({ label: '', message: '🚀'.repeat(65), color: '#555' });
    expect(emoji).toContain(`<title>${'🚀'.repeat(63)}…</title>`);
    expectWellFormedXml(emoji);
    // The cut comes before escaping: an entity is never cut in half.
    const amp = renderBadge({ label: '', message: '&'.repeat(70), color: '#555' });
    expect(amp).toContain(`<title>${'&amp;'.repeat(63)}…</title>`);
  });

  it('draws each style with its own geometry', () => {
    const svgs = Object.fromEntries(BADGE_STYLES.map((style) => [style, renderBadge({ label: 'build', message: 'passing', color: '#2e9e44', style })]));
    expect(new Set(Object.values(svgs)).size).toBe(BADGE_STYLES.length);

    expect(attr(svgs.flat!, 'height')).toBe('20');
    expect(svgs.flat).toContain('rx="3"');
    expect(svgs.flat).toContain('<linearGradient');
    expect(svgs.flat).toContain('fill-opacity=".3"');

    expect(attr(svgs['flat-square']!, 'height')).toBe('20');
    expect(svgs['flat-square']).not.toMatch(/rx="[^0"]/);
    expect(svgs['flat-square']).not.toContain('<linearGradient');
    expect(svgs['flat-square']).not.toContain('clip-path');

    expect(attr(svgs['for-the-badge']!, 'height')).toBe('28');
    expect(texts(svgs['for-the-badge']!)).toEqual(['BUILD', 'PASSING']);
    expect(svgs['for-the-badge']).toContain('font-size="10"');
    expect(Number(attr(svgs['for-the-badge']!, 'width'))).toBeGreaterThan(Number(attr(svgs.flat!, 'width')));
    expect(svgs['for-the-badge']).toContain('aria-label="build: passing"');

    expect(attr(svgs.plastic!, 'height')).toBe('20');
    expect(svgs.plastic).toContain('rx="4"');
    expect(svgs.plastic).toContain('stop-opacity=".7"');
    expect(svgs.plastic).toContain('fill-opacity=".3"');

    expect(renderBadge({ label: 'build', message: 'passing', color: '#2e9e44' })).toBe(svgs.flat);
    expect(renderBadge({ label: 'build', message: 'passing', color: '#2e9e44', style: '__proto__' as never })).toBe(svgs.flat);
  });

  it('renders a message-only badge when the label is empty', () => {
    const svg = renderBadge({ label: '', message: 'up', color: BADGE_COLORS.up });
    expect(svg).toContain('aria-label="up"');
    expect(svg).toContain('<title>up</title>');
    expect(svg).not.toContain(BADGE_COLORS.label);
    expect(texts(svg)).toEqual(['up', 'up']);
    expect(width({ label: '', message: 'up' })).toBeLessThan(width({ label: 'x', message: 'up' }));
    expect(renderBadge({ label: ' \u0000 ', message: 'up', color: BADGE_COLORS.up })).toBe(svg);
    expectWellFormedXml(svg);
  });

  it('turns the text dark on a light background', () => {
    const svg = renderBadge({ label: '', message: 'ok', color: '#fff' });
    expect(svg).toContain('fill="#333"');
    expect(renderBadge({ label: '', message: 'ok', color: BADGE_COLORS.down })).not.toContain('fill="#333"');
  });
});

describe('statusColor', () => {
  it('gives each status its colour and anything else the unknown colour', () => {
    expect(statusColor('UP')).toBe(BADGE_COLORS.up);
    expect(statusColor('DEGRADED')).toBe(BADGE_COLORS.degraded);
    expect(statusColor('DOWN')).toBe(BADGE_COLORS.down);
    expect(statusColor('MAINTENANCE')).toBe(BADGE_COLORS.maintenance);
    expect(statusColor('up')).toBe(BADGE_COLORS.up);
    expect(statusColor('PENDING')).toBe(BADGE_COLORS.unknown);
    expect(statusColor('')).toBe(BADGE_COLORS.unknown);
    expect(statusColor('<script>')).toBe(BADGE_COLORS.unknown);
  });
});

describe('uptimeColor', () => {
  it('steps down at 99.9, 99, 97, 95 and 90', () => {
    const steps = [100, 99.9, 99.89, 99, 98.99, 97, 96.99, 95, 94.99, 90, 89.99, 0].map(uptimeColor);
    expect(steps).toEqual(['#44cc11', '#44cc11', '#97ca00', '#97ca00', '#a4a61d', '#a4a61d', '#dfb317', '#dfb317', '#fe7d37', '#fe7d37', '#e05d44', '#e05d44']);
    expect(new Set(steps).size).toBe(6);
  });

  it('has the unknown colour without data', () => {
    expect(uptimeColor(null)).toBe(BADGE_COLORS.unknown);
    expect(uptimeColor(Number.NaN)).toBe(BADGE_COLORS.unknown);
  });
});

describe('parseBadgeStyle', () => {
  it('accepts the styles, in any case and with spaces around', () => {
    for (const style of BADGE_STYLES) expect(parseBadgeStyle(style)).toBe(style);
    expect(parseBadgeStyle(' Flat-Square ')).toBe('flat-square');
    expect(parseBadgeStyle('FOR-THE-BADGE')).toBe('for-the-badge');
  });

  it('refuses anything else', () => {
    for (const value of [undefined, '', 'social', 'flat square', 'flat-square"', '__proto__', 'toString']) expect(parseBadgeStyle(value)).toBeUndefined();
  });
});
