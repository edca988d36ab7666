import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { PublicDay, PublicEndpoint, PublicIncident, PublicStatusPage, StatusPageLanguage } from '../contract/status-pages.ts';
import {
  ASSETS_PATH,
  pickLanguage,
  renderNotFoundPage,
  renderPasswordPage,
  renderStatusPage,
  renderSubscriptionPage,
  renderUnavailablePage,
  type RenderOptions,
  type SubscriptionPageState,
} from './status-page-html.ts';
import { STATUS_WORDS } from './status-words.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const CSS = readFileSync(new URL('./assets/status.css', import.meta.url), 'utf8');
const JS = readFileSync(new URL('./assets/status.js', import.meta.url), 'utf8');

/** A deterministic pseudo-random sequence (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 90 days ending today, as a real page has them: most days at 100 %; on a bad day a short dip (99.x %) or,
 * less often, a real outage. `badDays` is the endpoint's share of bad days; `newSince` the days it did not exist.
 */
function days(rand: () => number, badDays = 0.05, newSince = 0): PublicDay[] {
  return Array.from({ length: 90 }, (_, i) => {
    const date = new Date(NOW.getTime() - (89 - i) * 86_400_000).toISOString().slice(0, 10);
    if (i < newSince) return { date, uptime: null, incidents: 0, downMinutes: 0 };
    const r = rand();
    if (r >= badDays) return { date, uptime: 100, incidents: 0, downMinutes: 0 };
    if (r < badDays * 0.7) return { date, uptime: 99 + Math.round(rand() * 99) / 100, incidents: 1, downMinutes: Math.ceil(rand() * 14) };
    return { date, uptime: 90 + Math.round(rand() * 900) / 100, incidents: 1 + Math.floor(rand() * 2), downMinutes: 20 + Math.floor(rand() * 120) };
  });
}

const NAMES = [
  'Payments API',
  'Checkout',
  'Search (eu-west)',
  'Login',
  'Webhooks',
  'CDN edge',
  'Postgres primary',
  'Mail relay',
  'Billing worker',
  'Docs site',
];

