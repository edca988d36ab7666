/**
 * The words of the public status page, its feeds, its password and subscription pages and the messages its
 * subscribers get, in English and Korean; and the few formats that depend on the language (durations, a
 * day's tooltip). status.js gets the words it needs from the page ({@link clientWords}), so they live only here.
 */
import type { EndpointStatus } from '../contract/types.ts';
import type { IncidentUpdateState, PageOverallState, PublicDay, StatusPageLanguage, SubscriberKind } from '../contract/status-pages.ts';

export interface StatusWords {
  /** The banner. */
  overall: Record<PageOverallState, string>;
  /** An endpoint's status on its row. */
  status: Record<EndpointStatus, string>;
  /** An incident update's state. */
  update: Record<IncidentUpdateState, string>;
  /** The label of an open incident nobody has written about yet. */
  ongoing: string;
  /** The name of the language, in itself. */
  languageName: string;
  language: string;
  currentIncidents: string;
  maintenance: string;
  inProgress: string;
  scheduled: string;
  affects: string;
  started: string;
  resolved: string;
  lasted: (duration: string) => string;
  updates: (n: number) => string;
  pastIncidents: string;
  noPastIncidents: string;
  noEndpoints: string;
  daysAgo: (n: number) => string;
  today: string;
  /** The accessible name of a 90-day bar. */
  last90Days: string;
  /** The 90-day uptime under a bar (`percent` is formatted, or "No data"). */
  uptime90: (percent: string) => string;
  noData: string;
  incidents: (n: number) => string;
  minutesDown: (n: number) => string;
  /** The title of an average response time. */
  responseTime: string;
  live: string;
  reconnecting: string;
  updated: string;
  poweredBy: string;
  subscribe: string;
  description: (title: string) => string;
  /** What the password page says above its form. */
  protectedText: string;
  password: string;
  open: string;
  wrongPassword: string;
  tooManyAttempts: (wait: string | null) => string;
  notFoundTitle: string;
  notFoundText: string;
  unavailableTitle: string;
  unavailableText: string;
  /** A duration, shortest form: "1 h 5 min" / "1시간 5분". */
  duration: { d: string; h: string; min: string; s: string; lessThanMinute: string; sep: string };
  /** The subscribe block of a page with email or webhook subscriptions, and the pages its forms lead to. */
  sub: SubscriptionWords;
  /** What subscribers are sent: notices by mail and webhook, and the confirmation mail. */
  notice: NoticeWords;
}

export interface SubscriptionWords {
  /** The summary of the page's subscribe block. */
  summary: string;
  /** The label of each input, and what a subscriber is on the manage page ("Email: …"). */
  kind: Record<SubscriberKind, string>;
  /** One line under each input. */
  hint: Record<SubscriberKind, string>;
  button: string;
  back: string;
  /** The sentences are escaped HTML; `target` and the like come in escaped (and wrapped) already. */
  emailSent: (email: string, hours: number) => string;
  webhookSubscribed: (url: string) => string;
  webhookSigned: string;
  webhookUnsubscribe: string;
  confirmedState: string;
  pendingState: string;
  confirm: string;
  unsubscribe: string;
  confirmed: (target: string) => string;
  unsubscribed: (target: string) => string;
  invalidLink: string;
  /** A sentence per SubscribeErrorCode (too_many_requests: {@link tooManyRequests}). */
  error: Record<'invalid_email' | 'invalid_url' | 'blocked_target' | 'webhook_not_confirmed' | 'mail_unavailable' | 'page_full' | 'subscriptions_off', string>;
  tooManyRequests: (wait: string | null) => string;
}

export interface NoticeWords {
  /** After "<endpoint>: " in a notice's one line. */
  started: string;
  updated: string;
  resolved: (duration: string | null) => string;
  /** The first line of a notice mail. */
  startedText: (endpoint: string) => string;
  updatedText: (endpoint: string, state: string) => string;
  resolvedText: (endpoint: string) => string;
  update: string;
  viewPage: string;
  why: (page: string) => string;
  unsubscribe: string;
  confirmSubject: (page: string) => string;
  confirmText: (page: string, button: string, hours: number) => string;
  alreadySubject: (page: string) => string;
  alreadyText: (page: string) => string;
  manage: string;
  ignore: string;
}

