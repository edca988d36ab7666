/**
 * Whether the runtime knows an IANA time zone (Europe/Berlin, Asia/Seoul, UTC). Shared by the API's
 * validation and the dashboard's forms (the server has the last word: browsers may know others).
 */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
