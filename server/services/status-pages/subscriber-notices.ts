import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { type StatusPageRow, type StatusPageSubscriberRow, statusPageDeliveries, statusPageNotices, statusPageSubscribers } from '../../../db/schema/index.ts';
import type { ServerEventName } from '../../contract/events.ts';
import {
  type PublicIncident,
  type PublicStatusPage,
  type StatusPageLanguage,
  type SubscriberNotice,
  SUBSCRIPTION_LIMITS,
} from '../../contract/status-pages.ts';
import type { EventBus } from '../../events/bus.ts';
import type { ProviderAnswer } from '../../notifications/provider.ts';
import { answerFrom } from '../../notifications/providers/http-answer.ts';
import { messageIdOf } from '../../notifications/smtp.ts';
import { noticeText, renderNoticeMail } from '../../public/subscriber-messages.ts';
import type { StatusPageDirectory } from '../../state/status-page-directory.ts';
import type { Snapshot } from './public-cache.ts';
import { mayTell, offeredKinds, postSigned, type SubscriptionDeps, subscriberLinks } from './subscriptions.ts';

/** An item older than this when first seen is not told (a restart after a long outage does not send yesterday's news). */
const LOOKBACK_MS = 3_600_000;
/** Told notices (and their deliveries) are kept this long: longer than the lookback, so none is told twice. */
const KEEP_MS = 7 * 86_400_000;
/** A claim lasts this long; a dead instance's deliveries are taken over after it. */
const CLAIM_MS = 120_000;
const BATCH = 64;
const PARALLEL = 8;
const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 30 * 60_000;
const HEARD: ReadonlySet<ServerEventName> = new Set(['incident:started', 'incident:resolved', 'incident-update:created']);

export interface SubscriberNoticesOptions {
  deps: SubscriptionDeps;
  pages: StatusPageDirectory;
  /** A page's public view (PublicPageCache.get): notices say only what the page shows. */
  view(page: StatusPageRow): Promise<Snapshot>;
  /** The events of every instance: an incident's change is looked at within a second. */
  feed: EventBus;
  instanceId: string;
  retryBaseMs: number;
  sweepMs: number;
  log(message: string, error?: unknown): void;
}

interface Claimed {
  id: string;
  attempts: number;
  notice: SubscriberNotice;
  noticeId: string;
  subscriber: StatusPageSubscriberRow;
}

/**
 * Tells a page's subscribers what the page shows happening: an incident starting, each update,
 * its resolution. Notices are found in the page's public view (so nothing a page hides is ever
 * told), written once per page and item whichever instance sees them first (a unique key), with
 * one delivery row per confirmed subscriber in the same transaction; deliveries are claimed by one
 * instance at a time and retried with backoff until taken, across restarts.
 */
export class SubscriberNotices {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly told = new Map<string, Set<string>>();
  private readonly inFlight = new Set<string>();
  private troubled = false;
  private lastPurge = 0;
  private readonly off: () => void;
  private stopped = false;

  constructor(private readonly o: SubscriberNoticesOptions) {
    this.off = o.feed.onAny((event) => {
      if (HEARD.has(event)) this.tickSoon(1000);
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.o.sweepMs);
    this.timer.unref();
    void this.tick();
  }

  /** Finishes what is being sent (a few seconds at most); the rest stays for the next run or another instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.off();
    clearInterval(this.timer);
    clearTimeout(this.soon);
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  /**
   * A pass `delayMs` from now, once the page views have taken the change in (their rebuild waits
   * 250 ms). A sweep meanwhile does not cancel it: that sweep may read the view before the change.
   */
  tickSoon(delayMs: number): void {
    if (this.stopped || this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.tick();
    }, delayMs);
    this.soon.unref();
  }