const en: StatusWords = {
  overall: {
    operational: 'All systems operational',
    degraded: 'Degraded performance',
    partial_outage: 'Partial outage',
    major_outage: 'Major outage',
    maintenance: 'Under maintenance',
    unknown: 'Status unknown',
  },
  status: { UP: 'Operational', DEGRADED: 'Degraded', DOWN: 'Down', MAINTENANCE: 'Maintenance', PENDING: 'Pending' },
  update: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
  ongoing: 'Ongoing',
  languageName: 'English',
  language: 'Language',
  currentIncidents: 'Current incidents',
  maintenance: 'Maintenance',
  inProgress: 'In progress',
  scheduled: 'Scheduled',
  affects: 'Affects',
  started: 'Started',
  resolved: 'Resolved',
  lasted: (d) => `lasted ${d}`,
  updates: (n) => (n === 1 ? '1 update' : `${n} updates`),
  pastIncidents: 'Past incidents',
  noPastIncidents: 'No incidents in the last 90 days.',
  noEndpoints: 'Nothing to show yet.',
  daysAgo: (n) => `${n} days ago`,
  today: 'Today',
  last90Days: 'Last 90 days',
  uptime90: (p) => `${p} over 90 days`,
  noData: 'No data',
  incidents: (n) => (n === 1 ? '1 incident' : `${n} incidents`),
  minutesDown: (n) => `${n} min down`,
  responseTime: 'Average response time, last 24 hours',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  updated: 'Updated',
  poweredBy: 'Powered by Vigil',
  subscribe: 'Subscribe',
  description: (t) => `Current status and incident history of ${t}.`,
  protectedText: 'This status page is private. Enter the password to see it.',
  password: 'Password',
  open: 'View status',
  wrongPassword: 'Wrong password. Try again.',
  tooManyAttempts: (w) => (w ? `Too many attempts. Try again in ${w}.` : 'Too many attempts. Try again later.'),
  notFoundTitle: 'Page not found',
  notFoundText: 'There is no status page at this address.',
  unavailableTitle: 'Status unavailable for a moment',
  unavailableText: 'This status page cannot be shown right now. Try again in a few seconds.',
  duration: { d: ' d', h: ' h', min: ' min', s: ' s', lessThanMinute: 'under a minute', sep: ' ' },
  sub: {
    summary: 'Subscribe to updates',
    kind: { email: 'Email', webhook: 'Webhook URL' },
    hint: { email: 'We’ll send a link to confirm.', webhook: 'Vigil POSTs a JSON challenge; your URL must answer with it.' },
    button: 'Subscribe',
    back: 'Back to the status page',
    emailSent: (e, h) => `If ${e} can receive mail, a link to confirm is on its way (valid ${h} hours).`,
    webhookSubscribed: (u) => `Subscribed: ${u} will get a POST when an incident starts, is updated or is resolved.`,
    webhookSigned: 'Each delivery is signed (X-Vigil-Signature, HMAC-SHA256) with the secret sent in the challenge.',
    webhookUnsubscribe: 'Keep this address: a POST to it unsubscribes.',
    confirmedState: 'Subscribed: it gets a notice when an incident starts, is updated or is resolved.',
    pendingState: 'Not confirmed yet: confirm to start getting notices.',
    confirm: 'Confirm subscription',
    unsubscribe: 'Unsubscribe',
    confirmed: (t) => `Subscription confirmed. ${t} will get a notice when an incident starts, is updated or is resolved.`,
    unsubscribed: (t) => `Unsubscribed. ${t} will get no more notices from this page.`,
    invalidLink: 'This link is unknown or has expired. Subscribe again from the status page.',
    error: {
      invalid_email: 'That is not a valid email address.',
      invalid_url: 'That is not a valid webhook URL.',
      blocked_target: 'Notices cannot be sent to that address.',
      webhook_not_confirmed: 'The webhook URL did not echo the challenge.',
      mail_unavailable: 'Mail cannot be sent right now. Try again later.',
      page_full: 'This page cannot take more subscribers.',
      subscriptions_off: 'This page does not offer this kind of subscription.',
    },
    tooManyRequests: (w) => (w ? `Too many requests. Try again in ${w}.` : 'Too many requests. Try again later.'),
  },
  notice: {
    started: 'incident started',
    updated: 'incident updated',
    resolved: (d) => (d ? `resolved after ${d}` : 'resolved'),
    startedText: (e) => `An incident started on ${e}.`,
    updatedText: (e, s) => `The incident on ${e} has a new update: ${s}.`,
    resolvedText: (e) => `The incident on ${e} is resolved.`,
    update: 'Update',
    viewPage: 'Status page',
    why: (p) => `You get this mail because you subscribed to ${p}.`,
    unsubscribe: 'Unsubscribe',
    confirmSubject: (p) => `Confirm your subscription to ${p}`,
    confirmText: (p, b, h) =>
      `Someone, hopefully you, asked for incident notices of ${p} at this address. To confirm, open this link and press “${b}” (valid ${h} hours):`,
    alreadySubject: (p) => `You are already subscribed to ${p}`,
    alreadyText: (p) => `You are already subscribed to incident notices of ${p}. To manage or unsubscribe, open this link:`,
    manage: 'Manage subscription',
    ignore: 'If you did not ask for this, ignore this mail.',
  },
};

