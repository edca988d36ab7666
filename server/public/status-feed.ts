/**
 * A status page's incidents as Atom 1.0 and RSS 2.0: one entry per incident (open and resolved, newest
 * first), its updates in the content as escaped HTML. Pure; everything from the page is escaped, and the
 * characters XML cannot hold are dropped.
 */
import type { PublicIncident, PublicStatusPage, StatusPageLanguage } from '../contract/status-pages.ts';
import { dropInvalidChars } from './status-page-html.ts';
import { formatDuration, formatUtc, wordsFor } from './status-words.ts';

export interface FeedOptions {
  /** The page's absolute URL. */
  pageUrl: string;
  /** The feed's own absolute URL. */
  feedUrl: string;
  language: StatusPageLanguage;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML element content and attribute values. */
export function escapeXml(value: unknown): string {
  return dropInvalidChars(String(value ?? '')).replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** HTML (to be escaped once more into the XML): `&`, `<`, `>` and quotes escaped, line breaks as <br>. */
function html(value: string): string {
  return escapeXml(value.trim()).replace(/\r\n|\r|\n/g, '<br>');
}

function ms(iso: string | null | undefined): number {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? Number.NaN : t;
}

/** When an incident last changed: its newest update, else when it was resolved or began. */
function updatedAt(i: PublicIncident): number {
  const times = [...i.updates.map((u) => ms(u.createdAt)), ms(i.resolvedAt), ms(i.startedAt)].filter((t) => !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : 0;
}

/** Open and past incidents, each once, newest first. */
function incidentsOf(page: PublicStatusPage): PublicIncident[] {
  const seen = new Set<string>();
  const all: PublicIncident[] = [];
  for (const i of [...page.activeIncidents, ...page.pastIncidents]) {
    if (seen.has(i.id)) continue;
    seen.add(i.id);
    all.push(i);
  }
  return all.sort((a, b) => (ms(b.startedAt) || 0) - (ms(a.startedAt) || 0));
}

function entryTitle(i: PublicIncident, language: StatusPageLanguage): string {
  const w = wordsFor(language);
  const latest = i.updates[0];
  const label = latest ? w.update[latest.state] : i.resolvedAt ? w.update.resolved : w.ongoing;
  return `${i.endpointName}: ${label}`;
}

/** The content of an entry, as HTML: when it began and ended, then its updates, newest first. */
function entryHtml(i: PublicIncident, language: StatusPageLanguage): string {
  const w = wordsFor(language);
  let head = `${w.started} ${formatUtc(i.startedAt)}`;
  if (i.resolvedAt) {
    head += ` · ${w.resolved} ${formatUtc(i.resolvedAt)}`;
    const lasted = ms(i.resolvedAt) - ms(i.startedAt);
    if (Number.isFinite(lasted)) head += ` · ${w.lasted(formatDuration(lasted, language))}`;
  }
  const updates = i.updates.map((u) => `<p><b>${html(w.update[u.state] ?? u.state)}</b> · ${html(formatUtc(u.createdAt))}<br>${html(u.message)}</p>`);
  return `<p>${html(head)}</p>${updates.join('')}`;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function feedUpdated(page: PublicStatusPage, incidents: PublicIncident[]): number {
  const latest = Math.max(0, ...incidents.map(updatedAt));
  if (latest > 0) return latest;
  const generated = ms(page.generatedAt);
  return Number.isNaN(generated) ? 0 : generated;
}

/** The page's incidents as an Atom 1.0 feed. */
export function renderAtom(page: PublicStatusPage, o: FeedOptions): string {
  const incidents = incidentsOf(page);
  const entries = incidents.map((i) => {
    const started = ms(i.startedAt);
    return (
      `<entry><id>urn:vigil:incident:${escapeXml(i.id)}</id><title>${escapeXml(entryTitle(i, o.language))}</title>` +
      `<link rel="alternate" type="text/html" href="${escapeXml(o.pageUrl)}"/>` +
      (Number.isNaN(started) ? '' : `<published>${iso(started)}</published>`) +
      `<updated>${iso(updatedAt(i))}</updated>` +
      `<content type="html">${escapeXml(entryHtml(i, o.language))}</content></entry>\n`
    );
  });
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${o.language}">\n` +
    `<id>urn:vigil:status-page:${escapeXml(page.slug)}</id><title>${escapeXml(page.title)}</title>` +
    (page.description?.trim() ? `<subtitle>${escapeXml(page.description.trim())}</subtitle>` : '') +
    `<link rel="alternate" type="text/html" href="${escapeXml(o.pageUrl)}"/><link rel="self" type="application/atom+xml" href="${escapeXml(o.feedUrl)}"/>` +
    `<updated>${iso(feedUpdated(page, incidents))}</updated><author><name>${escapeXml(page.title)}</name></author><generator>Vigil</generator>\n` +
    entries.join('') +
    '</feed>\n'
  );
}

/** The page's incidents as an RSS 2.0 feed. */
export function renderRss(page: PublicStatusPage, o: FeedOptions): string {
  const incidents = incidentsOf(page);
  const items = incidents.map((i) => {
    const started = ms(i.startedAt);
    return (
      `<item><title>${escapeXml(entryTitle(i, o.language))}</title><link>${escapeXml(o.pageUrl)}</link>` +
      `<guid isPermaLink="false">urn:vigil:incident:${escapeXml(i.id)}</guid>` +
      (Number.isNaN(started) ? '' : `<pubDate>${new Date(started).toUTCString()}</pubDate>`) +
      `<description>${escapeXml(entryHtml(i, o.language))}</description></item>\n`
    );
  });
  const description = page.description?.trim() || wordsFor(o.language).description(page.title);
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>\n` +
    `<title>${escapeXml(page.title)}</title><link>${escapeXml(o.pageUrl)}</link><description>${escapeXml(description)}</description>` +
    `<language>${o.language}</language><lastBuildDate>${new Date(feedUpdated(page, incidents)).toUTCString()}</lastBuildDate><generator>Vigil</generator>` +
    `<atom:link href="${escapeXml(o.feedUrl)}" rel="self" type="application/rss+xml"/>\n` +
    items.join('') +
    '</channel></rss>\n'
  );
}
