import { FailureTable, throttleKey } from '../../auth/api-keys.ts';
import { AccessError } from '../../domain/errors.ts';

/**
 * Counts wrong passwords and codes, wherever one is asked for: sign-in, and the password that
 * confirms a change of one's own account (a new password, two-factor off, new recovery codes), so
 * a borrowed session cannot guess its person's password either.
 * - Per address: AUTH_FAILURE_LIMIT wrong tries a minute, then 429 for everything from it.
 * - Per account: past 100 wrong tries an hour from anywhere, wrong ones get 429; the right one
 *   still works, so nobody can lock a person out by knowing their email.
 */
export class PasswordThrottle {
  private readonly byAddress: FailureTable;
  private readonly byAccount: FailureTable;

  constructor(options: { failureLimit: number; now?: () => number }) {
    const now = options.now ?? Date.now;
    this.byAddress = new FailureTable({ limit: options.failureLimit, windowMs: 60_000, capacity: 10_000, now });
    this.byAccount = new FailureTable({ limit: 100, windowMs: 3_600_000, capacity: 10_000, now });
  }

  /** Refuses (429) an address past its limit, before any check. */
  assertOpen(address: string): void {
    const lockedFor = this.byAddress.lockedFor(throttleKey(address));
    if (lockedFor !== null) throw tooMany(lockedFor);
  }

  /** Counts a wrong password or code against the address and the account; throws 429 once either is past its limit. */
  failed(address: string, email: string): void {
    const waits = [this.byAddress.fail(throttleKey(address)), this.byAccount.fail(email)].filter((wait) => wait !== null);
    if (waits.length) throw tooMany(Math.max(...waits));
  }
}

function tooMany(waitMs: number): AccessError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AccessError(429, `Too many wrong passwords; try again in ${seconds} s.`, 'too_many_attempts', { seconds }, seconds);
}
