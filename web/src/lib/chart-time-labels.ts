/** A BCP 47 language tag, e.g. the UI's 'en' or 'ko'. */
type Locale = string;

const DAY_SECONDS = 86_400;

const formats = new Map<string, Intl.DateTimeFormat>();
function format(locale: Locale, kind: 'clock' | 'date'): Intl.DateTimeFormat {
  const key = `${locale} ${kind}`;
  let f = formats.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'clock' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { month: locale.startsWith('ko') ? 'long' : 'short', day: 'numeric' };
    formats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  }
  return f;
}

/** "Dec 3" / "12월 3일". */
export function formatChartDate(locale: Locale, seconds: number): string {
  return format(locale, 'date').format(seconds * 1000);
}

/** "14:05" in both languages: 24-hour, never AM/PM. */
export function formatChartClock(locale: Locale, seconds: number): string {
  return format(locale, 'clock').format(seconds * 1000);
}

/**
 * The labels of the time axis, in the page's language and 24-hour clock. Ticks a day or more apart
 * read as dates; closer ones as clock times, with the date on a second line where a new day begins —
 * also on the first tick when the axis starts (`axisStartSeconds`) on the day before it.
 * @example timeAxisLabels('ko', [t0, t0 + 21600], 21600) // ['18:00', '00:00\n12월 4일']
 */
export function timeAxisLabels(locale: Locale, splits: readonly number[], incrementSeconds: number, axisStartSeconds = splits[0] ?? 0): string[] {
  if (incrementSeconds >= DAY_SECONDS) return splits.map((s) => formatChartDate(locale, s));
  const dayOf = (seconds: number) => new Date(seconds * 1000).toDateString();
  let previousDay = dayOf(axisStartSeconds);
  return splits.map((s) => {
    const day = dayOf(s);
    const clock = formatChartClock(locale, s);
    const newDay = day !== previousDay;
    previousDay = day;
    return newDay ? `${clock}\n${formatChartDate(locale, s)}` : clock;
  });
}
