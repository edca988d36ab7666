/**
 * The public status page as HTML: pure, complete without JavaScript, and fit for a Content-Security-Policy
 * without 'unsafe-inline' (no inline script or style, no style= or on*= attributes). status.js, linked from
 * {@link ASSETS_PATH}, makes it live; everything it touches carries a data attribute or an id:
 *
 * - `<body data-base data-words>`: where the page lives (the stream is `${data-base}/events`) and the words
 *   the script needs (JSON);
 * - the banner `[data-overall]`, each endpoint row `[data-endpoint-id]` and its `[data-status]`;
 * - `#active-incidents`, `#maintenance` (redrawn whole from each state), `#updated`, `#live`;
 * - every `<time datetime>` (shown in UTC here, in the browser's zone once the script runs).
 */
import type {
  PublicDay,
  PublicEndpoint,
  PublicIncident,
  PublicMaintenance,
  PublicStatusPage,
  StatusPageLanguage,
  StatusPageSubscriptions,
  SubscriberKind,
} from '../contract/status-pages.ts';
import { STATUS_PAGE_LANGUAGES, SUBSCRIPTION_LIMITS } from '../contract/status-pages.ts';
import { clientWords, dayText, formatDuration, formatPercent, formatUtc, type StatusWords, wordsFor } from './status-words.ts';

/** Where the server serves status.css and status.js. */
export const ASSETS_PATH = '/status/assets';

/** How many days a bar shows. */
const DAYS = 90;

export interface RenderOptions {
  language: StatusPageLanguage;
  /** '/status/<slug>', or '' at the root of a custom domain: every link, asset and fetch of the page is built from it or from ASSETS_PATH. */
  basePath: string;
  /** Appended as ?v= to the asset URLs. */
  assetVersion: string;
  now: Date;
}

// Characters no HTML or XML document may hold (C0 controls but tab, CR and LF; DEL and C1; non-characters; lone surrogates).
const INVALID_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Drops the characters no HTML or XML document may hold. */
export function dropInvalidChars(value: string): string {
  return value.replace(INVALID_CHARS, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML, safe in element content and in quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  return dropInvalidChars(String(value ?? '')).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Escaped text whose line breaks become `<br>`. */
function escapeLines(value: string): string {
  return escapeHtml(value.trim()).replace(/\r\n|\r|\n/g, '<br>');
}

/** Only http(s) and data:image URLs are shown as the logo. */
function safeLogo(url: string | null): string | null {
  return url && /^(https?:|data:image\/)/i.test(url) ? url : null;
}

function base(path: string): string {
  return path.replace(/\/+$/, '');
}

function assetUrl(name: string, version: string): string {
  return `${ASSETS_PATH}/${name}?v=${encodeURIComponent(version)}`;
}

function time(iso: string, seconds = false): string {
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(formatUtc(iso, seconds))}</time>`;
}

function head(p: { language: StatusPageLanguage; title: string; description?: string; assetVersion: string; extra?: string; robots?: boolean }): string {
  return (
    `<!doctype html>\n<html lang="${p.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(p.title)}</title>` +
    (p.description ? `<meta name="description" content="${escapeHtml(p.description)}">` : '') +
    (p.robots === false ? '<meta name="robots" content="noindex">' : '') +
    `<meta name="color-scheme" content="light dark"><link rel="stylesheet" href="${assetUrl('status.css', p.assetVersion)}">` +
    (p.extra ?? '') +
    '</head>\n'
  );
}

function languageLinks(current: StatusPageLanguage, basePath: string): string {
  const links = STATUS_PAGE_LANGUAGES.map(
    (l) =>
      `<a href="${escapeHtml(base(basePath))}?lang=${l}" hreflang="${l}" lang="${l}" data-lang="${l}"${l === current ? ' aria-current="true"' : ''}>${wordsFor(l).languageName}</a>`,
  );
  return `<nav class="lang" aria-label="${wordsFor(current).language}">${links.join('')}</nav>`;
}

/**
 * The class of a day in the bar: none for 100 % (most days: the markup stays small), d0 no data, d2 ≥ 99 %,
 * d3 ≥ 95 %, d4 below.
 */
function dayClass(uptime: number | null): string {
  if (uptime === null || !Number.isFinite(uptime)) return ' class="d0"';
  return uptime >= 100 ? '' : uptime >= 99 ? ' class="d2"' : uptime >= 95 ? ' class="d3"' : ' class="d4"';
}

