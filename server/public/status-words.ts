/**
 * The words of the public status page, its feeds and its password page, in English and Korean; and the few
 * formats that depend on the language (durations, a day's tooltip). status.js gets the words it needs from
 * the page ({@link clientWords}), so they live only here.
 */
import type { EndpointStatus } from '../contract/types.ts';
import type { IncidentUpdateState, PageOverallState, PublicDay, StatusPageLanguage } from '../contract/status-pages.ts';

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
