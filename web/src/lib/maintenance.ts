import type { MaintenanceWindow } from '../../../server/contract/types.ts';
import { tm } from '../i18n/maintenance-messages.ts';

/** The time zone this browser is in (an IANA name), or UTC when it does not say. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as a datetime-local input shows it: this browser's local time, to the minute.
 * @example toLocalInput('2026-03-01T05:00:00.000Z') // "2026-03-01T14:00" in Asia/Seoul
 */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A datetime-local value, read in this browser's time zone, as ISO 8601 with its offset (what the
 * API takes); null when it is no time.
 * @example fromLocalInput('2026-03-01T14:00') // "2026-03-01T14:00:00+09:00" in Asia/Seoul
 */
export function fromLocalInput(value: string): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(y!, mo! - 1, d!, h!, mi!, s || 0);
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Where a window stands now: going on, to come, or over (no period left). */
export type WindowState = 'active' | 'upcoming' | 'past';

export function stateOf(w: Pick<MaintenanceWindow, 'active' | 'currentPeriod' | 'nextPeriod'>): WindowState {
  if (w.active || w.currentPeriod) return 'active';
  return w.nextPeriod ? 'upcoming' : 'past';
}

/**
 * The windows as the page lists them: those going on now first (ending soonest first), then those
 * to come (starting soonest first), then those over (most recently ended first).
 */
export function orderWindows(windows: readonly MaintenanceWindow[]): Record<WindowState, MaintenanceWindow[]> {
  const groups: Record<WindowState, MaintenanceWindow[]> = { active: [], upcoming: [], past: [] };
  for (const w of windows) groups[stateOf(w)].push(w);
  const by =
    (pick: (w: MaintenanceWindow) => string | null | undefined, desc = false) =>
    (a: MaintenanceWindow, b: MaintenanceWindow) => {
      const x = pick(a) ?? '';
      const y = pick(b) ?? '';
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1) || a.name.localeCompare(b.name);
    };
  groups.active.sort(by((w) => w.currentPeriod?.endsAt));
  groups.upcoming.sort(by((w) => w.nextPeriod?.startsAt));
  groups.past.sort(by((w) => w.endsAt ?? w.updatedAt, true));
  return groups;
}

/** The soonest moment a window's state or periods change (to read them again then); null: none to come. */
export function nextChange(windows: readonly MaintenanceWindow[]): number | null {
  let soonest: number | null = null;
  for (const w of windows) {
    for (const at of [w.currentPeriod?.endsAt, w.nextPeriod?.startsAt]) {
      if (!at) continue;
      const t = Date.parse(at);
      if (soonest === null || t < soonest) soonest = t;
    }
  }
  return soonest;
}

/** A cron field that is one whole number within [min, max], else null. */
function single(field: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(field)) return null;
  const n = Number(field);
  return n >= min && n <= max ? n : null;
}

/** Weekday numbers of a cron field such as 0, 1-5 or 1,3,5 (7 is Sunday too), else null. */
function weekdays(field: string): number[] | null {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^(\d)(?:-(\d))?$/.exec(part);
    if (!range) return null;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from > 7 || to > 7 || to < from) return null;
    for (let d = from; d <= to; d++) days.add(d % 7);
  }
  return [...days].sort();
}

/**
 * A cron expression in words for the common shapes (hourly, daily, on weekdays, monthly), in the
 * UI's language; null for the others (the expression is shown as it is beside it anyway).
 * @example cronWords('0 2 * * 0', 'en') // "every Sunday at 02:00"
 */
export function cronWords(cron: string, lang: string): string | null {
  let fields = cron.trim().split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== '0') return null;
    fields = fields.slice(1);
  }
  if (fields.length !== 5) return null;
  const [minuteField, hourField, dom, month, dow] = fields as [string, string, string, string, string];
  const minute = single(minuteField, 0, 59);
  if (minute === null || month !== '*') return null;
  if (hourField === '*' && dom === '*' && dow === '*') return tm('cron.hourly', { minute: pad(minute) });
  const hour = single(hourField, 0, 23);
  if (hour === null) return null;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (dom === '*' && dow === '*') return tm('cron.daily', { time });
  if (dom === '*') {
    const days = weekdays(dow);
    if (!days) return null;
    // 2023-01-01 was a Sunday.
    const name = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' });
    const list = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });
    return tm('cron.weekly', { days: list.format(days.map((d) => name.format(Date.UTC(2023, 0, 1 + d)))), time });
  }
  const day = single(dom, 1, 31);
  if (day !== null && dow === '*') return tm('cron.monthly', { day, time });
  return null;
}
