import type { Incident } from '../../../server/contract/types.ts';
import { locale, t } from '../i18n/index.ts';

const FORMATS = {
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
  hourMinute: { hour: '2-digit', minute: '2-digit', hour12: false },
  dayAndTime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false },
  full: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

// One formatter per locale and format: formatTime runs for every check the page receives.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(name: keyof typeof FORMATS) {
  const key = `${locale()} ${name}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale(), FORMATS[name])));
  return f;
}

/** Clock time for today, date and time otherwise. A fixed text: it does not tick every second. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return t('card.never');
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return formatter(today ? 'clock' : 'dayAndTime').format(date);
}

/** A time to come to the minute: "14:00" today, with the date on another day. */
export function formatUntil(iso: string): string {
  const date = new Date(iso);
  return formatter(new Date().toDateString() === date.toDateString() ? 'hourMinute' : 'dayAndTime').format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return formatter('full').format(new Date(iso));
}

/** How long a resolved incident lasted; '—' while it is open. */
export function formatIncidentDuration(incident: Pick<Incident, 'startedAt' | 'resolvedAt'>): string {
  return incident.resolvedAt ? formatDuration(Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt)) : '—';
}

export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : t('time.ms', { value: Math.round(ms) });
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return t('time.duration.s', { value: s });
  if (s < 3600) return t('time.duration.m', { value: Math.round(s / 60) });
  if (s < 86400) return t('time.duration.h', { value: Math.round((s / 3600) * 10) / 10 });
  return t('time.duration.d', { value: Math.round((s / 86400) * 10) / 10 });
}

export function formatPercent(value: number | null): string {
  return value === null ? '—' : `${value >= 99.995 ? '100' : value.toFixed(2)} %`;
}

/**
 * An interval of whole seconds in its largest whole unit: 3600 → "1 h", 5400 → "90 min", 45 → "45 s".
 * @example formatInterval(86_400) // "1 d"
 */
export function formatInterval(seconds: number): string {
  if (seconds >= 86_400 && seconds % 86_400 === 0) return t('time.duration.d', { value: seconds / 86_400 });
  if (seconds >= 3600 && seconds % 3600 === 0) return t('time.duration.h', { value: seconds / 3600 });
  if (seconds >= 60 && seconds % 60 === 0) return t('time.duration.m', { value: seconds / 60 });
  return t('time.duration.s', { value: seconds });
}