const ko: StatusWords = {
  overall: {
    operational: '모든 시스템 정상',
    degraded: '성능 저하',
    partial_outage: '부분 장애',
    major_outage: '주요 장애',
    maintenance: '점검 중',
    unknown: '상태 확인 전',
  },
  status: { UP: '정상', DEGRADED: '성능 저하', DOWN: '장애', MAINTENANCE: '점검 중', PENDING: '확인 전' },
  update: { investigating: '조사 중', identified: '원인 파악', monitoring: '모니터링 중', resolved: '해결됨' },
  ongoing: '진행 중',
  languageName: '한국어',
  language: '언어',
  currentIncidents: '진행 중인 장애',
  maintenance: '점검',
  inProgress: '진행 중',
  scheduled: '예정',
  affects: '대상',
  started: '시작',
  resolved: '해결',
  lasted: (d) => `${d} 지속`,
  updates: (n) => `업데이트 ${n}건`,
  pastIncidents: '지난 장애',
  noPastIncidents: '최근 90일 동안 장애가 없었습니다.',
  noEndpoints: '아직 표시할 항목이 없습니다.',
  daysAgo: (n) => `${n}일 전`,
  today: '오늘',
  last90Days: '최근 90일',
  uptime90: (p) => `90일 가동률 ${p}`,
  noData: '데이터 없음',
  incidents: (n) => `장애 ${n}건`,
  minutesDown: (n) => `${n}분 중단`,
  responseTime: '평균 응답 시간 (최근 24시간)',
  live: '실시간',
  reconnecting: '다시 연결 중…',
  updated: '갱신',
  poweredBy: 'Powered by Vigil',
  subscribe: '구독',
  description: (t) => `${t}의 현재 상태와 장애 기록`,
  protectedText: '비공개 상태 페이지입니다. 비밀번호를 입력하세요.',
  password: '비밀번호',
  open: '보기',
  wrongPassword: '비밀번호가 맞지 않습니다. 다시 입력하세요.',
  tooManyAttempts: (w) => (w ? `시도가 너무 많습니다. ${w} 후에 다시 시도하세요.` : '시도가 너무 많습니다. 잠시 후에 다시 시도하세요.'),
  notFoundTitle: '페이지를 찾을 수 없습니다',
  notFoundText: '이 주소에는 상태 페이지가 없습니다.',
  unavailableTitle: '잠시 상태를 볼 수 없습니다',
  unavailableText: '지금은 상태 페이지를 보여 줄 수 없습니다. 잠시 후 다시 시도하세요.',
  duration: { d: '일', h: '시간', min: '분', s: '초', lessThanMinute: '1분 미만', sep: ' ' },
  sub: {
    summary: '업데이트 구독',
    kind: { email: '이메일', webhook: '웹훅 URL' },
    hint: {
      email: '확인 링크를 메일로 보내 드립니다.',
      webhook: 'Vigil이 POST로 보내는 JSON 챌린지를 URL이 그대로 돌려줘야 합니다.',
    },
    button: '구독하기',
    back: '상태 페이지로 돌아가기',
    emailSent: (e, h) => `${e} 주소로 메일을 받을 수 있다면 구독 확인 링크가 곧 도착합니다(${h}시간 동안 유효).`,
    webhookSubscribed: (u) => `구독했습니다. 장애가 시작되거나 업데이트되거나 해결되면 ${u} 주소로 POST 요청을 보냅니다.`,
    webhookSigned: '모든 전송에는 챌린지와 함께 보낸 시크릿으로 만든 서명(X-Vigil-Signature, HMAC-SHA256)이 붙습니다.',
    webhookUnsubscribe: '이 주소를 보관해 두세요. 이 주소로 POST 요청을 보내면 구독이 해지됩니다.',
    confirmedState: '구독 중입니다. 장애가 시작되거나 업데이트되거나 해결되면 알림을 받습니다.',
    pendingState: '아직 확인되지 않았습니다. 구독을 확인하면 알림을 받기 시작합니다.',
    confirm: '구독 확인',
    unsubscribe: '구독 해지',
    confirmed: (t) => `구독을 확인했습니다. 장애가 시작되거나 업데이트되거나 해결되면 ${t} 주소로 알림을 보냅니다.`,
    unsubscribed: (t) => `구독을 해지했습니다. 이제 ${t} 주소로 이 페이지의 알림을 보내지 않습니다.`,
    invalidLink: '알 수 없거나 만료된 링크입니다. 상태 페이지에서 다시 구독하세요.',
    error: {
      invalid_email: '올바른 이메일 주소가 아닙니다.',
      invalid_url: '올바른 웹훅 URL이 아닙니다.',
      blocked_target: '이 주소로는 알림을 보낼 수 없습니다.',
      webhook_not_confirmed: '웹훅 URL이 챌린지 값을 그대로 돌려주지 않았습니다.',
      mail_unavailable: '지금은 메일을 보낼 수 없습니다. 잠시 후 다시 시도하세요.',
      page_full: '이 페이지는 더 이상 구독을 받을 수 없습니다.',
      subscriptions_off: '이 페이지는 이 방식의 구독을 제공하지 않습니다.',
    },
    tooManyRequests: (w) => (w ? `요청이 너무 많습니다. ${w} 후에 다시 시도하세요.` : '요청이 너무 많습니다. 잠시 후에 다시 시도하세요.'),
  },
  notice: {
    started: '장애 발생',
    updated: '장애 업데이트',
    resolved: (d) => (d ? `${d} 만에 해결` : '해결됨'),
    startedText: (e) => `${e}에 장애가 발생했습니다.`,
    updatedText: (e, s) => `${e} 장애에 새 업데이트가 있습니다: ${s}`,
    resolvedText: (e) => `${e} 장애가 해결되었습니다.`,
    update: '업데이트',
    viewPage: '상태 페이지',
    why: (p) => `${p}의 업데이트를 구독하셔서 받는 메일입니다.`,
    unsubscribe: '구독 해지',
    confirmSubject: (p) => `${p} 구독을 확인해 주세요`,
    confirmText: (p, b, h) =>
      `이 주소로 ${p}의 장애 알림을 받겠다는 요청이 있었습니다. 아래 링크를 열고 ‘${b}’ 버튼을 누르면 구독이 시작됩니다(${h}시간 동안 유효).`,
    alreadySubject: (p) => `${p}: 이미 구독 중입니다`,
    alreadyText: (p) => `이미 ${p}의 장애 알림을 구독하고 있습니다. 구독을 관리하거나 해지하려면 아래 링크를 여세요.`,
    manage: '구독 관리',
    ignore: '요청하지 않으셨다면 이 메일을 무시하세요.',
  },
};