function uuid(rand: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rand() * 4)]}${hex(3)}-${hex(12)}`;
}

function endpoint(i: number, rand: () => number, over: Partial<PublicEndpoint> = {}): PublicEndpoint {
  return {
    id: uuid(rand),
    name: `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`,
    status: i % 37 === 5 ? 'DOWN' : i % 23 === 3 ? 'DEGRADED' : 'UP',
    uptime90d: 99 + Math.round(rand() * 99) / 100,
    avgResponseTime: Math.round(40 + rand() * 400),
    // One endpoint in ten is flaky (a bad day in eight), the others have one in fifty (3 % of all days); one in seventeen is 30 days old.
    days: days(rand, i % 10 === 2 ? 0.12 : 0.02, i % 17 === 0 ? 60 : 0),
    ...over,
  };
}

function incident(id: string, over: Partial<PublicIncident> = {}): PublicIncident {
  return {
    id,
    endpointId: 'ep-1',
    endpointName: 'Payments API',
    startedAt: '2026-12-01T10:00:00.000Z',
    resolvedAt: null,
    updates: [
      { id: 'u-2', state: 'identified', message: 'A bad deploy.\nRolling back.', createdAt: '2026-12-01T10:20:00.000Z' },
      { id: 'u-1', state: 'investigating', message: 'Checkout fails for some users.', createdAt: '2026-12-01T10:05:00.000Z' },
    ],
    ...over,
  };
}

function page(over: Partial<PublicStatusPage> = {}): PublicStatusPage {
  return {
    slug: 'acme',
    title: 'Acme status',
    description: 'Live status of Acme services.',
    logoUrl: 'https://acme.example/logo.png',
    footer: 'Questions? support@acme.example',
    defaultLanguage: null,
    overall: 'partial_outage',
    statuses: {},
    activeIncidents: [incident('inc-1')],
    maintenance: [
      { name: 'Database upgrade', description: null, startsAt: '2026-12-03T01:00:00Z', endsAt: '2026-12-03T02:00:00Z', endpointNames: ['DB'], active: false },
    ],
    generatedAt: NOW.toISOString(),
    sections: [{ name: 'Core', endpoints: [endpoint(1, random(1))] }],
    pastIncidents: [incident('inc-0', { startedAt: '2026-11-20T08:00:00Z', resolvedAt: '2026-11-20T09:05:00Z' })],
    subscriptions: { email: false, webhook: false },
    ...over,
  };
}

function bigPage(): PublicStatusPage {
  const rand = random(42);
  const sections = Array.from({ length: 5 }, (_, s) => ({
    name: `Section ${s + 1}`,
    endpoints: Array.from({ length: 20 }, (_, i) => endpoint(s * 20 + i, rand)),
  }));
  const past = Array.from({ length: 10 }, (_, i) =>
    incident(`past-${i}`, {
      startedAt: `2026-11-${String(10 + i).padStart(2, '0')}T08:00:00Z`,
      resolvedAt: `2026-11-${String(10 + i).padStart(2, '0')}T09:12:00Z`,
    }),
  );
  return page({ sections, pastIncidents: past });
}

const OPTIONS: RenderOptions = { language: 'en', basePath: '/status/acme', assetVersion: 'abc123', now: NOW };

/** Every attribute name of every tag (a small tokenizer: quoted values are skipped whole). */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-zA-Z][^\s/>]*((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g)) {
    for (const attr of tag[1]!.matchAll(/\s+([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g)) names.push(attr[1]!.toLowerCase());
  }
  return names;
}

function assertCspSafe(html: string): void {
  for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    expect(script[2]).toBe('');
    expect(script[1]).toMatch(/\ssrc="/);
  }
  const names = attributeNames(html);
  expect(names.length).toBeGreaterThan(10);
  expect(names.filter((n) => n === 'style' || /^on[a-z]+$/.test(n))).toEqual([]);
  expect(html).not.toMatch(/<style/i);
}

const SUBSCRIPTION: { title: string; basePath: string; language: StatusPageLanguage; assetVersion: string } = {
  title: 'Acme status',
  basePath: '/status/acme',
  language: 'en',
  assetVersion: '7',
};

/** One of each state the subscription page shows. */
const STATES: SubscriptionPageState[] = [
  { kind: 'email-sent', email: 'ann@acme.example' },
  { kind: 'webhook-subscribed', url: 'https://hooks.acme.example/vigil', unsubscribeUrl: 'https://status.acme.example/status/acme/unsubscribe?token=t0k' },
  { kind: 'manage', token: 't0k', subscriberKind: 'email', target: 'ann@acme.example', confirmed: false },
  { kind: 'manage', token: 't0k', subscriberKind: 'webhook', target: 'https://hooks.acme.example/vigil', confirmed: true },
  { kind: 'confirmed', target: 'ann@acme.example' },
  { kind: 'unsubscribed', target: 'ann@acme.example' },
  { kind: 'invalid-link' },
  ...(
    [
      'invalid_email',
      'invalid_url',
      'blocked_target',
      'webhook_not_confirmed',
      'too_many_requests',
      'mail_unavailable',
      'page_full',
      'subscriptions_off',
    ] as const
  ).map((code): SubscriptionPageState => ({ kind: 'error', code })),
];

describe('renderStatusPage', () => {
  it('keeps the first view of 100 endpoints × 90 days under 20 KB gzipped, in both languages, with both subscription forms', () => {
    const html = renderStatusPage(bigPage(), OPTIONS);
    // The page as the server sends it (gzipped once at level 9: renderedOnce in public-cache.ts); the
    // stylesheet and script at zlib's default level, as the compression middleware sends them.
    const gz = (s: string, level?: number) => gzipSync(s, { level }).length;
    const assets = gz(CSS) + gz(JS);
    for (const language of ['en', 'ko'] as const) {
      for (const subscriptions of [
        { email: false, webhook: false },
        { email: true, webhook: true },
      ]) {
        const page = gz(renderStatusPage({ ...bigPage(), subscriptions }, { ...OPTIONS, language }), 9);
        console.log(`status page (${language}, subscriptions ${subscriptions.email}), gzipped bytes: page ${page}, css + js ${assets}`);
        expect(page + assets, `${language} ${JSON.stringify(subscriptions)}`).toBeLessThan(20 * 1024);
      }
    }
    expect(html.match(/data-endpoint-id=/g)).toHaveLength(100);
    expect(html.match(/<li(?: class="d\d")? title="/g)).toHaveLength(9000);
  });

  it('has no inline script, style or event handler', () => {
    assertCspSafe(renderStatusPage(bigPage(), OPTIONS));
    assertCspSafe(renderPasswordPage({ title: 'x', basePath: '/status/x', language: 'en', assetVersion: '1', error: 'wrong_password' }));
    assertCspSafe(renderNotFoundPage('ko'));
    assertCspSafe(renderStatusPage(page({ subscriptions: { email: true, webhook: true } }), OPTIONS));
    for (const state of STATES) assertCspSafe(renderSubscriptionPage({ ...SUBSCRIPTION, state }));
  });

  it('links its assets, feeds and live stream from basePath and ASSETS_PATH', () => {
    const html = renderStatusPage(page(), OPTIONS);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('<title>Acme status</title>');
    expect(html).toContain('<meta name="description" content="Live status of Acme services.">');
    expect(html).toContain(`<link rel="stylesheet" href="${ASSETS_PATH}/status.css?v=abc123">`);
    expect(html).toContain(`<script src="${ASSETS_PATH}/status.js?v=abc123" defer></script>`);
    expect(html).toContain('<link rel="alternate" type="application/atom+xml" title="Atom" href="/status/acme/feed.atom">');
    expect(html).toContain('type="application/rss+xml" title="RSS" href="/status/acme/feed.rss"');
    expect(html).toContain('<body data-base="/status/acme" data-words="');
    expect(html).toContain('href="/status/acme?lang=ko"');
    expect(html).toContain('<img class="logo" src="https://acme.example/logo.png" alt="Acme status">');
    // At the root of a custom domain.
    const root = renderStatusPage(page(), { ...OPTIONS, basePath: '' });
    expect(root).toContain('href="/feed.atom"');
    expect(root).toContain('href="?lang=ko"');
    expect(root).toContain('<body data-base=""');
  });

  it('carries the data attributes status.js updates, and the words it needs', () => {
    const html = renderStatusPage(page(), OPTIONS);
    expect(html).toContain('<div class="banner o-partial_outage" data-overall="partial_outage"><span class="bt" role="status">Partial outage</span>');
    expect(html).toMatch(/<li class="ep" data-endpoint-id="[0-9a-f]{8}-[0-9a-f-]{27}">/);
    expect(html).toContain('<span class="st s-UP" data-status="UP">Operational</span>');
    expect(html).toContain('<section id="active-incidents"><h2>Current incidents</h2>');
    expect(html).toContain('<section id="maintenance"><h2>Maintenance</h2>');
    expect(html).toContain('<span id="updated">Updated <time datetime="2026-12-01T12:00:00.000Z">2026-12-01 12:00:00 UTC</time></span>');
    const words = JSON.parse(
      html
        .match(/data-words="([^"]*)"/)![1]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&'),
    );
    expect(words.overall.major_outage).toBe('Major outage');
    expect(words.status.DOWN).toBe('Down');
    expect(words.reconnecting).toBe('Reconnecting…');
    // Nothing going on: the containers stay, empty.
    const calm = renderStatusPage(page({ activeIncidents: [], maintenance: [] }), OPTIONS);
    expect(calm).toContain('<section id="active-incidents"></section>');
    expect(calm).toContain('<section id="maintenance"></section>');
  });

  it('draws a bar of 90 days, each with its tooltip and accessible text', () => {
    const e = endpoint(1, random(3));
    e.days[89] = { date: '2026-12-01', uptime: 99.314, incidents: 1, downMinutes: 10 };
    e.days[88] = { date: '2026-11-30', uptime: null, incidents: 0, downMinutes: 0 };
    e.days[87] = { date: '2026-11-29', uptime: 100, incidents: 0, downMinutes: 0 };
    e.days[86] = { date: '2026-11-28', uptime: 96, incidents: 2, downMinutes: 58 };
    e.days[85] = { date: '2026-11-27', uptime: 50, incidents: 1, downMinutes: 720 };
    const html = renderStatusPage(page({ sections: [{ name: 'Core', endpoints: [e] }] }), OPTIONS);
    const bar = html.match(/<ol class="bar" aria-label="Last 90 days">(.*?)<\/ol>/)![1]!;
    const cells = [...bar.matchAll(/<li(?: class="d(\d)")? title="([^"]+)">/g)];
    expect(cells).toHaveLength(90);
    expect(cells.map((c) => c[0]).join('')).toBe(bar);
    expect(cells.at(-1)![2]).toBe('2026-12-01 · 99.31% · 1 incident · 10 min down');
    expect(cells.at(-1)![1]).toBe('2');
    expect(cells.at(-2)![0]).toBe('<li class="d0" title="2026-11-30 · No data">');
    expect(cells.at(-3)![0]).toBe('<li title="2026-11-29 · 100%">');
    expect(cells.at(-4)![2]).toBe('2026-11-28 · 96.00% · 2 incidents · 58 min down');
    expect(cells.at(-4)![1]).toBe('3');
    expect(cells.at(-5)![1]).toBe('4');
    const ko = renderStatusPage(page({ sections: [{ name: 'Core', endpoints: [e] }] }), { ...OPTIONS, language: 'ko' });
    expect(ko).toContain('title="2026-12-01 · 99.31% · 장애 1건 · 10분 중단"');
    // A young endpoint's missing days are drawn empty before its first, so that today stays on the right.
    const young = renderStatusPage(page({ sections: [{ name: 'Core', endpoints: [{ ...e, days: e.days.slice(-3) }] }] }), OPTIONS);
    const youngBar = young.match(/<ol class="bar"[^>]*>(.*?)<\/ol>/)![1]!;
    expect(youngBar.match(/<li/g)).toHaveLength(90);
    expect(youngBar.startsWith('<li class="d0" title="2026-09-03 · No data">')).toBe(true);
    expect(
      youngBar.endsWith(
        '<li class="d0" title="2026-11-28 · No data"><li title="2026-11-29 · 100%"><li class="d0" title="2026-11-30 · No data"><li class="d2" title="2026-12-01 · 99.31% · 1 incident · 10 min down">',
      ),
    ).toBe(true);
  });

  it('shows response times and 90-day uptime when given', () => {
    const html = renderStatusPage(
      page({ sections: [{ name: 'Core', endpoints: [endpoint(1, random(1), { avgResponseTime: 123.4, uptime90d: 99.996 })] }] }),
      OPTIONS,
    );
    expect(html).toContain('>123 ms</span>');
    expect(html).toContain('<span class="up">99.99% over 90 days</span>');
    const none = renderStatusPage(
      page({ sections: [{ name: 'Core', endpoints: [endpoint(1, random(1), { avgResponseTime: undefined, uptime90d: null })] }] }),
      OPTIONS,
    );
    expect(none).not.toContain(' ms</span>');
    expect(none).toContain('<span class="up">No data</span>');
  });

  it('shows incidents with their updates, maintenance, and past incidents with how long they lasted', () => {
    const html = renderStatusPage(page(), OPTIONS);
    expect(html).toContain('<h3><span class="tag t-identified">Identified</span> Payments API</h3>');
    expect(html).toContain('<b class="u u-investigating">Investigating</b> <time datetime="2026-12-01T10:05:00.000Z">2026-12-01 10:05 UTC</time>');
    expect(html).toContain('<p>A bad deploy.<br>Rolling back.</p>');
    expect(html).toContain('<span class="tag t-next">Scheduled</span> Database upgrade');
    expect(html).toContain('Affects: DB');
    expect(html).toContain('lasted 1 h 5 min');
    expect(html).toContain('<summary>2 updates</summary>');
    // Active maintenance comes before what is scheduled.
    const two = renderStatusPage(
      page({
        maintenance: [
          { name: 'Later', description: null, startsAt: '2026-12-03T01:00:00Z', endsAt: '2026-12-03T02:00:00Z', endpointNames: [], active: false },
          { name: 'Now', description: 'Line 1\nLine 2', startsAt: '2026-12-01T11:00:00Z', endsAt: '2026-12-01T13:00:00Z', endpointNames: [], active: true },
        ],
      }),
      OPTIONS,
    );
    expect(two.indexOf('In progress</span> Now')).toBeGreaterThan(0);
    expect(two.indexOf('In progress</span> Now')).toBeLessThan(two.indexOf('Scheduled</span> Later'));
    expect(two).toContain('<p>Line 1<br>Line 2</p>');
    expect(renderStatusPage(page({ pastIncidents: [] }), OPTIONS)).toContain('No incidents in the last 90 days.');
  });

  it('speaks Korean', () => {
    const html = renderStatusPage(page({ overall: 'major_outage' }), { ...OPTIONS, language: 'ko' });
    expect(html).toContain('<html lang="ko">');
    expect(html).toContain('>주요 장애</span>');
    expect(html).toContain('>원인 파악</span> Payments API');
    expect(html).toContain('>조사 중</b>');
    expect(html).toContain('진행 중인 장애');
    expect(html).toContain('>정상</span>');
    expect(html).toContain('1시간 5분 지속');
    expect(html).toContain('aria-current="true">한국어</a>');
    const words = ['operational', 'degraded', 'maintenance', 'unknown'].map((o) =>
      renderStatusPage(page({ overall: o as never }), { ...OPTIONS, language: 'ko' }),
    );
    expect(words[0]).toContain('모든 시스템 정상');
    expect(words[2]).toContain('>점검 중</span>');
    expect(renderStatusPage(page(), { ...OPTIONS, language: 'ko' })).toContain('&quot;reconnecting&quot;:&quot;다시 연결 중…&quot;');
  });

  it('escapes everything the page holds', () => {
    const evil = `<img src=x onerror=alert(1)>"><script>alert('x')</script>`;
    const e = endpoint(1, random(1), { id: `id"><script>`, name: evil });
    const html = renderStatusPage(
      page({
        title: evil,
        description: evil,
        footer: evil,
        logoUrl: 'javascript:alert(1)',
        sections: [{ name: evil, endpoints: [e] }],
        activeIncidents: [
          incident('a"b', { endpointName: evil, updates: [{ id: 'u', state: 'identified', message: evil, createdAt: '2026-12-01T10:20:00Z' }] }),
        ],
        pastIncidents: [incident('p', { endpointName: evil, resolvedAt: '2026-12-01T11:00:00Z' })],
        maintenance: [{ name: evil, description: evil, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-02T00:00:00Z', endpointNames: [evil], active: true }],
      }),
      { ...OPTIONS, basePath: '/status/a"b<', assetVersion: '"><x' },
    );
    assertCspSafe(html);
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('"><script>');
    expect(html).not.toContain("alert('x')");
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<img class="logo"');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    // The only script is status.js.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<img/g)).toBeNull();
    // Only the logos it may show.
    for (const ok of ['http://a.example/l.png', 'data:image/png;base64,AAAA', 'HTTPS://a.example/l.svg']) {
      expect(renderStatusPage(page({ logoUrl: ok }), OPTIONS)).toContain(`<img class="logo" src="${ok}"`);
    }
    for (const bad of ['data:text/html,<b>', ' javascript:x', 'vbscript:x', '//evil.example/x.png']) {
      expect(renderStatusPage(page({ logoUrl: bad }), OPTIONS)).not.toContain('<img');
    }
  });
});

