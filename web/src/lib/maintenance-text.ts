import type { MaintenanceWindow } from '../../../server/contract/types.ts';
import { locale } from '../i18n/index.ts';
import { tm } from '../i18n/maintenance-messages.ts';
import { formatInterval } from './format.ts';
import { cronWords } from './maintenance.ts';

const formats = new Map<string, Intl.DateTimeFormat>();
/** A window's time to the minute, with its date (and the year when it is not this one). */
export function formatWindowTime(iso: string): string {
  const date = new Date(iso);
  const thisYear = date.getFullYear() === new Date().getFullYear();
  const key = `${locale()} ${thisYear}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), {
      ...(thisYear ? {} : { year: 'numeric' }),
      month: 'short',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    });
    formats.set(key, f);
  }
  return f.format(date);
}

/** "Mar 3, 02:00 – 04:00": the end without its date when it is the same day. */
export function formatPeriod(from: string, to: string): string {
  const a = new Date(from);
  const b = new Date(to);
  const sameDay = a.toDateString() === b.toDateString();
  const end = sameDay ? new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(b) : formatWindowTime(to);
  return tm('mw.period', { from: formatWindowTime(from), to: end });
}

/** When a window's periods come, in words: its period (once), or its schedule, length, zone and bounds (recurring). */
export function windowWhen(w: MaintenanceWindow): string {
  if (w.kind === 'once') return w.startsAt && w.endsAt ? formatPeriod(w.startsAt, w.endsAt) : '—';
  const words = cronWords(w.cron ?? '', locale());
  const parts = [
    words ? `${words} (cron ${w.cron})` : `cron ${w.cron}`,
    w.timezone ?? 'UTC',
    tm('mw.lasting', { duration: formatInterval((w.durationMinutes ?? 0) * 60) }),
  ];
  if (w.startsAt) parts.push(tm('mw.bounds.from', { time: formatWindowTime(w.startsAt) }));
  if (w.endsAt) parts.push(tm('mw.bounds.until', { time: formatWindowTime(w.endsAt) }));
  return parts.join(' · ');
}

/** Where a window stands: going on until when, its next period, or none to come. */
export function windowState(w: MaintenanceWindow): string {
  if (w.currentPeriod) return tm('mw.state.active', { time: formatWindowTime(w.currentPeriod.endsAt) });
  if (w.nextPeriod) return tm('mw.state.next', { period: formatPeriod(w.nextPeriod.startsAt, w.nextPeriod.endsAt) });
  return tm('mw.state.none');
}
