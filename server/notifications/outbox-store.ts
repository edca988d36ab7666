import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../../db/client.ts';
import { pgArray } from '../../db/pg-array.ts';
import { notificationDeliveries, notificationOutbox, type NotificationOutboxRow } from '../../db/schema/index.ts';
import type { Notice, NotificationDelivery, NotificationEvent } from '../contract/notifications.ts';
import type { OutboxEntry } from './outbox-entry.ts';

/** How long a claim on a row lasts; the holder extends it while the row waits in its memory. */
export const CLAIM_MS = 120_000;

/** The insert of entries into the outbox, claimed by `instanceId` (part of a batch's transaction). */
export function insertEntriesStatement(entries: readonly OutboxEntry[], instanceId: string) {
  const column = (pick: (e: OutboxEntry) => string | number | null) => pgArray(entries.map(pick));
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return sql`
    insert into notification_outbox (id, channel_id, event, endpoint_id, incident_id, notice, created_at, due_at, attempts, claimed_by, claimed_until, delivered_at, failed_at, last_error, thread_ref)
    select id, channel_id, event, endpoint_id, incident_id, notice::jsonb, created_at, due_at, attempts, ${instanceId}, now() + ${`${CLAIM_MS} milliseconds`}::interval, delivered_at, failed_at, last_error, thread_ref from unnest(
      ${column((e) => e.id)}::uuid[], ${column((e) => e.channelId)}::uuid[], ${column((e) => e.event)}::text[],
      ${column((e) => e.endpointId)}::uuid[], ${column((e) => e.incidentId)}::uuid[], ${column((e) => JSON.stringify(e.notice))}::text[],
      ${column((e) => e.createdAt.toISOString())}::timestamptz[], ${column((e) => e.dueAt.toISOString())}::timestamptz[],
      ${column((e) => e.attempts)}::int[], ${column((e) => iso(e.deliveredAt))}::timestamptz[], ${column((e) => iso(e.failedAt))}::timestamptz[],
      ${column((e) => e.lastError)}::text[], ${column((e) => e.threadRef)}::text[])
      as v(id, channel_id, event, endpoint_id, incident_id, notice, created_at, due_at, attempts, delivered_at, failed_at, last_error, thread_ref)
    on conflict (id) do nothing
    returning id`;
}

export function entryOf(row: NotificationOutboxRow): OutboxEntry {
  return {
    id: row.id,
    channelId: row.channelId,
    event: row.event as NotificationEvent | 'reminder',
    endpointId: row.endpointId,
    incidentId: row.incidentId,
    notice: row.notice as Notice,
    createdAt: row.createdAt,
    dueAt: row.dueAt,
    attempts: row.attempts,
    deliveredAt: row.deliveredAt,
    failedAt: row.failedAt,
    lastError: row.lastError,
    threadRef: row.threadRef,
    stored: true,
  };
}

/**
 * The outbox's reads and writes. Every write of a row is conditional on this instance's claim, so
 * that an instance that lost its claim (it was away for longer than CLAIM_MS) changes nothing.
 */
export class OutboxStore {
  constructor(
    private readonly db: Database,
    private readonly instanceId: string,
  ) {}