export const STATUS_WORDS: Record<StatusPageLanguage, StatusWords> = { en, ko };

export function wordsFor(language: StatusPageLanguage): StatusWords {
  return STATUS_WORDS[language] ?? en;
}

/** The words status.js needs to redraw the live parts, for the page's `data-words`. */
export function clientWords(language: StatusPageLanguage) {
  const w = wordsFor(language);
  return {
    overall: w.overall,
    status: w.status,
    update: w.update,
    ongoing: w.ongoing,
    currentIncidents: w.currentIncidents,
    maintenance: w.maintenance,
    inProgress: w.inProgress,
    scheduled: w.scheduled,
    affects: w.affects,
    started: w.started,
    live: w.live,
    reconnecting: w.reconnecting,
  };
}

/**
 * A duration in its two largest units: "2 d 3 h", "1 h 5 min", "45 min", "under a minute" / "2일 3시간",
 * "1시간 5분", "45분", "1분 미만". Seconds only when `seconds` is asked for and it is under a minute.
 */
export function formatDuration(ms: number, language: StatusPageLanguage, seconds = false): string {
  const u = wordsFor(language).duration;
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  if (totalSeconds < 60) return seconds ? `${Math.max(1, totalSeconds)}${u.s}` : u.lessThanMinute;
  const minutes = Math.round(totalSeconds / 60);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts: string[] = [];
  if (d > 0) parts.push(`${d}${u.d}`);
  if (h > 0) parts.push(`${h}${u.h}`);
  if (m > 0 && d === 0) parts.push(`${m}${u.min}`);
  return parts.slice(0, 2).join(u.sep);
}

/** A percentage, never rounded up to 100: 100 → "100%", 99.996 → "99.99%", 97.5 → "97.50%". */
export function formatPercent(value: number): string {
  if (value >= 100) return '100%';
  return `${(Math.floor(Math.max(0, value) * 100) / 100).toFixed(2)}%`;
}

/** A day's tooltip and accessible text: "2026-12-01 · 99.31% · 1 incident · 10 min down", "2026-12-02 · 100%". */
export function dayText(day: PublicDay, language: StatusPageLanguage): string {
  const w = wordsFor(language);
  if (day.uptime === null && day.incidents === 0 && day.downMinutes === 0) return `${day.date} · ${w.noData}`;
  const parts = [day.date, day.uptime === null ? w.noData : formatPercent(day.uptime)];
  if (day.incidents > 0) parts.push(w.incidents(day.incidents));
  if (day.downMinutes > 0) parts.push(w.minutesDown(Math.round(day.downMinutes)));
  return parts.join(' · ');
}

/** A time in UTC, readable and the same in both languages: "2026-12-01 14:05 UTC" (the input itself if it is no time). */
export function formatUtc(iso: string, seconds = false): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = new Date(t).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, seconds ? 19 : 16)} UTC`;
}