describe('the subscribe block', () => {
  const block = (html: string) => html.match(/<details id="subscribe">.*?<\/details>\n/)?.[0] ?? null;

  it('is not there when the page offers no subscription, and the page stays byte for byte as it was', () => {
    const off = renderStatusPage(page(), OPTIONS);
    expect(off).not.toContain('subscribe"');
    expect(off).not.toContain('<form');
    expect(block(off)).toBeNull();
    // The block is the only difference: taken out of a page that has it, what is left is the page without.
    for (const subscriptions of [
      { email: true, webhook: false },
      { email: false, webhook: true },
      { email: true, webhook: true },
    ]) {
      for (const options of [OPTIONS, { ...OPTIONS, language: 'ko' as const }, { ...OPTIONS, basePath: '' }]) {
        const on = renderStatusPage(page({ subscriptions }), options);
        expect(on.replace(block(on)!, '')).toBe(renderStatusPage(page(), options));
      }
    }
  });

  it('holds one form per kind the page offers, just before the footer, and keeps the feeds', () => {
    const email = renderStatusPage(page({ subscriptions: { email: true, webhook: false } }), OPTIONS);
    expect(block(email)).toBe(
      '<details id="subscribe"><summary>Subscribe to updates</summary><div class="card">' +
        '<form method="post" action="/status/acme/subscribe"><label for="se">Email</label>' +
        '<input id="se" type="email" name="email" maxlength="254" autocomplete="email" required>' +
        '<p class="meta">We’ll send a link to confirm.</p><button aria-label="Subscribe: Email">Subscribe</button></form></div></details>\n',
    );
    expect(email.indexOf('<details id="subscribe">')).toBeLessThan(email.indexOf('<footer'));
    expect(email.indexOf('<details id="subscribe">')).toBeGreaterThan(email.indexOf('<section class="past">'));
    expect(email).toContain('<a href="/status/acme/feed.atom">Atom</a> <a href="/status/acme/feed.rss">RSS</a>');

    const webhook = block(renderStatusPage(page({ subscriptions: { email: false, webhook: true } }), OPTIONS))!;
    expect(webhook).not.toContain('name="email"');
    expect(webhook).toContain('<label for="sw">Webhook URL</label><input id="sw" type="url" name="webhookUrl" maxlength="2048" required>');
    expect(webhook).toContain('Vigil POSTs a JSON challenge; your URL must answer with it.');

    const both = block(renderStatusPage(page({ subscriptions: { email: true, webhook: true } }), { ...OPTIONS, basePath: '' }))!;
    expect(both.match(/<form method="post" action="\/subscribe">/g)).toHaveLength(2);
    expect(both.match(/<label for="s[ew]">/g)).toHaveLength(2);
    expect(both.indexOf('name="email"')).toBeLessThan(both.indexOf('name="webhookUrl"'));
  });

  it('speaks Korean', () => {
    const ko = block(renderStatusPage(page({ subscriptions: { email: true, webhook: true } }), { ...OPTIONS, language: 'ko' }))!;
    expect(ko).toContain('<summary>업데이트 구독</summary>');
    expect(ko).toContain('<label for="se">이메일</label>');
    expect(ko).toContain('<label for="sw">웹훅 URL</label>');
    expect(ko).toContain('확인 링크를 메일로 보내 드립니다.');
    expect(ko).toContain('<button aria-label="구독하기: 이메일">구독하기</button>');
  });

  it('escapes where it posts', () => {
    const html = renderStatusPage(page({ subscriptions: { email: true, webhook: true } }), { ...OPTIONS, basePath: '/status/a"><script>' });
    expect(html).toContain('action="/status/a&quot;&gt;&lt;script&gt;/subscribe"');
    expect(html).not.toContain('"><script>');
  });
});

