import { describe, expect, it } from 'vitest';
import type { PublicIncident, PublicStatusPage } from '../contract/status-pages.ts';
import { renderAtom, renderRss } from './status-feed.ts';

/**
 * A small XML well-formedness check: one root, balanced and properly nested tags, quoted attributes without
 * `<`, no raw `<` in text, `&` only as an entity, and no character XML forbids. Returns the elements in order.
 */
function parseXml(xml: string): { name: string; attrs: Record<string, string>; text: string }[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for exactly these
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, '');
  const token = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/gy;
  const stack: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const elements: typeof stack = [];
  let roots = 0;
  for (let m = token.exec(body); m !== null && m.index < body.length; m = token.exec(body)) {
    const [, close, name, attrText, selfClose, text, stray] = m;
    if (stray) throw new Error(`a stray "<" at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      for (const amp of text.matchAll(/&/g)) {
        expect(text.slice(amp.index)).toMatch(/^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/i);
      }
      if (stack.length === 0) expect(text.trim()).toBe('');
      else stack.at(-1)!.text += text;
      continue;
    }
    if (close) {
      expect(stack.pop()?.name).toBe(name);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = a[2] ?? a[3]!;
    const element = { name: name!, attrs, text: '' };
    if (stack.length === 0) roots++;
    elements.push(element);
    if (!selfClose) stack.push(element);
  }
  expect(token.lastIndex === 0 || token.lastIndex === body.length).toBe(true);
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  return elements;
}

/** The text of an element, its entities decoded. */
function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
}

function incident(id: string, over: Partial<PublicIncident> = {}): PublicIncident {
  return {
    id,
    endpointId: 'e1',
    endpointName: 'Payments API',
    startedAt: '2026-12-01T10:00:00.000Z',
    resolvedAt: null,
    updates: [
      { id: 'u1', state: 'identified', message: 'A bad deploy.\nRolling back.', createdAt: '2026-12-01T10:20:00.000Z' },
      { id: 'u2', state: 'investigating', message: 'Checkout fails.', createdAt: '2026-12-01T10:05:00.000Z' },
    ],
    ...over,
  };
}

function page(over: Partial<PublicStatusPage> = {}): PublicStatusPage {
  return {
    slug: 'acme',
    title: 'Acme status',
    description: 'Live status of Acme.',
    logoUrl: null,
    footer: null,
    defaultLanguage: null,
    overall: 'major_outage',
    statuses: {},
    activeIncidents: [incident('open-1')],
    maintenance: [],
    generatedAt: '2026-12-01T12:00:00.000Z',
    sections: [],
    subscriptions: { email: false, webhook: false },
    pastIncidents: [
      incident('past-2', { startedAt: '2026-11-20T08:00:00Z', resolvedAt: '2026-11-20T09:05:00Z', updates: [] }),
      incident('past-1', {
        startedAt: '2026-11-02T08:00:00Z',
        resolvedAt: '2026-11-02T08:30:00Z',
        updates: [{ id: 'u3', state: 'resolved', message: 'Fixed.', createdAt: '2026-11-02T08:40:00Z' }],
      }),
    ],
    ...over,
  };
}

const O = { pageUrl: 'https://status.acme.example/status/acme', feedUrl: 'https://status.acme.example/status/acme/feed.atom', language: 'en' as const };
const EVIL = `<img src=x onerror=alert(1)>"><script>&amp; ']]> \u0000\u0007\u001b\uffff\ud800 ok`;

describe('parseXml (the check the feeds are held to)', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b>x</a></b>')).toThrow();
    expect(() => parseXml('<a>1 < 2</a>')).toThrow();
    expect(() => parseXml('<a>AT&T</a>')).toThrow();
    expect(() => parseXml('<a x="<">y</a>')).toThrow();
    expect(() => parseXml('<a/><b/>')).toThrow();
    expect(() => parseXml('<a>')).toThrow();
    expect(parseXml('<?xml version="1.0"?>\n<a x="1"><b>&lt;&amp;</b><c/></a>\n').map((e) => e.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('renderAtom', () => {
  it('is an Atom feed of the incidents, newest first, each once', () => {
    const xml = renderAtom(page({ pastIncidents: [...page().pastIncidents, incident('open-1')] }), O);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">')).toBe(true);
    const elements = parseXml(xml);
    const feedTitle = elements.find((e) => e.name === 'title')!;
    expect(feedTitle.text).toBe('Acme status');
    expect(elements.find((e) => e.name === 'link' && e.attrs.rel === 'self')!.attrs.href).toBe(O.feedUrl);
    expect(elements.find((e) => e.name === 'link' && e.attrs.rel === 'alternate')!.attrs.href).toBe(O.pageUrl);
    const ids = elements.filter((e) => e.name === 'id').map((e) => e.text);
    expect(ids).toEqual(['urn:vigil:status-page:acme', 'urn:vigil:incident:open-1', 'urn:vigil:incident:past-2', 'urn:vigil:incident:past-1']);
    const updated = elements.filter((e) => e.name === 'updated').map((e) => e.text);
    // The feed: its newest change; each entry: its latest update, else when it was resolved.
    expect(updated).toEqual(['2026-12-01T10:20:00.000Z', '2026-12-01T10:20:00.000Z', '2026-11-20T09:05:00.000Z', '2026-11-02T08:40:00.000Z']);
    const titles = elements.filter((e) => e.name === 'title').map((e) => e.text);
    expect(titles).toEqual(['Acme status', 'Payments API: Identified', 'Payments API: Resolved', 'Payments API: Resolved']);
    const content = decode(elements.find((e) => e.name === 'content')!.text);
    expect(content).toBe(
      '<p>Started 2026-12-01 10:00 UTC</p><p><b>Identified</b> · 2026-12-01 10:20 UTC<br>A bad deploy.<br>Rolling back.</p><p><b>Investigating</b> · 2026-12-01 10:05 UTC<br>Checkout fails.</p>',
    );
    expect(decode(elements.filter((e) => e.name === 'content')[1]!.text)).toContain('lasted 1 h 5 min');
  });

  it('escapes everything and drops what XML cannot hold', () => {
    const evil = incident(EVIL, { endpointName: EVIL, updates: [{ id: 'u4', state: 'monitoring', message: EVIL, createdAt: '2026-12-01T11:00:00Z' }] });
    const xml = renderAtom(page({ title: EVIL, description: EVIL, slug: EVIL, activeIncidents: [evil] }), { ...O, pageUrl: `${O.pageUrl}?a=1&b="2"` });
    const elements = parseXml(xml);
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<script');
    expect(elements.find((e) => e.name === 'title')!.text).toBe('&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;script&gt;&amp;amp; &apos;]]&gt;  ok');
    // The content is HTML escaped once for HTML, once more for XML: a reader shows the text, never runs it.
    const html = decode(elements.find((e) => e.name === 'content')!.text);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(elements.find((e) => e.name === 'link')!.attrs.href).toBe('https://status.acme.example/status/acme?a=1&amp;b=&quot;2&quot;');
  });

  it('speaks Korean, and is valid with no incidents', () => {
    const xml = renderAtom(page(), { ...O, language: 'ko' });
    parseXml(xml);
    expect(xml).toContain('xml:lang="ko"');
    expect(xml).toContain('<title>Payments API: 원인 파악</title>');
    expect(xml).toContain('1시간 5분 지속');
    const empty = renderAtom(page({ activeIncidents: [], pastIncidents: [] }), O);
    const elements = parseXml(empty);
    expect(elements.filter((e) => e.name === 'entry')).toEqual([]);
    expect(elements.find((e) => e.name === 'updated')!.text).toBe('2026-12-01T12:00:00.000Z');
  });
});

describe('renderRss', () => {
  it('is an RSS 2.0 feed of the incidents, newest first, each once', () => {
    const xml = renderRss(page({ pastIncidents: [...page().pastIncidents, incident('open-1')] }), { ...O, feedUrl: 'https://s.example/status/acme/feed.rss' });
    const elements = parseXml(xml);
    expect(elements[0]!.name).toBe('rss');
    expect(elements[0]!.attrs.version).toBe('2.0');
    expect(elements.find((e) => e.name === 'title')!.text).toBe('Acme status');
    expect(elements.find((e) => e.name === 'language')!.text).toBe('en');
    expect(elements.find((e) => e.name === 'atom:link')!.attrs).toEqual({
      href: 'https://s.example/status/acme/feed.rss',
      rel: 'self',
      type: 'application/rss+xml',
    });
    const guids = elements.filter((e) => e.name === 'guid');
    expect(guids.map((g) => g.text)).toEqual(['urn:vigil:incident:open-1', 'urn:vigil:incident:past-2', 'urn:vigil:incident:past-1']);
    expect(guids.every((g) => g.attrs.isPermaLink === 'false')).toBe(true);
    expect(elements.filter((e) => e.name === 'pubDate').map((e) => e.text)).toEqual([
      'Tue, 01 Dec 2026 10:00:00 GMT',
      'Fri, 20 Nov 2026 08:00:00 GMT',
      'Mon, 02 Nov 2026 08:00:00 GMT',
    ]);
    expect(decode(elements.filter((e) => e.name === 'description')[1]!.text)).toContain('<b>Identified</b> · 2026-12-01 10:20 UTC<br>A bad deploy.');
  });

  it('escapes everything and drops what XML cannot hold', () => {
    const evil = incident(EVIL, { endpointName: EVIL, updates: [{ id: 'u5', state: 'monitoring', message: EVIL, createdAt: '2026-12-01T11:00:00Z' }] });
    const xml = renderRss(page({ title: EVIL, description: null, activeIncidents: [evil], pastIncidents: [] }), { ...O, language: 'ko' });
    const elements = parseXml(xml);
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<script');
    expect(elements.filter((e) => e.name === 'item')).toHaveLength(1);
    expect(elements.find((e) => e.name === 'description')!.text).toContain('의 현재 상태와 장애 기록');
  });
});
