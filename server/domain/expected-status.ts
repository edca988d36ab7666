/**
 * Expected status codes are written as single codes ("200") or inclusive ranges ("200-299").
 */

const PATTERN = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/;

/** Returns an error message when `spec` is not a valid code or range, else null. */
export function describeStatusSpecError(spec: string): string | null {
  return statusSpecProblem(spec)?.message ?? null;
}

/** The same, with its code (docs/api-errors.md). */
export function statusSpecProblem(spec: string): { message: string; code: 'invalid_status_spec' | 'status_range_reversed' } | null {
  const match = PATTERN.exec(spec);
  if (!match) return { message: `"${spec}" is not a status code (100-599) or a range such as "200-299"`, code: 'invalid_status_spec' };
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  if (high < low) return { message: `range "${spec}" ends before it starts`, code: 'status_range_reversed' };
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
