/** The periods a report offers: the last N days up to now, this month so far, last month, or two dates. */
export const REPORT_PERIODS = ['7d', '30d', '90d', 'month', 'lastMonth', 'custom'] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

const DAY_MS = 86_400_000;
/** The longest period the API reports on. */
export const REPORT_MAX_DAYS = 400;

/** A local date as an <input type="date"> value: 2026-11-30. */
export function dateInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight of an <input type="date"> value, or null when it is none. */
function localMidnight(text: string): Date | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text);
  if (!m) return null;
  const date = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(date.getTime()) || dateInput(date) !== text ? null : date;
}

/**
 * The instants a period covers in this browser's time zone, `to` at most `now`:
 * the last 7, 30 or 90 days; this month from its first day; last month whole; or from the start
 * of one date to the end of another (both included). Null when custom dates are missing,
 * reversed, start after now, or span more than REPORT_MAX_DAYS.
 * @example periodRange('lastMonth', '', '', new Date(2026, 11, 6)) // { from: 2026-11-01T00:00 local, to: 2026-12-01T00:00 local }
 */
export function periodRange(period: ReportPeriod, fromText: string, toText: string, now: Date): { from: Date; to: Date } | null {
  const end = now;
  switch (period) {
    case '7d':
    case '30d':
    case '90d':
      return { from: new Date(end.getTime() - Number.parseInt(period, 10) * DAY_MS), to: end };
    case 'month':
      return { from: new Date(now.getFullYear(), now.getMonth(), 1), to: end };
    case 'lastMonth':
      return { from: new Date(now.getFullYear(), now.getMonth() - 1, 1), to: new Date(now.getFullYear(), now.getMonth(), 1) };
    case 'custom': {
      const from = localMidnight(fromText);
      const last = localMidnight(toText);
      if (!from || !last || last < from) return null;
      const to = new Date(last.getFullYear(), last.getMonth(), last.getDate() + 1);
      if (from >= end) return null;
      const capped = to > end ? end : to;
      return capped.getTime() - from.getTime() > REPORT_MAX_DAYS * DAY_MS ? null : { from, to: capped };
    }
  }
}

export const isReportPeriod = (text: string | null): text is ReportPeriod => (REPORT_PERIODS as readonly string[]).includes(text ?? '');