  /** One pass: record new notices, send due deliveries. One at a time; a call meanwhile makes one more pass. */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          if (this.stopped) break;
          await this.record();
          while ((await this.deliver()) === BATCH && !this.stopped);
          await this.purge();
          if (this.troubled) this.o.log('status page subscribers: notices are recorded and sent again');
          this.troubled = false;
        } catch (error) {
          if (!this.troubled) this.o.log('status page subscribers: recording or sending notices failed (tried again at the next sweep)', error);
          this.troubled = true;
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Notices of the last hour found on pages with confirmed subscribers, each written once. */
  private async record(): Promise<void> {
    const rows = rowsOf<{ page_id: string }>(
      await this.o.deps.db.execute(sql`select distinct page_id from status_page_subscribers where confirmed_at is not null`),
    );
    for (const { page_id } of rows) {
      const page = this.o.pages.get(page_id);
      if (!page || offeredKinds(page, this.o.deps.smtp).length === 0) continue;
      const snapshot = await this.o.view(page);
      const told = this.told.get(page.id) ?? new Set<string>();
      this.told.set(page.id, told);
      for (const [key, notice] of noticesOf(snapshot.page, Date.now() - LOOKBACK_MS)) {
        if (told.has(key)) continue;
        await this.write(page, key, notice);
        told.add(key);
        if (told.size > 5000) told.delete(told.values().next().value as string);
      }
    }
  }

  private async write(page: StatusPageRow, key: string, notice: SubscriberNotice): Promise<void> {
    const kinds = offeredKinds(page, this.o.deps.smtp);
    await this.o.deps.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(statusPageNotices)
        .values({ id: randomUUID(), pageId: page.id, itemKey: key, notice, occurredAt: new Date(notice.occurredAt), createdAt: new Date() })
        .onConflictDoNothing()
        .returning({ id: statusPageNotices.id });
      // Another instance (or this one before a restart) wrote it, with its deliveries.
      if (!row) return;
      await tx.execute(sql`
        insert into status_page_deliveries (id, notice_id, subscriber_id, due_at)
        select gen_random_uuid(), ${row.id}, s.id, now() from status_page_subscribers s
        where s.page_id = ${page.id} and s.confirmed_at is not null and s.confirmed_at <= ${notice.occurredAt}::timestamptz
          and s.kind = any(${`{${kinds.join(',')}}`}::text[])
          and (${page.visibility} = 'public' or s.access_key = ${page.passwordHash ?? ''})
        on conflict do nothing`);
    });
  }

  /** Claims a batch of due deliveries and sends them; returns how many it claimed. */
  private async deliver(): Promise<number> {
    const db = this.o.deps.db;
    const mine = [...this.inFlight];
    const claimed = rowsOf<{ id: string; attempts: number; notice_id: string }>(
      await db.execute(sql`
        update status_page_deliveries set claimed_by = ${this.o.instanceId}, claimed_until = now() + ${`${CLAIM_MS} milliseconds`}::interval,
          attempts = attempts + 1
        where id in (
          select id from status_page_deliveries
          where delivered_at is null and failed_at is null and due_at <= now()
            and (claimed_until is null or claimed_until < now()
              or (claimed_by = ${this.o.instanceId} and not (id = any(${`{${mine.join(',')}}`}::uuid[]))))
          order by due_at limit ${BATCH} for update skip locked)
        returning id, attempts, notice_id`),
    );
    if (claimed.length === 0) return 0;
    const ids = claimed.map((c) => c.id);
    for (const id of ids) this.inFlight.add(id);
    // Held while they are worked through (a slow receiver, many notices of one subscriber): nobody takes them meanwhile.
    const extend = setInterval(() => void this.extendClaims().catch(() => undefined), CLAIM_MS / 4);
    extend.unref();
    try {
      const pairs = await db
        .select({ id: statusPageDeliveries.id, notice: statusPageNotices.notice, subscriber: statusPageSubscribers })
        .from(statusPageDeliveries)
        .innerJoin(statusPageNotices, eq(statusPageNotices.id, statusPageDeliveries.noticeId))
        .innerJoin(statusPageSubscribers, eq(statusPageSubscribers.id, statusPageDeliveries.subscriberId))
        .where(inArray(statusPageDeliveries.id, ids));
      const byId = new Map(pairs.map((p) => [p.id, p]));
      const work: Claimed[] = claimed.flatMap((c) => {
        const pair = byId.get(c.id);
        return pair ? [{ id: c.id, attempts: c.attempts, noticeId: c.notice_id, notice: pair.notice, subscriber: pair.subscriber }] : [];
      });
      // One subscriber's notices one after another, in the order they happened (a resolution never
      // before its start); subscribers in parallel. After a failure the rest of its notices wait as long.
      const bySubscriber = new Map<string, Claimed[]>();
      for (const item of work.sort((a, b) => Date.parse(a.notice.occurredAt) - Date.parse(b.notice.occurredAt))) {
        const queue = bySubscriber.get(item.subscriber.id) ?? [];
        queue.push(item);
        bySubscriber.set(item.subscriber.id, queue);
      }
      const queues = [...bySubscriber.values()];
      let next = 0;
      const lane = async () => {
        while (next < queues.length) {
          const queue = queues[next++]!;
          for (let i = 0; i < queue.length; i++) {
            const answer = await this.send(queue[i]!);
            const dueAt = await this.settle(queue[i]!, answer);
            if (dueAt) {
              await this.postpone(queue.slice(i + 1), dueAt);
              break;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queues.length) }, lane));
    } finally {
      clearInterval(extend);
      for (const id of ids) this.inFlight.delete(id);
    }
    return claimed.length;
  }

  /** Claims of the deliveries being worked on, renewed. */
  private async extendClaims(): Promise<void> {
    const ids = [...this.inFlight];
    if (ids.length === 0) return;
    await this.o.deps.db
      .update(statusPageDeliveries)
      .set({ claimedUntil: sql`now() + ${`${CLAIM_MS} milliseconds`}::interval` })
      .where(and(inArray(statusPageDeliveries.id, ids), eq(statusPageDeliveries.claimedBy, this.o.instanceId)));
  }

  /** A delivery this instance still holds: an outcome is written only then (another may have taken it over). */
  private mine(id: string) {
    return and(eq(statusPageDeliveries.id, id), eq(statusPageDeliveries.claimedBy, this.o.instanceId));
  }

  /** One notice to one subscriber, in its language, with its own unsubscribe link. */
  private async send(item: Claimed): Promise<ProviderAnswer> {
    const { subscriber, notice } = item;
    const page = this.o.pages.get(subscriber.pageId);
    if (!page) return { ok: false, statusCode: null, answer: 'the page was deleted', retryable: false, retryAfterMs: null, threadRef: null };
    // Turned private (or its password changed) since: what it shows is no longer this subscriber's to read.
    if (!mayTell(page, subscriber))
      return { ok: false, statusCode: null, answer: 'the page is private now', retryable: false, retryAfterMs: null, threadRef: null };
    const language = subscriber.language as StatusPageLanguage;
    const links = subscriberLinks(page, subscriber, this.o.deps.publicUrl);
    if (subscriber.kind === 'email') {
      const thread = messageIdOf(`incident-${notice.incident.id}.${subscriber.id}`);
      const content = renderNoticeMail(notice, { language, pageTitle: page.title, pageUrl: links.pageUrl, unsubscribeUrl: links.unsubscribeUrl });
      return this.o.deps.sendMail({
        from: this.o.deps.smtp?.from ?? '',
        to: [subscriber.target],
        ...content,
        // At least once: a mail sent again after a crash has the same Message-ID.
        messageId: notice.kind === 'incident.started' ? thread : messageIdOf(`notice-${item.noticeId}.${subscriber.id}`),
        inReplyTo: notice.kind === 'incident.started' ? null : thread,
        headers: {
          'X-Vigil-Event': notice.kind,
          'List-Unsubscribe': `<${links.unsubscribeUrl}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      });
    }
    const reply = await postSigned(
      this.o.deps.webhook,
      subscriber.target,
      {
        type: notice.kind,
        page: { slug: page.slug, title: page.title, url: links.pageUrl },
        notice,
        text: noticeText(notice, language),
        unsubscribeUrl: links.unsubscribeUrl,
        sentAt: new Date().toISOString(),
      },
      subscriber.secret ?? '',
      item.id,
    );
    // 410 Gone: the receiver says it wants no more.
    if (reply.status === 410) return { ok: false, statusCode: 410, answer: 'gone', retryable: false, retryAfterMs: null, threadRef: 'unsubscribe' };
    return answerFrom(reply, { secrets: [subscriber.secret] });
  }

  /** Records the outcome; returns when it is tried again, for a retry (undefined otherwise). */
  private async settle(item: Claimed, answer: ProviderAnswer): Promise<Date | undefined> {
    const db = this.o.deps.db;
    const now = new Date();
    if (answer.ok) {
      await db.update(statusPageDeliveries).set({ deliveredAt: now, claimedBy: null, claimedUntil: null, lastError: null }).where(this.mine(item.id));
      await db.update(statusPageSubscribers).set({ lastDeliveredAt: now }).where(eq(statusPageSubscribers.id, item.subscriber.id));
      return;
    }
    if (answer.threadRef === 'unsubscribe') {
      await db.delete(statusPageSubscribers).where(eq(statusPageSubscribers.id, item.subscriber.id));
      return;
    }
    const error = `${answer.statusCode ?? ''} ${answer.answer}`.trim().slice(0, 500);
    if (!answer.retryable || item.attempts >= MAX_ATTEMPTS) {
      await db.update(statusPageDeliveries).set({ failedAt: now, claimedBy: null, claimedUntil: null, lastError: error }).where(this.mine(item.id));
      await db
        .update(statusPageSubscribers)
        .set({ failedDeliveries: sql`${statusPageSubscribers.failedDeliveries} + 1` })
        .where(eq(statusPageSubscribers.id, item.subscriber.id));
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, this.o.retryBaseMs * 2 ** (item.attempts - 1));
    const dueAt = new Date(now.getTime() + Math.max(backoff, answer.retryAfterMs ?? 0));
    await db.update(statusPageDeliveries).set({ dueAt, claimedBy: null, claimedUntil: null, lastError: error }).where(this.mine(item.id));
    return dueAt;
  }

  /** Notices behind one to retry wait with it (unclaimed, their attempt not counted). */
  private async postpone(items: Claimed[], dueAt: Date): Promise<void> {
    if (items.length === 0) return;
    await this.o.deps.db
      .update(statusPageDeliveries)
      .set({ dueAt, claimedBy: null, claimedUntil: null, attempts: sql`${statusPageDeliveries.attempts} - 1` })
      .where(
        inArray(
          statusPageDeliveries.id,
          items.map((i) => i.id),
        ),
      );
  }

  /** Hourly: told notices after KEEP_MS, addresses never confirmed after SUBSCRIPTION_LIMITS.pendingHours. */
  private async purge(): Promise<void> {
    if (Date.now() - this.lastPurge < 3_600_000) return;
    this.lastPurge = Date.now();
    const db = this.o.deps.db;
    await db.delete(statusPageNotices).where(lt(statusPageNotices.createdAt, new Date(Date.now() - KEEP_MS)));
    await db
      .delete(statusPageSubscribers)
      .where(
        and(
          isNull(statusPageSubscribers.confirmedAt),
          lt(statusPageSubscribers.createdAt, new Date(Date.now() - SUBSCRIPTION_LIMITS.pendingHours * 3_600_000)),
        ),
      );
  }
}

/** What a page shows happening since `since`: each incident's start, each update, each resolution, by a key the same everywhere. */
export function noticesOf(page: PublicStatusPage, since: number): [string, SubscriberNotice][] {
  const seen = new Set<string>();
  const out: [string, SubscriberNotice][] = [];
  for (const incident of [...page.activeIncidents, ...page.pastIncidents]) {
    if (seen.has(incident.id)) continue;
    seen.add(incident.id);
    const add = (key: string, notice: SubscriberNotice) => {
      if (Date.parse(notice.occurredAt) >= since) out.push([key, notice]);
    };
    // Each as it stood then: a start does not carry the later updates or the resolution.
    const asOf = (at: string): PublicIncident => ({
      ...incident,
      resolvedAt: incident.resolvedAt !== null && Date.parse(incident.resolvedAt) <= Date.parse(at) ? incident.resolvedAt : null,
      updates: incident.updates.filter((u) => Date.parse(u.createdAt) <= Date.parse(at)),
    });
    add(`incident:${incident.id}:started`, { kind: 'incident.started', incident: asOf(incident.startedAt), update: null, occurredAt: incident.startedAt });
    for (const update of [...incident.updates].reverse()) {
      add(`update:${update.id}`, { kind: 'incident.updated', incident: asOf(update.createdAt), update, occurredAt: update.createdAt });
    }
    if (incident.resolvedAt) add(`incident:${incident.id}:resolved`, { kind: 'incident.resolved', incident, update: null, occurredAt: incident.resolvedAt });
  }
  return out.sort((a, b) => Date.parse(a[1].occurredAt) - Date.parse(b[1].occurredAt));
}