/** The days a bar shows: the last 90, those before an endpoint's first day drawn as days without data. */
function barDays(days: PublicDay[], now: Date): PublicDay[] {
  const shown = days.slice(-DAYS);
  const first = Date.parse(shown[0]?.date ?? '');
  const start = Number.isNaN(first) ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + 86_400_000 : first;
  const missing = Array.from({ length: DAYS - shown.length }, (_, i) => ({
    date: new Date(start - (DAYS - shown.length - i) * 86_400_000).toISOString().slice(0, 10),
    uptime: null,
    incidents: 0,
    downMinutes: 0,
  }));
  return [...missing, ...shown];
}

function endpointRow(e: PublicEndpoint, w: StatusWords, language: StatusPageLanguage, now: Date): string {
  // A list of days (each a title: its tooltip and its accessible name); the items' end tags are left out, as HTML allows.
  let bar = '';
  for (const d of barDays(e.days, now)) bar += `<li${dayClass(d.uptime)} title="${escapeHtml(dayText(d, language))}">`;
  const rt =
    typeof e.avgResponseTime === 'number' && Number.isFinite(e.avgResponseTime)
      ? `<span class="rt" title="${w.responseTime}">${Math.round(e.avgResponseTime)} ms</span>`
      : '';
  const uptime = e.uptime90d === null || !Number.isFinite(e.uptime90d) ? w.noData : w.uptime90(formatPercent(e.uptime90d));
  const status = escapeHtml(e.status);
  return (
    `<li class="ep" data-endpoint-id="${escapeHtml(e.id)}"><div class="eh"><span class="en">${escapeHtml(e.name)}</span>${rt}` +
    `<span class="st s-${status}" data-status="${status}">${escapeHtml(w.status[e.status] ?? e.status)}</span></div>` +
    `<ol class="bar" aria-label="${w.last90Days}">${bar}</ol>` +
    `<div class="ax"><span class="a90">${w.daysAgo(90)}</span><span class="a30">${w.daysAgo(30)}</span><span class="up">${uptime}</span><span>${w.today}</span></div></li>`
  );
}

function incidentArticle(inc: PublicIncident, w: StatusWords, language: StatusPageLanguage, past: boolean, now: Date): string {
  const latest = inc.updates[0];
  const state = latest?.state ?? (past ? 'resolved' : 'investigating');
  const label = latest ? w.update[latest.state] : past ? w.update.resolved : w.ongoing;
  let meta = `${w.started} ${time(inc.startedAt)}`;
  if (past) {
    const end = inc.resolvedAt ?? now.toISOString();
    if (inc.resolvedAt) meta += ` · ${w.resolved} ${time(inc.resolvedAt)}`;
    const ms = Date.parse(end) - Date.parse(inc.startedAt);
    if (Number.isFinite(ms)) meta += ` · ${escapeHtml(w.lasted(formatDuration(ms, language)))}`;
  }
  const updates = inc.updates
    .map(
      (u) =>
        `<li><b class="u u-${escapeHtml(u.state)}">${escapeHtml(w.update[u.state] ?? u.state)}</b> ${time(u.createdAt)}<p>${escapeLines(u.message)}</p></li>`,
    )
    .join('');
  const list = updates ? `<ol class="upd">${updates}</ol>` : '';
  return (
    `<article class="inc" data-incident-id="${escapeHtml(inc.id)}"><h3><span class="tag t-${escapeHtml(state)}">${escapeHtml(label)}</span> ${escapeHtml(inc.endpointName)}</h3><p class="meta">${meta}</p>` +
    (past && list ? `<details><summary>${w.updates(inc.updates.length)}</summary>${list}</details>` : list) +
    '</article>'
  );
}

function maintenanceArticle(m: PublicMaintenance, w: StatusWords): string {
  return (
    `<article class="mnt"><h3><span class="tag t-${m.active ? 'on' : 'next'}">${m.active ? w.inProgress : w.scheduled}</span> ${escapeHtml(m.name)}</h3>` +
    `<p class="meta">${time(m.startsAt)} – ${time(m.endsAt)}</p>` +
    (m.description ? `<p>${escapeLines(m.description)}</p>` : '') +
    (m.endpointNames.length > 0 ? `<p class="meta">${w.affects}: ${m.endpointNames.map(escapeHtml).join(', ')}</p>` : '') +
    '</article>'
  );
}

/** Active maintenance first, then what is coming, soonest first. */
function maintenanceOrder(a: PublicMaintenance, b: PublicMaintenance): number {
  return Number(b.active) - Number(a.active) || Date.parse(a.startsAt) - Date.parse(b.startsAt);
}