  /** Entries written by the reminder sweep (claimed here); returns the ids actually inserted. */
  async insert(entries: readonly OutboxEntry[]): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows = rowsOf<{ id: string }>(await this.db.execute(insertEntriesStatement(entries, this.instanceId)));
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Claims the rows due now that nobody holds (or whose holder's claim ran out), except those this
   * instance holds in memory already. One instance wins each row.
   */
  async claimDue(held: readonly string[], runStartedAt: Date, limit = 200): Promise<OutboxEntry[]> {
    const result = await this.db.execute(sql`
      update notification_outbox as o set claimed_by = ${this.instanceId}, claimed_until = now() + ${`${CLAIM_MS} milliseconds`}::interval
      where o.id in (
        select id from notification_outbox
        where delivered_at is null and failed_at is null and due_at <= now() + interval '1 second'
          and (claimed_until is null or claimed_until < now() or (claimed_by = ${this.instanceId} and created_at < ${runStartedAt.toISOString()}::timestamptz))
          and not (id = any(${pgArray(held)}::uuid[]))
        order by created_at
        limit ${limit}
        for update skip locked)
      returning o.*`);
    return rowsOf<Record<string, unknown>>(result).map((raw) => entryOf(rowFromRaw(raw)));
  }

  /** Lets other instances take these rows at once (a graceful stop hands over what waits). */
  async releaseClaims(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.execute(sql`
      update notification_outbox set claimed_until = null
      where id = any(${pgArray(ids)}::uuid[]) and claimed_by = ${this.instanceId} and delivered_at is null and failed_at is null`);
  }

  /** Keeps the claim on rows held in memory (waiting for their group or their retry). */
  async extendClaims(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.execute(sql`
      update notification_outbox set claimed_until = now() + ${`${CLAIM_MS} milliseconds`}::interval
      where id = any(${pgArray(ids)}::uuid[]) and claimed_by = ${this.instanceId}`);
  }

  /**
   * Writes the outcomes of attempts (each entry's state) and the attempts to the delivery log, all
   * in one transaction of two statements whatever their number: results keep up with sending.
   */
  async record(entries: readonly OutboxEntry[], deliveries: readonly NotificationDelivery[]): Promise<void> {
    if (entries.length === 0 && deliveries.length === 0) return;
    // The latest state of each entry (an entry tried twice since the last write appears once).
    const latest = [...new Map(entries.map((e) => [e.id, e])).values()];
    const column = (pick: (e: OutboxEntry) => string | number | null) => pgArray(latest.map(pick));
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    const log = (pick: (d: NotificationDelivery) => string | number | null) => pgArray(deliveries.map(pick));
    await this.db.transaction(async (tx) => {
      if (latest.length > 0) {
        await tx.execute(sql`
          update notification_outbox as o set
            attempts = v.attempts, due_at = v.due_at, delivered_at = v.delivered_at, failed_at = v.failed_at,
            last_error = v.last_error, thread_ref = v.thread_ref, claimed_until = now() + ${`${CLAIM_MS} milliseconds`}::interval
          from unnest(
            ${column((e) => e.id)}::uuid[], ${column((e) => e.attempts)}::int[], ${column((e) => e.dueAt.toISOString())}::timestamptz[],
            ${column((e) => iso(e.deliveredAt))}::timestamptz[], ${column((e) => iso(e.failedAt))}::timestamptz[],
            ${column((e) => e.lastError)}::text[], ${column((e) => e.threadRef)}::text[])
            as v(id, attempts, due_at, delivered_at, failed_at, last_error, thread_ref)
          where o.id = v.id and (o.claimed_by = ${this.instanceId} or o.claimed_by is null)`);
      }
      if (deliveries.length === 0) return;
      // A channel deleted meanwhile: its log is gone with it.
      await tx.execute(sql`
        insert into notification_deliveries (id, channel_id, event, endpoint_id, endpoint_name, notifications, attempt, outcome, status_code, answer, latency_ms, at)
        select v.* from unnest(
          ${log((d) => d.id)}::uuid[], ${log((d) => d.channelId)}::uuid[], ${log((d) => d.event)}::text[], ${log((d) => d.endpointId)}::uuid[],
          ${log((d) => d.endpointName)}::text[], ${log((d) => d.notifications)}::int[], ${log((d) => d.attempt)}::int[], ${log((d) => d.outcome)}::text[],
          ${log((d) => d.statusCode)}::int[], ${log((d) => d.answer)}::text[], ${log((d) => d.latencyMs)}::int[], ${log((d) => d.at)}::timestamptz[])
          as v(id, channel_id, event, endpoint_id, endpoint_name, notifications, attempt, outcome, status_code, answer, latency_ms, at)
        where exists (select 1 from notification_channels c where c.id = v.channel_id)`);
    });
  }

  /** The provider's reference of the first message of a thread on a channel (for replies), if one was recorded. */
  async threadRefOf(channelId: string, threadKey: string, incidentId: string | null, endpointId: string): Promise<string | null> {
    const rows = await this.db
      .select({ threadRef: notificationOutbox.threadRef })
      .from(notificationOutbox)
      .where(
        and(
          eq(notificationOutbox.channelId, channelId),
          incidentId ? eq(notificationOutbox.incidentId, incidentId) : eq(notificationOutbox.endpointId, endpointId),
          sql`${notificationOutbox.notice}->>'threadKey' = ${threadKey}`,
          sql`${notificationOutbox.threadRef} is not null`,
          sql`${notificationOutbox.event} not in ('recovered', 'incident-resolved', 'reminder')`,
        ),
      )
      .orderBy(desc(notificationOutbox.createdAt))
      .limit(1);
    return rows[0]?.threadRef ?? null;
  }

  /** Whether an incident is still open (a reminder of a resolved one is not sent). */
  async incidentOpen(incidentId: string): Promise<boolean> {
    const rows = rowsOf<{ open: boolean }>(await this.db.execute(sql`select resolved_at is null as open from incidents where id = ${incidentId}::uuid`));
    return rows[0]?.open ?? false;
  }

  /** Deletes what is done with: finished rows and log lines past their age, rows of deleted channels. */
  async prune(outboxDays: number, logDays: number): Promise<void> {
    const outboxBefore = new Date(Date.now() - outboxDays * 86_400_000);
    await this.db
      .delete(notificationOutbox)
      .where(
        or(
          and(lt(notificationOutbox.createdAt, outboxBefore), sql`(delivered_at is not null or failed_at is not null)`),
          sql`not exists (select 1 from notification_channels c where c.id = ${notificationOutbox.channelId})`,
        ),
      );
    await this.db.delete(notificationDeliveries).where(lt(notificationDeliveries.at, new Date(Date.now() - logDays * 86_400_000)));
  }

  /** The delivery log of a channel, newest first. */
  async deliveries(channelId: string, limit: number, before: { at: string; id: string } | null): Promise<NotificationDelivery[]> {
    const rows = await this.db
      .select()
      .from(notificationDeliveries)
      .where(
        and(
          eq(notificationDeliveries.channelId, channelId),
          before ? sql`(${notificationDeliveries.at}, ${notificationDeliveries.id}) < (${before.at}::timestamptz, ${before.id}::uuid)` : sql`true`,
        ),
      )
      .orderBy(desc(notificationDeliveries.at), desc(notificationDeliveries.id))
      .limit(limit);
    return rows.map((r) => ({
      id: r.id,
      channelId: r.channelId,
      event: r.event as NotificationDelivery['event'],
      endpointId: r.endpointId,
      endpointName: r.endpointName,
      notifications: r.notifications,
      attempt: r.attempt,
      outcome: r.outcome as NotificationDelivery['outcome'],
      statusCode: r.statusCode,
      answer: r.answer,
      latencyMs: r.latencyMs,
      at: r.at.toISOString(),
    }));
  }
}

/** A raw row of `returning o.*` (snake_case, timestamps as text on postgres.js) as Drizzle's row. */
function rowFromRaw(raw: Record<string, unknown>): NotificationOutboxRow {
  const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  const notice = typeof raw.notice === 'string' ? JSON.parse(raw.notice) : raw.notice;
  return {
    id: String(raw.id),
    channelId: String(raw.channel_id),
    event: String(raw.event),
    endpointId: (raw.endpoint_id as string | null) ?? null,
    incidentId: (raw.incident_id as string | null) ?? null,
    notice,
    createdAt: date(raw.created_at)!,
    dueAt: date(raw.due_at)!,
    attempts: Number(raw.attempts),
    claimedBy: (raw.claimed_by as string | null) ?? null,
    claimedUntil: date(raw.claimed_until),
    deliveredAt: date(raw.delivered_at),
    failedAt: date(raw.failed_at),
    lastError: (raw.last_error as string | null) ?? null,
    threadRef: (raw.thread_ref as string | null) ?? null,
  };
}
