import { sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../../db/client.ts';
import type { EndpointStatus } from '../contract/types.ts';
import type { ChannelDirectory } from '../state/channel-directory.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import type { Dispatcher } from './dispatcher.ts';
import { idOfKey, newEntry, type OutboxEntry } from './outbox-entry.ts';
import type { OutboxStore } from './outbox-store.ts';
import { noticeOf } from './notices.ts';

export interface ReminderSweepOptions {
  db: Database;
  directory: ChannelDirectory;
  registry: Pick<MonitorRegistry, 'get'>;
  outbox: Pick<OutboxStore, 'insert'>;
  dispatcher: Pick<Dispatcher, 'accept'>;
  publicUrl: string;
  /** Whether the endpoint is in a maintenance window now (no reminders then). */
  inMaintenance?: (endpointId: string) => boolean;
  /** How often open incidents are looked at (default 15 s). */
  everyMs?: number;
  log?: (message: string, error?: unknown) => void;
}

interface OpenIncidentRow {
  id: string;
  endpoint_id: string;
  started_at: string | Date;
  status: string;
  last_status_code: number | null;
  last_error_message: string | null;
  last_response_time: number | null;
}

/**
 * Reminds of incidents that stay open, on the channels that ask for it: the n-th reminder is due
 * n × everyMinutes after the incident started, up to `max`. Every instance sweeps; a reminder's id
 * is derived from (channel, incident, n), so the outbox keeps one and one instance sends it. After
 * a long pause (Vigil stopped) only the latest due reminder goes, not every one missed.
 */
export class ReminderSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** A failure was reported and no sweep has succeeded since (one report per streak). */
  private failing = false;

  constructor(private readonly options: ReminderSweepOptions) {}

  start(): void {
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.sweep();
        if (!this.stopped) tick();
      }, this.options.everyMs ?? 15_000);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Writes the reminders due now (once each) and hands those written here to the dispatcher. */
  async sweep(now = new Date()): Promise<void> {
    if (this.running) return this.running;
    if (!this.options.directory.all().some((held) => held.channel.enabled && held.channel.reminder)) return;
    this.running = this.run(now)
      .then(() => {
        this.failing = false;
      })
      .catch((error) => {
        if (!this.failing) this.options.log?.('cannot look for reminders due (tried again at each sweep)', error);
        this.failing = true;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async run(now: Date): Promise<void> {
    const rows = rowsOf<OpenIncidentRow>(
      await this.options.db.execute(sql`
        select i.id, i.endpoint_id, i.started_at, e.status, e.last_status_code, e.last_error_message, e.last_response_time
        from incidents i join endpoints e on e.id = i.endpoint_id
        where i.resolved_at is null and i.caused_by_endpoint_id is null and not e.paused`),
    );
    const due: OutboxEntry[] = [];
    for (const row of rows) {
      const endpoint = this.options.registry.get(row.endpoint_id);
      if (!endpoint || this.options.inMaintenance?.(row.endpoint_id)) continue;
      const startedAt = new Date(row.started_at);
      for (const held of this.options.directory.remindersOf(endpoint)) {
        const { everyMinutes, max } = held.channel.reminder!;
        const n = Math.min(max, Math.floor((now.getTime() - startedAt.getTime()) / (everyMinutes * 60_000)));
        if (n < 1) continue;
        const id = idOfKey(`reminder ${held.id} ${row.id} ${n}`);
        const notice = noticeOf(
          id,
          'reminder',
          {
            endpoint,
            status: row.status as EndpointStatus,
            previousStatus: null,
            at: now,
            since: startedAt,
            incidentId: row.id,
            statusCode: row.last_status_code,
            errorMessage: row.last_error_message,
            errorCode: null,
            failedAssertions: [],
            responseTime: row.last_response_time,
            durationMs: now.getTime() - startedAt.getTime(),
            certificate: null,
            source: null,
          },
          this.options.publicUrl,
          { number: n, max },
        );
        due.push(newEntry(held.id, notice, now, true));
      }
    }
    if (due.length === 0) return;
    const inserted = await this.options.outbox.insert(due);
    const mine = due.filter((e) => inserted.has(e.id));
    for (const e of mine) e.stored = true;
    this.options.dispatcher.accept(mine);
  }
}
