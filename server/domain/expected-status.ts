/**
 * Expected status codes are written as single codes ("200") or inclusive ranges ("200-299").
 */

const PATTERN = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/;

/** Returns an error message when `spec` is not a valid code or range, else null. */
export function describeStatusSpecError(spec: string): string | null {
  const match = PATTERN.exec(spec);
  if (!match) return `"${spec}" is not a status code (100-599) or a range such as "200-299"`;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (high < low) return `range "${spec}" ends before it starts`;
  return null;
}

/** Whether `code` matches any of the (already validated) specs. */
export function matchesExpectedStatus(code: number, specs: readonly string[]): boolean {
  for (const spec of specs) {
    const dash = spec.indexOf('-');
    if (dash === -1) {
      if (code === Number(spec)) return true;
    } else if (code >= Number(spec.slice(0, dash)) && code <= Number(spec.slice(dash + 1))) {
      return true;
    }
  }
  return false;
}
