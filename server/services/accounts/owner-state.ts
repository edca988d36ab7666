import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { users } from '../../../db/schema/index.ts';
import { databaseFault } from '../../../db/unavailable.ts';
import type { OwnerState } from '../../auth/authenticator.ts';

/**
 * Whether an owner account exists. Once it does it always will (the last owner cannot be removed),
 * so "yes" is kept for good; "no" is asked again after `recheckMs` (an owner made on another
 * instance). While the database cannot say, the last answer stands: this machine's own calls go on
 * as before set-up through an outage.
 */
export class OwnerRecord implements OwnerState {
  private known: boolean | undefined;
  private checkedAt = -Infinity;

  constructor(
    private readonly db: Database,
    private readonly options: { recheckMs?: number; now?: () => number } = {},
  ) {}

  async exists(): Promise<boolean> {
    const now = (this.options.now ?? Date.now)();
    if (this.known === true || (this.known === false && now - this.checkedAt < (this.options.recheckMs ?? 2000))) return this.known;
    try {
      const [row] = await this.db.select({ id: users.id }).from(users).where(eq(users.role, 'owner')).limit(1);
      this.known = row !== undefined;
      this.checkedAt = now;
    } catch (error) {
      if (this.known === undefined || !databaseFault(error)) throw error;
    }
    return this.known;
  }

  /** An owner was just made here. */
  created(): void {
    this.known = true;
  }
}