/**
 * The subscribe block: one form per kind the page offers, each posting to `{base}/subscribe` (`email` or
 * `webhookUrl`). Nothing when the page offers neither, so that such a page stays as it was. Kept small: it
 * weighs on every first view.
 */
function subscribeBlock(s: StatusPageSubscriptions | undefined, w: StatusWords, b: string): string {
  // Ids se and sw; a button in a form submits by default.
  const form = (kind: SubscriberKind, input: string) =>
    `<form method="post" action="${b}/subscribe"><label for="s${kind[0]}">${w.sub.kind[kind]}</label><input id="s${kind[0]}" ${input} required>` +
    `<p class="meta">${w.sub.hint[kind]}</p><button aria-label="${w.sub.button}: ${w.sub.kind[kind]}">${w.sub.button}</button></form>`;
  const forms =
    (s?.email ? form('email', `type="email" name="email" maxlength="${SUBSCRIPTION_LIMITS.emailLength}" autocomplete="email"`) : '') +
    (s?.webhook ? form('webhook', `type="url" name="webhookUrl" maxlength="${SUBSCRIPTION_LIMITS.webhookUrlLength}"`) : '');
  return forms ? `<details id="subscribe"><summary>${w.sub.summary}</summary><div class="card">${forms}</div></details>\n` : '';
}

/** The public status page. */
export function renderStatusPage(page: PublicStatusPage, options: RenderOptions): string {
  const language = options.language;
  const w = wordsFor(language);
  const b = escapeHtml(base(options.basePath));
  const description = page.description?.trim() ? page.description.replace(/\s+/g, ' ').trim().slice(0, 300) : w.description(page.title);
  const feeds =
    `<link rel="alternate" type="application/atom+xml" title="Atom" href="${b}/feed.atom">` +
    `<link rel="alternate" type="application/rss+xml" title="RSS" href="${b}/feed.rss">` +
    `<script src="${assetUrl('status.js', options.assetVersion)}" defer></script>`;
  const logo = safeLogo(page.logoUrl);
  const overall = escapeHtml(page.overall);

  const active = page.activeIncidents.map((i) => incidentArticle(i, w, language, false, options.now)).join('');
  const maintenance = [...page.maintenance]
    .sort(maintenanceOrder)
    .map((m) => maintenanceArticle(m, w))
    .join('');
  const sections = page.sections
    .filter((s) => s.endpoints.length > 0)
    .map(
      (s) =>
        `<section class="grp"><h2>${escapeHtml(s.name)}</h2><ul class="card">${s.endpoints.map((e) => endpointRow(e, w, language, options.now)).join('\n')}</ul></section>\n`,
    )
    .join('');
  const past = page.pastIncidents.map((i) => incidentArticle(i, w, language, true, options.now)).join('\n');
  const generatedAt = Number.isNaN(Date.parse(page.generatedAt)) ? options.now.toISOString() : page.generatedAt;

  return (
    head({ language, title: page.title, description, assetVersion: options.assetVersion, extra: feeds }) +
    `<body data-base="${b}" data-words="${escapeHtml(JSON.stringify(clientWords(language)))}"><div class="wrap">` +
    `<header class="top"><div class="brand">${logo ? `<img class="logo" src="${escapeHtml(logo)}" alt="${escapeHtml(page.title)}">` : ''}<h1>${escapeHtml(page.title)}</h1></div>` +
    `${languageLinks(language, options.basePath)}</header>\n` +
    (page.description?.trim() ? `<p class="desc">${escapeLines(page.description)}</p>\n` : '') +
    `<div class="banner o-${overall}" data-overall="${overall}"><span class="bt" role="status">${escapeHtml(w.overall[page.overall] ?? page.overall)}</span><span id="live" class="live" hidden></span></div>\n` +
    `<section id="active-incidents">${active ? `<h2>${w.currentIncidents}</h2>${active}` : ''}</section>\n` +
    `<section id="maintenance">${maintenance ? `<h2>${w.maintenance}</h2>${maintenance}` : ''}</section>\n` +
    (sections || `<p class="empty">${w.noEndpoints}</p>\n`) +
    `<section class="past"><h2>${w.pastIncidents}</h2>${past || `<p class="empty">${w.noPastIncidents}</p>`}</section>\n` +
    subscribeBlock(page.subscriptions, w, b) +
    '<footer class="foot">' +
    (page.footer?.trim() ? `<p>${escapeLines(page.footer)}</p>` : '') +
    `<p><span id="updated">${w.updated} ${time(generatedAt, true)}</span> · ${w.subscribe}: <a href="${b}/feed.atom">Atom</a> <a href="${b}/feed.rss">RSS</a> · ${w.poweredBy}</p>` +
    '</footer></div></body></html>\n'
  );
}

