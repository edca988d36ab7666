/**
 * What a status page's subscribers are sent, in the page's language: a notice's one line (the webhook body's
 * `text`, and the mail's subject), the notice mail, and the mail that confirms an email subscription. Pure;
 * every value is escaped in HTML, and subjects hold no line break or control character.
 */
import type { PublicIncidentUpdate, StatusPageLanguage, SubscriberNotice } from '../contract/status-pages.ts';
import { SUBSCRIPTION_LIMITS } from '../contract/status-pages.ts';
import { dropInvalidChars, escapeHtml } from './status-page-html.ts';
import { formatDuration, formatUtc, wordsFor } from './status-words.ts';

export interface NoticeMessageOptions {
  language: StatusPageLanguage;
  pageTitle: string;
  /** The page's absolute URL. */
  pageUrl: string;
  /** Where the subscriber stops (a page with an Unsubscribe button). */
  unsubscribeUrl: string;
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** How much of an update's message a notice's one line holds (code points). */
const MESSAGE_IN_LINE = 200;

// Line breaks, tabs and every other control character (C0, DEL, C1), and Unicode's line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const BREAKS = /[\s\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g;

/** The value on one line: no line break or control character, runs of white space as one space. */
function oneLine(value: unknown): string {
  return dropInvalidChars(String(value ?? ''))
    .replace(BREAKS, ' ')
    .trim();
}

/** At most `max` code points (a surrogate pair is never cut), "…" when cut. */
function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max).join('').trimEnd()}…` : value;
}

/** Text with its line breaks kept (as \n), without the characters no document may hold. */
function lines(value: string): string {
  return dropInvalidChars(value.trim()).replace(/\r\n|\r|\u2028|\u2029/g, '\n');
}

/** A notice's update: the one posted (incident.updated), else none. */
function noticeUpdate(notice: SubscriberNotice): PublicIncidentUpdate | null {
  return notice.kind === 'incident.updated' ? (notice.update ?? notice.incident.updates[0] ?? null) : notice.update;
}

/** How long a resolved incident lasted, from its start to its end (or the notice's time); null when unknown. */
function lasted(notice: SubscriberNotice, language: StatusPageLanguage): string | null {
  const ms = Date.parse(notice.incident.resolvedAt ?? notice.occurredAt) - Date.parse(notice.incident.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms, language) : null;
}

/**
 * A notice on one line: "API Server: incident started", "API Server: Identified — <the message's first 200
 * characters>", "API Server: resolved after 12 min" / "API Server: 장애 발생", "API Server: 원인 파악 — …",
 * "API Server: 12분 만에 해결".
 */
export function noticeText(notice: SubscriberNotice, language: StatusPageLanguage): string {
  const w = wordsFor(language);
  let what: string;
  if (notice.kind === 'incident.started') what = w.notice.started;
  else if (notice.kind === 'incident.resolved') what = w.notice.resolved(lasted(notice, language));
  else {
    const u = noticeUpdate(notice);
    const message = u ? truncate(oneLine(u.message), MESSAGE_IN_LINE) : '';
    what = u ? `${w.update[u.state] ?? u.state}${message ? ` — ${message}` : ''}` : w.notice.updated;
  }
  return oneLine(`${oneLine(notice.incident.endpointName)}: ${what}`);
}

/** The subject of a mail about the page: "[<page title>] <what>", on one line. */
function subject(pageTitle: string, what: string): string {
  return oneLine(`[${oneLine(pageTitle)}] ${what}`);
}

/** Only http(s) URLs become links; anything else is shown as text. */
function link(url: string, label: string, style = ''): string {
  return /^https?:\/\//i.test(url.trim()) ? `<a href="${escapeHtml(url.trim())}"${style ? ` style="${style}"` : ''}>${label}</a>` : label;
}

const MUTE = '#5a6372';
const LINK_STYLE = 'color:#1d4ed8';
const BUTTON_STYLE = 'display:inline-block;padding:10px 16px;border-radius:8px;background:#2556c9;color:#fff;font-weight:600;text-decoration:none';

/** A simple mail page: no image, no external resource, styles inline (mail clients drop <style> and stylesheets). */
function mailHtml(language: StatusPageLanguage, title: string, body: string, foot: string): string {
  return (
    `<!doctype html>\n<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>\n` +
    `<body style="margin:0;padding:16px;background:#ffffff;color:#1c2230;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans KR','Apple SD Gothic Neo',sans-serif;overflow-wrap:anywhere">` +
    `<div style="max-width:560px;margin:0 auto">${body}` +
    `<p style="margin:24px 0 0;padding-top:12px;border-top:1px solid #e2e5ea;font-size:13px;color:${MUTE}">${foot}</p></div></body></html>\n`
  );
}

/** A mail about a notice: what happened and when, the update's message, a link to the page, and how to unsubscribe. */
export function renderNoticeMail(notice: SubscriberNotice, o: NoticeMessageOptions): MailContent {
  const w = wordsFor(o.language);
  const n = w.notice;
  const endpoint = oneLine(notice.incident.endpointName);
  const pageTitle = oneLine(o.pageTitle);
  const update = noticeUpdate(notice);
  const stateWord = update ? (w.update[update.state] ?? update.state) : '';

  const headline = (name: string, state: string) =>
    notice.kind === 'incident.started'
      ? n.startedText(name)
      : notice.kind === 'incident.resolved'
        ? n.resolvedText(name)
        : update
          ? n.updatedText(name, state)
          : `${name}: ${n.updated}`;
  const times: string[] = [`${w.started} ${formatUtc(notice.incident.startedAt)}`];
  if (notice.incident.resolvedAt) {
    const d = lasted(notice, o.language);
    times.push(`${w.resolved} ${formatUtc(notice.incident.resolvedAt)}${d ? ` · ${w.lasted(d)}` : ''}`);
  }
  const updateHead = update ? `${stateWord} · ${formatUtc(update.createdAt)}` : '';
  const message = update ? lines(update.message) : '';

  const text =
    [
      headline(endpoint, stateWord),
      times.join('\n'),
      update ? `${updateHead}${message ? `\n${message}` : ''}` : null,
      `${n.viewPage}: ${o.pageUrl.trim()}`,
      `--\n${n.why(pageTitle)}\n${n.unsubscribe}: ${o.unsubscribeUrl.trim()}`,
    ]
      .filter((part) => part !== null)
      .map((part) => dropInvalidChars(part))
      .join('\n\n') + '\n';

  const body =
    `<p style="margin:0 0 12px;font-size:17px;font-weight:600">${headline(escapeHtml(endpoint), escapeHtml(stateWord))}</p>` +
    `<p style="margin:0 0 12px;color:${MUTE}">${times.map(escapeHtml).join('<br>')}</p>` +
    (update
      ? `<p style="margin:0 0 12px"><b>${escapeHtml(stateWord)}</b> <span style="color:${MUTE}">· ${escapeHtml(formatUtc(update.createdAt))}</span>` +
        (message ? `<br>${escapeHtml(message).replace(/\n/g, '<br>')}` : '') +
        '</p>'
      : '') +
    `<p style="margin:16px 0 0">${link(o.pageUrl, `${escapeHtml(n.viewPage)}: ${escapeHtml(pageTitle)}`, LINK_STYLE)}</p>`;
  const foot = `${escapeHtml(n.why(pageTitle))}<br>${escapeHtml(n.unsubscribe)}: ${link(o.unsubscribeUrl, escapeHtml(o.unsubscribeUrl.trim()), LINK_STYLE)}`;

  const subjectLine = subject(o.pageTitle, noticeText(notice, o.language));
  return { subject: subjectLine, text, html: mailHtml(o.language, subjectLine, body, foot) };
}

/**
 * The mail that confirms an email subscription: its link (manageUrl) opens a page with a Confirm button, so
 * that a mail scanner following links confirms nothing. alreadyConfirmed: the address is subscribed already,
 * and the link is to manage or unsubscribe. Either way the same request gets a mail: nobody learns who is
 * subscribed but the mailbox's owner.
 */
export function renderConfirmationMail(o: {
  language: StatusPageLanguage;
  pageTitle: string;
  pageUrl: string;
  manageUrl: string;
  alreadyConfirmed: boolean;
}): MailContent {
  const w = wordsFor(o.language);
  const n = w.notice;
  const pageTitle = oneLine(o.pageTitle);
  const hours = SUBSCRIPTION_LIMITS.pendingHours;
  const lead = (title: string) => (o.alreadyConfirmed ? n.alreadyText(title) : n.confirmText(title, w.sub.confirm, hours));
  const subjectLine = oneLine(o.alreadyConfirmed ? n.alreadySubject(pageTitle) : n.confirmSubject(pageTitle));
  const manageUrl = o.manageUrl.trim();

  const text = `${dropInvalidChars([lead(pageTitle), manageUrl, n.ignore, `--\n${n.viewPage}: ${o.pageUrl.trim()}`].join('\n\n'))}\n`;
  const body =
    `<p style="margin:0 0 16px">${lead(escapeHtml(pageTitle))}</p>` +
    `<p style="margin:0 0 8px">${link(manageUrl, escapeHtml(o.alreadyConfirmed ? n.manage : w.sub.confirm), BUTTON_STYLE)}</p>` +
    `<p style="margin:0 0 16px;font-size:13px;color:${MUTE}">${escapeHtml(manageUrl)}</p>` +
    `<p style="margin:0">${escapeHtml(n.ignore)}</p>`;
  const foot = link(o.pageUrl, `${escapeHtml(n.viewPage)}: ${escapeHtml(pageTitle)}`, LINK_STYLE);
  return { subject: subjectLine, text, html: mailHtml(o.language, subjectLine, body, foot) };
}
