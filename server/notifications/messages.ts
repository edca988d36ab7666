import type { Notice, NotificationLanguage } from '../contract/notifications.ts';
import type { OutgoingMessage } from './provider.ts';

/**
 * The texts of notifications, in English and Korean: pure functions of a notice, so every provider
 * says the same thing and a test can read it. Titles follow the seed's toast wording.
 */

type NoticeEvent = Notice['event'];

/** How bad a notice is: it picks colours, priorities and severities in each provider. */
export type Severity = 'critical' | 'warning' | 'resolved' | 'info';

export function severityOf(event: NoticeEvent): Severity {
  switch (event) {
    case 'down':
    case 'incident-started':
    case 'reminder':
      return 'critical';
    case 'degraded':
    case 'certificate-expiring':
    case 'push-missed':
      return 'warning';
    case 'recovered':
    case 'incident-resolved':
      return 'resolved';
  }
}

/** A resolution closes what an earlier alert opened (PagerDuty resolve, Opsgenie close). */
export function isResolution(event: NoticeEvent): boolean {
  return severityOf(event) === 'resolved';
}

/** The worst severity among several notices (a grouped message takes the colour of its worst). */
export function worstSeverity(notices: readonly Notice[]): Severity {
  const all = new Set(notices.map((n) => severityOf(n.event)));
  for (const s of ['critical', 'warning', 'resolved'] as const) if (all.has(s)) return s;
  return 'info';
}

const TITLES: Record<NotificationLanguage, Record<Exclude<NoticeEvent, 'certificate-expiring' | 'reminder'>, (name: string) => string>> = {
  en: {
    down: (name) => `❌ ${name} is DOWN`,
    degraded: (name) => `⚠️ ${name} is DEGRADED`,
    recovered: (name) => `✅ ${name} is back UP`,
    'incident-started': (name) => `🚨 Incident started: ${name}`,
    'incident-resolved': (name) => `✨ Incident resolved: ${name}`,
    'push-missed': (name) => `⏰ ${name} missed its ping`,
  },
  ko: {
    down: (name) => `❌ ${name} 장애 발생`,
    degraded: (name) => `⚠️ ${name} 성능 저하`,
    recovered: (name) => `✅ ${name} 정상 작동`,
    'incident-started': (name) => `🚨 ${name} 장애 시작됨`,
    'incident-resolved': (name) => `✨ ${name} 복구됨`,
    'push-missed': (name) => `⏰ ${name} 신호 없음`,
  },
};

export function titleOf(notice: Notice, lang: NotificationLanguage): string {
  const name = notice.endpoint.name;
  if (notice.event === 'certificate-expiring') {
    const days = notice.certificate?.daysLeft ?? 0;
    return lang === 'ko' ? `🔒 ${name} 인증서 만료 ${days}일 전` : `🔒 ${name}: certificate expires in ${days} ${days === 1 ? 'day' : 'days'}`;
  }
  if (notice.event === 'reminder') {
    const n = notice.reminder?.number ?? 1;
    const max = notice.reminder?.max ?? n;
    return lang === 'ko' ? `🔁 ${name} 장애 계속 중 (${n}/${max})` : `🔁 Still DOWN: ${name} (reminder ${n} of ${max})`;
  }
  return TITLES[lang][notice.event](name);
}

/** One labelled fact about a notice: a Discord field, a Teams fact, a line of plain text. */
export interface Detail {
  label: string;
  value: string;
}

const LABELS = {
  en: {
    status: 'Status',
    was: 'was',
    httpStatus: 'HTTP status',
    error: 'Error',
    assertion: 'Failed assertion',
    responseTime: 'Response time',
    since: 'Since',
    duration: 'Down for',
    certificate: 'Certificate expires',
    reminder: 'Reminder',
    endpoint: 'Endpoint',
    link: 'Open in Vigil',
  },
  ko: {
    status: '상태',
    was: '이전',
    httpStatus: 'HTTP 상태',
    error: '오류',
    assertion: '실패한 검증',
    responseTime: '응답 시간',
    since: '시작',
    duration: '장애 시간',
    certificate: '인증서 만료',
    reminder: '알림',
    endpoint: '엔드포인트',
    link: 'Vigil에서 보기',
  },
} as const;

/** The label of the link to the endpoint's page. */
export function linkLabelOf(lang: NotificationLanguage): string {
  return LABELS[lang].link;
}

/** Assertions listed at most; a check can fail many, a message has room for few. */
const MAX_ASSERTIONS = 5;