/** Whole minutes and up are rounded up: a wait is never said to be shorter than it is. */
function waitText(seconds: number | undefined, language: StatusPageLanguage): string | null {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  const s = Math.ceil(seconds);
  return s < 60 ? formatDuration(s * 1000, language, true) : formatDuration(Math.ceil(s / 60) * 60_000, language);
}

/** The form a password-protected page shows instead; it posts `password` to `{basePath}/login`. */
export function renderPasswordPage(p: {
  title: string;
  basePath: string;
  language: StatusPageLanguage;
  assetVersion: string;
  error?: 'wrong_password' | 'too_many_attempts';
  retryAfterSeconds?: number;
}): string {
  const w = wordsFor(p.language);
  const error =
    p.error === 'wrong_password' ? w.wrongPassword : p.error === 'too_many_attempts' ? w.tooManyAttempts(waitText(p.retryAfterSeconds, p.language)) : null;
  return (
    head({ language: p.language, title: p.title, assetVersion: p.assetVersion, robots: false }) +
    `<body><main class="wrap narrow"><div class="card box"><h1>${escapeHtml(p.title)}</h1><p>${w.protectedText}</p>` +
    (error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : '') +
    `<form method="post" action="${escapeHtml(base(p.basePath))}/login"><label for="pw">${w.password}</label>` +
    `<input id="pw" type="password" name="password" autocomplete="current-password" required autofocus${error ? ' aria-invalid="true"' : ''}>` +
    `<button type="submit">${w.open}</button></form></div>${languageLinks(p.language, p.basePath)}</main></body></html>\n`
  );
}

export type SubscribeErrorCode =
  | 'invalid_email'
  | 'invalid_url'
  | 'blocked_target'
  | 'webhook_not_confirmed'
  | 'too_many_requests'
  | 'mail_unavailable'
  | 'page_full'
  | 'subscriptions_off';

/** What {@link renderSubscriptionPage} tells: the outcome of a subscribe, confirm or unsubscribe, or the manage page. */
export type SubscriptionPageState =
  /** The same words whether or not the address was subscribed already: nobody learns who is. */
  | { kind: 'email-sent'; email: string }
  | { kind: 'webhook-subscribed'; url: string; unsubscribeUrl: string }
  /** Where a mail's link leads: a Confirm button while unconfirmed (a mail scanner's GET confirms nothing), and Unsubscribe. */
  | { kind: 'manage'; token: string; subscriberKind: SubscriberKind; target: string; confirmed: boolean }
  | { kind: 'confirmed'; target: string }
  | { kind: 'unsubscribed'; target: string }
  /** The link is unknown or expired. */
  | { kind: 'invalid-link' }
  | { kind: 'error'; code: SubscribeErrorCode; detail?: string; retryAfterSeconds?: number };

/** At most this much of an error's detail is shown. */
const DETAIL_LENGTH = 300;

function subscriptionBody(state: SubscriptionPageState, language: StatusPageLanguage, b: string): string {
  const w = wordsFor(language).sub;
  const t = (value: string) => `<b>${escapeHtml(value)}</b>`;
  switch (state.kind) {
    case 'email-sent':
      return `<p>${w.emailSent(t(state.email), SUBSCRIPTION_LIMITS.pendingHours)}</p>`;
    case 'webhook-subscribed':
      return (
        `<p>${w.webhookSubscribed(t(state.url))}</p><p>${w.webhookSigned}</p>` +
        `<p>${w.webhookUnsubscribe}</p><p><code>${escapeHtml(state.unsubscribeUrl)}</code></p>`
      );
    case 'manage': {
      const token = escapeHtml(encodeURIComponent(state.token));
      const action = (path: string, label: string, alt = false) =>
        `<form method="post" action="${b}/${path}?token=${token}"><button type="submit"${alt ? ' class="alt"' : ''}>${label}</button></form>`;
      return (
        `<p>${w.kind[state.subscriberKind] ?? escapeHtml(state.subscriberKind)}: ${t(state.target)}</p>` +
        `<p>${state.confirmed ? w.confirmedState : w.pendingState}</p>` +
        (state.confirmed ? '' : action('confirm', w.confirm)) +
        action('unsubscribe', w.unsubscribe, !state.confirmed)
      );
    }
    case 'confirmed':
      return `<p>${w.confirmed(t(state.target))}</p>`;
    case 'unsubscribed':
      return `<p>${w.unsubscribed(t(state.target))}</p>`;
    case 'invalid-link':
      return `<p class="err" role="alert">${w.invalidLink}</p>`;
    case 'error': {
      let text = state.code === 'too_many_requests' ? w.tooManyRequests(waitText(state.retryAfterSeconds, language)) : (w.error[state.code] ?? state.code);
      const detail = Array.from(state.detail?.replace(/\s+/g, ' ').trim() ?? '');
      if (detail.length > 0) text = `${text.replace(/\.$/, '')} (${detail.slice(0, DETAIL_LENGTH).join('')}${detail.length > DETAIL_LENGTH ? '…' : ''}).`;
      return `<p class="err" role="alert">${escapeHtml(text)}</p>`;
    }
  }
}