describe('renderSubscriptionPage', () => {
  const render = (state: SubscriptionPageState, over: Partial<typeof SUBSCRIPTION> = {}) => renderSubscriptionPage({ ...SUBSCRIPTION, ...over, state });
  const text = (html: string) =>
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');

  it("is a small page in the password page's style, never indexed, with a way back to the status page", () => {
    for (const state of STATES) {
      for (const language of ['en', 'ko'] as const) {
        const html = render(state, { language });
        expect(html).toMatch(new RegExp(`^<!doctype html>\n<html lang="${language}">`));
        expect(html).toContain('<title>Acme status</title>');
        expect(html).toContain('<meta name="robots" content="noindex">');
        expect(html).toContain(`<link rel="stylesheet" href="${ASSETS_PATH}/status.css?v=7">`);
        expect(html).toContain('<main class="wrap narrow"><div class="card box"><h1>Acme status</h1>');
        expect(html).toContain(`<p><a href="/status/acme">${language === 'en' ? 'Back to the status page' : '상태 페이지로 돌아가기'}</a></p>`);
        expect(html).toContain('<nav class="lang"');
        expect(html).not.toContain('undefined');
      }
    }
    // At the root of a custom domain, the way back is /.
    expect(render({ kind: 'invalid-link' }, { basePath: '' })).toContain('<a href="/">Back to the status page</a>');
  });

  it('says a confirmation link is on its way, whether or not the address was subscribed', () => {
    expect(text(render({ kind: 'email-sent', email: 'ann@acme.example' }))).toContain(
      'If ann@acme.example can receive mail, a link to confirm is on its way (valid 48 hours).',
    );
    expect(text(render({ kind: 'email-sent', email: 'ann@acme.example' }, { language: 'ko' }))).toContain(
      'ann@acme.example 주소로 메일을 받을 수 있다면 구독 확인 링크가 곧 도착합니다(48시간 동안 유효).',
    );
  });

  it('gives a webhook its unsubscribe address to keep, and says how deliveries are signed', () => {
    const state: SubscriptionPageState = {
      kind: 'webhook-subscribed',
      url: 'https://hooks.acme.example/vigil',
      unsubscribeUrl: 'https://status.acme.example/status/acme/unsubscribe?token=a&b',
    };
    const html = render(state);
    expect(html).toContain('<b>https://hooks.acme.example/vigil</b>');
    expect(html).toContain('<code>https://status.acme.example/status/acme/unsubscribe?token=a&amp;b</code>');
    expect(text(html)).toContain('signed (X-Vigil-Signature, HMAC-SHA256) with the secret sent in the challenge');
    const ko = text(render(state, { language: 'ko' }));
    expect(ko).toContain('https://status.acme.example/status/acme/unsubscribe?token=a&b');
    expect(ko).toContain('챌린지와 함께 보낸 시크릿으로 만든 서명');
  });

  it('lets a subscriber confirm (while unconfirmed) and unsubscribe, posting the token URL-encoded', () => {
    const pending = render({ kind: 'manage', token: 'a b/c+d', subscriberKind: 'email', target: 'ann@acme.example', confirmed: false });
    expect(pending).toContain('<p>Email: <b>ann@acme.example</b></p>');
    expect(pending).toContain(
      '<form method="post" action="/status/acme/confirm?token=a%20b%2Fc%2Bd"><button type="submit">Confirm subscription</button></form>',
    );
    expect(pending).toContain(
      '<form method="post" action="/status/acme/unsubscribe?token=a%20b%2Fc%2Bd"><button type="submit" class="alt">Unsubscribe</button></form>',
    );
    expect(text(pending)).toContain('Not confirmed yet');

    const confirmed = render(
      { kind: 'manage', token: 't', subscriberKind: 'webhook', target: 'https://hooks.acme.example/x', confirmed: true },
      { basePath: '' },
    );
    expect(confirmed).not.toContain('/confirm?');
    expect(confirmed).toContain('<form method="post" action="/unsubscribe?token=t"><button type="submit">Unsubscribe</button></form>');
    expect(confirmed).toContain('<p>Webhook URL: <b>https://hooks.acme.example/x</b></p>');

    const ko = render({ kind: 'manage', token: 't', subscriberKind: 'email', target: 'ann@acme.example', confirmed: false }, { language: 'ko' });
    expect(ko).toContain('<p>이메일: <b>ann@acme.example</b></p>');
    expect(ko).toContain('>구독 확인</button>');
    expect(ko).toContain('>구독 해지</button>');
    expect(ko).toContain('아직 확인되지 않았습니다.');
    expect(render({ kind: 'manage', token: 't', subscriberKind: 'email', target: 'a@b.example', confirmed: true }, { language: 'ko' })).toContain(
      '구독 중입니다.',
    );
  });

  it('says what was confirmed or unsubscribed, and when a link is no good', () => {
    expect(text(render({ kind: 'confirmed', target: 'ann@acme.example' }))).toContain('Subscription confirmed. ann@acme.example will get a notice');
    expect(text(render({ kind: 'confirmed', target: 'ann@acme.example' }, { language: 'ko' }))).toContain('구독을 확인했습니다.');
    expect(text(render({ kind: 'unsubscribed', target: 'ann@acme.example' }))).toContain('Unsubscribed. ann@acme.example will get no more notices');
    expect(text(render({ kind: 'unsubscribed', target: 'ann@acme.example' }, { language: 'ko' }))).toContain(
      '구독을 해지했습니다. 이제 ann@acme.example 주소로',
    );
    expect(render({ kind: 'invalid-link' })).toContain('<p class="err" role="alert">This link is unknown or has expired.');
    expect(render({ kind: 'invalid-link' }, { language: 'ko' })).toContain('알 수 없거나 만료된 링크입니다.');
  });

  it('has a sentence for every error, the detail appended, and how long to wait', () => {
    const errors = STATES.filter((s) => s.kind === 'error');
    for (const language of ['en', 'ko'] as const) {
      const sentences = errors.map((state) => render(state, { language }).match(/<p class="err" role="alert">([^<]+)<\/p>/)![1]);
      expect(new Set(sentences).size).toBe(errors.length);
      for (const state of errors) expect(render(state, { language })).not.toContain('<form');
    }
    expect(render({ kind: 'error', code: 'webhook_not_confirmed', detail: 'the URL answered 404' })).toContain(
      '<p class="err" role="alert">The webhook URL did not echo the challenge (the URL answered 404).</p>',
    );
    expect(render({ kind: 'error', code: 'invalid_email' })).toContain('That is not a valid email address.');
    expect(render({ kind: 'error', code: 'too_many_requests', retryAfterSeconds: 61 })).toContain('Too many requests. Try again in 2 min.');
    expect(render({ kind: 'error', code: 'too_many_requests', retryAfterSeconds: 30 }, { language: 'ko' })).toContain(
      '요청이 너무 많습니다. 30초 후에 다시 시도하세요.',
    );
    expect(render({ kind: 'error', code: 'too_many_requests' })).toContain('Too many requests. Try again later.');
    expect(render({ kind: 'error', code: 'mail_unavailable' }, { language: 'ko' })).toContain('지금은 메일을 보낼 수 없습니다.');
    // A long detail is cut, on one line.
    const long = render({ kind: 'error', code: 'blocked_target', detail: `a\n${'x'.repeat(1000)}` });
    expect(long).toMatch(/\(a x{298}…\)\.<\/p>/);
  });

  it('escapes everything it shows, and the token in the form actions', () => {
    const evil = `"><script>alert('x')</script>`;
    const states: SubscriptionPageState[] = [
      { kind: 'email-sent', email: evil },
      { kind: 'webhook-subscribed', url: evil, unsubscribeUrl: evil },
      { kind: 'manage', token: evil, subscriberKind: 'webhook', target: evil, confirmed: false },
      { kind: 'confirmed', target: evil },
      { kind: 'unsubscribed', target: evil },
      { kind: 'error', code: 'webhook_not_confirmed', detail: evil },
    ];
    for (const state of states) {
      for (const language of ['en', 'ko'] as const) {
        const html = render(state, { title: evil, basePath: '/status/a"b', language });
        assertCspSafe(html);
        expect(html).not.toContain('"><script>');
        expect(html).not.toContain("alert('x')");
        expect(html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
        expect(html).toContain('<a href="/status/a&quot;b">');
      }
    }
    const manage = render(states[2]!, { basePath: '/status/a"b' });
    const token = encodeURIComponent(evil).replace(/'/g, '&#39;');
    expect(manage).toContain(`action="/status/a&quot;b/confirm?token=${token}"`);
    expect(manage).toContain(`action="/status/a&quot;b/unsubscribe?token=${token}"`);
  });

  it('holds words that are safe in HTML as they are', () => {
    // The renderers put the words in unescaped and escape only what they are given: no word may hold markup.
    const all: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') all.push(v);
      else if (typeof v === 'function') all.push(String(v.length === 1 ? v('X') : v('X', 'Y', 48)));
      else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(STATUS_WORDS.en.sub);
    walk(STATUS_WORDS.ko.sub);
    walk(STATUS_WORDS.en.notice);
    walk(STATUS_WORDS.ko.notice);
    expect(all.length).toBeGreaterThan(60);
    expect(all.filter((w) => /[<>&"']/.test(w))).toEqual([]);
  });
});

describe('renderPasswordPage', () => {
  it('posts the password to {basePath}/login', () => {
    const html = renderPasswordPage({ title: 'Acme <status>', basePath: '/status/acme', language: 'en', assetVersion: '7' });
    expect(html).toContain('<title>Acme &lt;status&gt;</title>');
    expect(html).toContain('<form method="post" action="/status/acme/login">');
    expect(html).toMatch(/<input id="pw" type="password" name="password" autocomplete="current-password" required/);
    expect(html).toContain('<label for="pw">Password</label>');
    expect(html).toContain(`href="${ASSETS_PATH}/status.css?v=7"`);
    expect(html).not.toContain('role="alert"');
  });

  it('says what went wrong', () => {
    expect(renderPasswordPage({ title: 't', basePath: '/status/a', language: 'en', assetVersion: '1', error: 'wrong_password' })).toContain(
      '<p class="err" role="alert">Wrong password. Try again.</p>',
    );
    expect(
      renderPasswordPage({ title: 't', basePath: '/status/a', language: 'en', assetVersion: '1', error: 'too_many_attempts', retryAfterSeconds: 61 }),
    ).toContain('Too many attempts. Try again in 2 min.');
    expect(
      renderPasswordPage({ title: 't', basePath: '/status/a', language: 'ko', assetVersion: '1', error: 'too_many_attempts', retryAfterSeconds: 30 }),
    ).toContain('시도가 너무 많습니다. 30초 후에 다시 시도하세요.');
    expect(renderPasswordPage({ title: 't', basePath: '/status/a', language: 'ko', assetVersion: '1', error: 'wrong_password' })).toContain(
      '비밀번호가 맞지 않습니다.',
    );
  });
});

describe('renderNotFoundPage', () => {
  it('says there is no page, in the language', () => {
    expect(renderNotFoundPage('en')).toContain('<h1>Page not found</h1>');
    expect(renderNotFoundPage('ko')).toContain('<html lang="ko">');
    expect(renderNotFoundPage('ko')).toContain('페이지를 찾을 수 없습니다');
  });

  it('has a sibling for a page that cannot be built now, which says so rather than "not found"', () => {
    expect(renderUnavailablePage('en')).toContain('<h1>Status unavailable for a moment</h1>');
    expect(renderUnavailablePage('ko')).toContain('잠시 후 다시 시도하세요');
    expect(renderUnavailablePage('en')).not.toContain('not found');
  });
});

describe('pickLanguage', () => {
  it('takes ?lang=, then the cookie, then Accept-Language, then the page default, then English', () => {
    expect(pickLanguage({ query: 'ko', cookie: 'en', acceptLanguage: 'en', pageDefault: 'en' })).toBe('ko');
    expect(pickLanguage({ query: 'fr', cookie: 'ko', acceptLanguage: 'en', pageDefault: 'en' })).toBe('ko');
    expect(pickLanguage({ cookie: 'theme=dark; vigil_lang=ko', acceptLanguage: 'en', pageDefault: null })).toBe('ko');
    expect(pickLanguage({ cookie: 'vigil_lang=xx', acceptLanguage: 'ko-KR,ko;q=0.9', pageDefault: null })).toBe('ko');
    expect(pickLanguage({ acceptLanguage: 'fr-FR,fr;q=0.9,ko;q=0.8,en;q=0.7', pageDefault: 'en' })).toBe('ko');
    expect(pickLanguage({ acceptLanguage: 'en;q=0.5, ko;q=0.8', pageDefault: null })).toBe('ko');
    expect(pickLanguage({ acceptLanguage: 'ko;q=0, en-US', pageDefault: 'ko' })).toBe('en');
    expect(pickLanguage({ acceptLanguage: 'fr, de;q=0.5, *;q=0.1', pageDefault: 'ko' })).toBe('ko');
    expect(pickLanguage({ acceptLanguage: 'fr', pageDefault: null })).toBe('en');
    expect(pickLanguage({ pageDefault: null })).toBe('en');
    expect(pickLanguage({ query: 'KO', pageDefault: null })).toBe('ko');
  });
});