/** What failed and why, since when, for how long: the facts under the title (the link is not among them). */
export function detailsOf(notice: Notice, lang: NotificationLanguage): Detail[] {
  const L = LABELS[lang];
  const details: Detail[] = [];
  const status = notice.previousStatus && notice.previousStatus !== notice.status ? `${notice.status} (${L.was} ${notice.previousStatus})` : notice.status;
  details.push({ label: L.endpoint, value: `${notice.endpoint.name} · ${displayAddress(notice.endpoint.address)}` });
  details.push({ label: L.status, value: status });
  const { reason } = notice;
  const troubled = !isResolution(notice.event);
  if (troubled && reason.statusCode !== null) details.push({ label: L.httpStatus, value: String(reason.statusCode) });
  if (troubled && reason.errorMessage) {
    details.push({ label: L.error, value: reason.errorCode ? `${reason.errorMessage} (${reason.errorCode})` : reason.errorMessage });
  }
  if (troubled) {
    for (const assertion of reason.failedAssertions.slice(0, MAX_ASSERTIONS)) details.push({ label: L.assertion, value: assertion });
    const more = reason.failedAssertions.length - MAX_ASSERTIONS;
    if (more > 0) details.push({ label: L.assertion, value: andMore(more, lang) });
  }
  if (reason.responseTime !== null) details.push({ label: L.responseTime, value: `${reason.responseTime} ms` });
  if (notice.since && troubled) {
    const ms = Date.parse(notice.at) - Date.parse(notice.since);
    const relative = lang === 'ko' ? `${durationText(ms, lang)}째` : `for ${durationText(ms, lang)}`;
    details.push({ label: L.since, value: `${utc(notice.since)} (${relative})` });
  }
  if (notice.durationMs !== null && !troubled) details.push({ label: L.duration, value: durationText(notice.durationMs, lang) });
  if (notice.certificate) {
    const { expiresAt, daysLeft } = notice.certificate;
    const left = lang === 'ko' ? `${daysLeft}일 남음` : `${daysLeft} ${daysLeft === 1 ? 'day' : 'days'} left`;
    details.push({ label: L.certificate, value: `${utc(expiresAt)} (${left})` });
  }
  if (notice.reminder) {
    const { number, max } = notice.reminder;
    details.push({ label: L.reminder, value: lang === 'ko' ? `${number}/${max}` : `${number} of ${max}` });
  }
  return details;
}

/** The details as plain lines, "Label: value". */
export function detailLinesOf(notice: Notice, lang: NotificationLanguage): string[] {
  return detailsOf(notice, lang).map((d) => `${d.label}: ${d.value}`);
}

/** A short reason for a line of a grouped message: "HTTP 503", the error, the first failed assertion. */
export function shortReasonOf(notice: Notice): string | null {
  if (isResolution(notice.event)) return null;
  const { reason } = notice;
  if (reason.statusCode !== null && reason.statusCode >= 400) return `HTTP ${reason.statusCode}`;
  if (reason.errorMessage) return reason.errorMessage;
  if (reason.failedAssertions[0]) return reason.failedAssertions[0];
  if (reason.statusCode !== null) return `HTTP ${reason.statusCode}`;
  return null;
}

const EVENT_WORDS: Record<NotificationLanguage, Record<NoticeEvent, string>> = {
  en: {
    down: 'DOWN',
    degraded: 'DEGRADED',
    recovered: 'recovered',
    'incident-started': 'incident started',
    'incident-resolved': 'incident resolved',
    'certificate-expiring': 'certificate expiring',
    'push-missed': 'missed ping',
    reminder: 'still DOWN',
  },
  ko: {
    down: '장애',
    degraded: '성능 저하',
    recovered: '복구',
    'incident-started': '장애 시작',
    'incident-resolved': '장애 복구됨',
    'certificate-expiring': '인증서 만료 임박',
    'push-missed': '신호 없음',
    reminder: '장애 계속',
  },
};

const EMOJI: Record<NoticeEvent, string> = {
  down: '❌',
  degraded: '⚠️',
  recovered: '✅',
  'incident-started': '🚨',
  'incident-resolved': '✨',
  'certificate-expiring': '🔒',
  'push-missed': '⏰',
  reminder: '🔁',
};

/** The order counts are listed in: trouble first. */
const EVENT_ORDER: readonly NoticeEvent[] = [
  'down',
  'incident-started',
  'reminder',
  'push-missed',
  'degraded',
  'certificate-expiring',
  'recovered',
  'incident-resolved',
];

/** "🚨 12 endpoints need attention: 10 DOWN, 2 recovered" — or, when all is well again, "✅ 3 endpoints recovered: …". */
export function groupTitleOf(notices: readonly Notice[], lang: NotificationLanguage): string {
  const endpoints = new Set(notices.map((n) => n.endpoint.id)).size;
  const counts = new Map<NoticeEvent, number>();
  for (const n of notices) counts.set(n.event, (counts.get(n.event) ?? 0) + 1);
  const parts = EVENT_ORDER.filter((e) => counts.has(e)).map((e) =>
    lang === 'ko' ? `${EVENT_WORDS.ko[e]} ${counts.get(e)}` : `${counts.get(e)} ${EVENT_WORDS.en[e]}`,
  );
  const allGood = notices.every((n) => isResolution(n.event));
  if (lang === 'ko') return allGood ? `✅ 엔드포인트 ${endpoints}개 복구: ${parts.join(', ')}` : `🚨 엔드포인트 ${endpoints}개 확인 필요: ${parts.join(', ')}`;
  const noun = endpoints === 1 ? 'endpoint' : 'endpoints';
  return allGood
    ? `✅ ${endpoints} ${noun} recovered: ${parts.join(', ')}`
    : `🚨 ${endpoints} ${noun} ${endpoints === 1 ? 'needs' : 'need'} attention: ${parts.join(', ')}`;
}

