import { randomUUID } from 'node:crypto';
import { and, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { auditLog } from '../../../db/schema/index.ts';
import type { Principal } from '../../auth/roles.ts';
import type { AuditEntry } from '../../contract/accounts.ts';
import type { Page } from '../../contract/types.ts';
import { parseAuditListQuery } from '../../domain/list-queries.ts';
import { afterCursor, descIndexed, pageOf } from '../pagination.ts';

/** One thing that happened, as it is recorded. */
export interface AuditRecord {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  targetName?: string | null;
  /** Field names and such; never values that may be secrets. */
  details?: Record<string, unknown>;
}

export interface AuditLogOptions {
  /** Entries older than this are deleted (AUDIT_RETENTION_DAYS). */
  retentionDays: number;
  /** Told when an entry cannot be written (the change itself stands). */
  onError: (error: unknown) => void;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Who changed what and when (docs/accounts.md#audit-log): changes to endpoints, channels, pages,
 * maintenance, accounts and keys; sign-ins and failed sign-ins. An entry that cannot be written is
 * reported, never fails the change it records. Kept AUDIT_RETENTION_DAYS, pruned once an hour.
 */
export class AuditLog {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Writes not yet finished (stop waits for them). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly options: AuditLogOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Records what an actor did (from where). Resolves when written; never rejects. */
  record(actor: Pick<Principal, 'kind' | 'userId' | 'name'> | null, address: string, entry: AuditRecord): Promise<void> {
    const write = this.db
      .insert(auditLog)
      .values({
        id: randomUUID(),
        at: new Date(this.now()),
        actorId: actor?.userId ?? null,
        actorName: (actor?.name ?? 'anonymous').slice(0, 300),
        actorKind: actor?.kind ?? 'anonymous',
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId?.slice(0, 200) ?? null,
        targetName: entry.targetName?.slice(0, 300) ?? null,
        address,
        details: entry.details ?? {},
      })
      .then(
        () => undefined,
        (error: unknown) => this.options.onError(error),
      );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
    return write;
  }

  /** Entries newest first, filtered by actor, action, target and time. */
  async list(rawQuery: Record<string, string>): Promise<Page<AuditEntry>> {
    const query = parseAuditListQuery(rawQuery);
    const where: (SQL | undefined)[] = [];
    if (query.actorId) where.push(eq(auditLog.actorId, query.actorId));
    if (query.actorKind) where.push(eq(auditLog.actorKind, query.actorKind));
    if (query.action) where.push(eq(auditLog.action, query.action));
    if (query.targetType) where.push(eq(auditLog.targetType, query.targetType));
    if (query.targetId) where.push(eq(auditLog.targetId, query.targetId));
    if (query.from) where.push(gte(auditLog.at, query.from));
    if (query.to) where.push(lte(auditLog.at, query.to));
    if (query.cursor) where.push(afterCursor(query.cursor, 'desc', { at: auditLog.at, id: auditLog.id }));
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(descIndexed(auditLog.at), descIndexed(auditLog.id))
      .limit(query.limit + 1);
    return pageOf(rows, query.limit, (row) => ({ at: row.at, id: row.id }), toEntry);
  }

  /** Deletes entries past retention; answers how many. */
  async prune(): Promise<number> {
    const gone = await this.db
      .delete(auditLog)
      .where(lt(auditLog.at, new Date(this.now() - this.options.retentionDays * DAY_MS)))
      .returning({ id: auditLog.id });
    return gone.length;
  }

  start(everyMs = 3_600_000): void {
    const run = () => void this.prune().catch(this.options.onError);
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }
}

function toEntry(row: typeof auditLog.$inferSelect): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: { id: row.actorId, name: row.actorName, kind: row.actorKind as AuditEntry['actor']['kind'] },
    action: row.action,
    target: row.targetType ? { type: row.targetType, id: row.targetId, name: row.targetName } : null,
    address: row.address,
    details: row.details,
  };
}
