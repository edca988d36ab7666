const DAY_MS = 86_400_000;

/**
 * For a test that writes days relative to today and reads them back (a status page's 90 days, the
 * day an incident counts in): one that straddles midnight UTC finds them a day off. Resolves at
 * once when the next midnight UTC is at least `ms` away, else a second after it: the next `ms`
 * then fall in one UTC day. Waits at most `ms` + 1 s.
 */
export async function clearOfUtcMidnight(ms: number): Promise<void> {
  const left = DAY_MS - (Date.now() % DAY_MS);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 1000));
}