/**
 * What the subscribe, confirm and unsubscribe routes answer, and the page a subscriber's link opens (`manage`:
 * its buttons post to `{basePath}/confirm?token=` and `{basePath}/unsubscribe?token=`). Always a link back to
 * the status page; never indexed.
 */
export function renderSubscriptionPage(p: {
  title: string;
  basePath: string;
  language: StatusPageLanguage;
  assetVersion: string;
  state: SubscriptionPageState;
}): string {
  const w = wordsFor(p.language);
  const b = escapeHtml(base(p.basePath));
  return (
    // No `no-referrer` here: under it browsers send the buttons' POSTs with `Origin: null`, which the origin check refuses.
    head({ language: p.language, title: p.title, assetVersion: p.assetVersion, robots: false }) +
    `<body><main class="wrap narrow"><div class="card box"><h1>${escapeHtml(p.title)}</h1>${subscriptionBody(p.state, p.language, b)}` +
    `<p><a href="${b || '/'}">${w.sub.back}</a></p></div>${languageLinks(p.language, p.basePath)}</main></body></html>\n`
  );
}

/** The page for a slug (or domain) that shows no status page. */
export function renderNotFoundPage(language: StatusPageLanguage, assetVersion = ''): string {
  const w = wordsFor(language);
  return messagePage(language, assetVersion, w.notFoundTitle, w.notFoundText);
}

/** What a page says when it cannot be built (the database away before its first view). */
export function renderUnavailablePage(language: StatusPageLanguage, assetVersion = ''): string {
  const w = wordsFor(language);
  return messagePage(language, assetVersion, w.unavailableTitle, w.unavailableText);
}

function messagePage(language: StatusPageLanguage, assetVersion: string, title: string, text: string): string {
  return (
    head({ language, title, assetVersion, robots: false }) +
    `<body><main class="wrap narrow"><div class="card box"><h1>${title}</h1><p>${text}</p></div></main></body></html>\n`
  );
}

function asLanguage(value: string | undefined | null): StatusPageLanguage | null {
  const primary = value?.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'en' || primary === 'ko' ? primary : null;
}

/** The `vigil_lang` value of a Cookie header, or the value itself when it is given alone. */
function cookieLanguage(cookie: string | undefined): StatusPageLanguage | null {
  if (!cookie) return null;
  if (!cookie.includes('=')) return asLanguage(cookie);
  for (const part of cookie.split(';')) {
    const i = part.indexOf('=');
    if (part.slice(0, i).trim() === 'vigil_lang') return asLanguage(part.slice(i + 1));
  }
  return null;
}

/** Accept-Language's first English or Korean range, by q-value then by order; q=0 means "not this one". */
function acceptedLanguage(header: string | undefined): StatusPageLanguage | null {
  if (!header) return null;
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      let q = 1;
      for (const param of params) {
        const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
        if (m) q = Number(m[1]);
      }
      return { tag: tag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.q > 0 && r.tag !== '')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranges) {
    const l = asLanguage(r.tag);
    if (l) return l;
  }
  return null;
}

/**
 * From ?lang=, then a `vigil_lang` cookie value (or a whole Cookie header), then Accept-Language (q-values
 * honoured), then the page's defaultLanguage, then 'en'.
 */
export function pickLanguage(input: { query?: string; cookie?: string; acceptLanguage?: string; pageDefault: StatusPageLanguage | null }): StatusPageLanguage {
  return asLanguage(input.query) ?? cookieLanguage(input.cookie) ?? acceptedLanguage(input.acceptLanguage) ?? input.pageDefault ?? 'en';
}