/** Names listed in a grouped message at most; the rest are counted. */
export const GROUP_LIST_MAX = 20;

/** One line per notice ("❌ API Server — DOWN (HTTP 503)"), at most `max`, then "…and N more". */
export function groupLinesOf(notices: readonly Notice[], lang: NotificationLanguage, max = GROUP_LIST_MAX): string[] {
  const lines = notices.slice(0, max).map((n) => {
    const reason = shortReasonOf(n);
    const word = EVENT_WORDS[lang][n.event];
    return `${EMOJI[n.event]} ${n.endpoint.name} — ${word}${reason ? ` (${clip(reason, 120)})` : ''}`;
  });
  if (notices.length > max) lines.push(andMore(notices.length - max, lang));
  return lines;
}

export function andMore(count: number, lang: NotificationLanguage): string {
  return lang === 'ko' ? `…외 ${count}개` : `…and ${count} more`;
}

export function testTitleOf(lang: NotificationLanguage): string {
  return lang === 'ko' ? '🔔 Vigil 테스트 알림' : '🔔 Vigil test notification';
}

export function testLinesOf(lang: NotificationLanguage): string[] {
  return lang === 'ko'
    ? ['Vigil에서 보낸 테스트 메시지입니다. 이 채널로 알림이 전달됩니다.', '실제 장애가 아닙니다.']
    : ['This is a test message from Vigil: notifications reach this channel.', 'Nothing is down.'];
}

/** A message as most providers draw it: a title, lines under it, a link, and how bad it is. */
export interface RenderedMessage {
  title: string;
  /** For one notice: its details; for a group: one line per notice. */
  details: Detail[];
  lines: string[];
  link: string | null;
  severity: Severity;
  grouped: boolean;
}

export function renderMessage(message: OutgoingMessage): RenderedMessage {
  const { language: lang, notices } = message;
  const link = dashboardLinkOf(notices.find((n) => n.link)?.link ?? null);
  if (message.test) {
    const lines = testLinesOf(lang);
    return { title: testTitleOf(lang), details: [], lines, link, severity: 'info', grouped: false };
  }
  if (notices.length === 1) {
    const notice = notices[0]!;
    const details = detailsOf(notice, lang);
    return {
      title: titleOf(notice, lang),
      details,
      lines: details.map((d) => `${d.label}: ${d.value}`),
      link: notice.link,
      severity: severityOf(notice.event),
      grouped: false,
    };
  }
  return { title: groupTitleOf(notices, lang), details: [], lines: groupLinesOf(notices, lang), link, severity: worstSeverity(notices), grouped: true };
}

/**
 * A grouped message (or a test) is about no one endpoint: its link is the dashboard, the
 * endpoint page's link without `/endpoints/<id>`.
 */
export function dashboardLinkOf(link: string | null): string | null {
  if (!link) return null;
  const page = /^(.*?)\/endpoints\/[^/?#]+\/?$/.exec(link);
  return page ? `${page[1]}/` : link;
}

/** Title, lines and link as plain text (email, ntfy). */
export function plainTextOf(rendered: RenderedMessage, lang: NotificationLanguage, withTitle = true): string {
  const parts = withTitle ? [rendered.title, '', ...rendered.lines] : [...rendered.lines];
  if (rendered.link) parts.push('', `${linkLabelOf(lang)}: ${rendered.link}`);
  return parts.join('\n');
}

/** "2026-03-01 09:15:00 UTC". */
export function utc(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "less than a minute", "5 min", "2 h 5 min", "3 days 4 h" (Korean: "1분 미만", "5분", "2시간 5분", "3일 4시간"). */
export function durationText(ms: number, lang: NotificationLanguage): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  const ko = lang === 'ko';
  if (minutes < 1) return ko ? '1분 미만' : 'less than a minute';
  if (minutes < 60) return ko ? `${minutes}분` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const m = minutes % 60;
    if (ko) return m ? `${hours}시간 ${m}분` : `${hours}시간`;
    return m ? `${hours} h ${m} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const h = hours % 24;
  if (ko) return h ? `${days}일 ${h}시간` : `${days}일`;
  return h ? `${days} days ${h} h` : `${days} days`;
}

/**
 * The endpoint's address without what may be a secret: a URL loses its user, password and
 * query (API keys often ride there); a host:port is shown as it is.
 */
export function displayAddress(address: string): string {
  try {
    const url = new URL(address);
    if (!url.host) return address;
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return address;
  }
}

/** Shortens to at most `max` UTF-16 units (the strictest way providers count), ending in an ellipsis, never splitting a character. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max - 1) break;
    out += char;
  }
  return `${out}…`;
}
