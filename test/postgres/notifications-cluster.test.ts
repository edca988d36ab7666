import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel } from '../../server/contract/notifications.ts';
import type { Endpoint, Page } from '../../server/contract/types.ts';
import { type ProviderReceivers, type ReceivedRequest, startProviderReceivers } from '../support/provider-receivers.ts';
import { startTargetServer, type TargetRequest, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createTestDatabase, type TestDatabase, waitFor } from '../support/vigil.ts';

/**
 * Notifications of three Vigil processes on one PostgreSQL: channels made on one instance are
 * used by the endpoints the others check (the channel directory follows over the relay), each
 * notification is written once, by the instance that checked, and delivered once per channel;
 * a channel deleted on one instance gets nothing more from any.
 */

const INSTANCES = ['vigil-a', 'vigil-b', 'vigil-c'] as const;
const ENDPOINTS = 30;
const INTERVAL_S = 2;
const SWEEP_MS = 300;
/** The grouped channel's flood-control window (s). */
const GROUP_S = 4;
/** Each failing endpoint says `down` and `incident-started` once. */
const EVENTS = ['down', 'incident-started'] as const;

let target: TargetServer;
let receivers: ProviderReceivers;
let database: TestDatabase;
let sql: postgres.Sql;
const instances = new Map<string, VigilProcess>();
const endpoints: Endpoint[] = [];
let webhook: NotificationChannel;
let pagerduty: NotificationChannel;

const start = async (id: string) => {
  const vigil = await startVigilProcess({
    env: { ...database.env, INSTANCE_ID: id, LEASE_TTL_MS: '4000', NOTIFICATION_SWEEP_MS: String(SWEEP_MS), NOTIFICATION_RETRY_BASE_MS: '200' },
  });
  instances.set(id, vigil);
  return vigil;
};

async function api<T = unknown>(on: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await instances.get(on)!.fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

const channelIdsOn = async (on: string) => (await api<{ items: NotificationChannel[] }>(on, 'GET', '/api/notification-channels')).body.items.map((c) => c.id);

const statuses = async (on: string) => {
  const page = await api<Page<Endpoint>>(on, 'GET', '/api/endpoints?limit=200');
  return new Map(page.body.items.map((e) => [e.id, e.status]));
};

/** The instance that checked a target request (its User-Agent names it on PostgreSQL). */
const instanceOf = (r: TargetRequest) => /instance ([\w.-]+)\)/.exec(String(r.headers['user-agent']))?.[1] ?? '?';

/** What each request announced: the notice's id on the webhook, dedup key and class on PagerDuty. */
const webhookKey = (r: ReceivedRequest) => String(r.headers['x-vigil-delivery']);
const webhookNotice = (r: ReceivedRequest) => `${r.body.notification.endpoint.id} ${r.body.notification.event}`;
const pagerDutyNotice = (r: ReceivedRequest) => `${r.body.payload.class} ${r.body.dedup_key}`;

/** The requests of the webhook channel (another one posts to /grouped/). */
const webhookRequests = () => receivers.requests('webhook').filter((r) => r.path.startsWith('/signed/'));
/** Notifications that reached the receiver more than once: their id, event, and when each copy came. */
const sentTwice = (hooks: ReceivedRequest[]) => {
  const byId = new Map<string, ReceivedRequest[]>();
  for (const hook of hooks) byId.set(webhookKey(hook), [...(byId.get(webhookKey(hook)) ?? []), hook]);
  return [...byId]
    .filter(([, copies]) => copies.length > 1)
    .map(([id, copies]) => ({ id, event: copies[0]!.body.notification.event, at: copies.map((c) => c.at) }));
};
const expected = (ids: readonly string[]) => ids.flatMap((id) => EVENTS.map((event) => `${id} ${event}`)).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface OutboxRow {
  id: string;
  channel_id: string;
  event: string;
  endpoint_id: string;
  claimed_by: string;
  created_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
}

beforeAll(async () => {
  [target, receivers, database] = await Promise.all([startTargetServer(), startProviderReceivers(), createTestDatabase()]);
  sql = postgres(database.env.DATABASE_URL!, { max: 2, onnotice: () => {} });
  await Promise.all(INSTANCES.map(start));
}, 120_000);

afterAll(async () => {
  for (const vigil of instances.values()) await vigil.kill();
  await sql?.end();
  await database?.dispose();
  await receivers?.close();
  await target?.close();
});

describe('notifications of three instances on one PostgreSQL', () => {
  it('use the channels made on A for the endpoints checked on B and C, and deliver each notification once per channel', async () => {
    for (const type of ['webhook', 'pagerduty'] as const) {
      const created = await api<NotificationChannel>('vigil-a', 'POST', '/api/notification-channels', {
        name: `${type} for everything`,
        type,
        config: receivers.configFor(type),
        events: EVENTS,
        groupSeconds: 0,
      });
      expect(created.status).toBe(201);
      if (type === 'webhook') webhook = created.body;
      else pagerduty = created.body;
    }
    // B and C hear of them over the relay and read the channels again.
    for (const on of INSTANCES) {
      await waitFor(async () => (await channelIdsOn(on)).length === 2, 10_000, `${on} to know both channels`);
    }

    // Every target fails: each endpoint goes DOWN at its first check and opens an incident.
    target.setDefaultMode({ kind: 'ok', status: 500, body: 'broken' });
    for (let i = 0; i < ENDPOINTS; i++) {
      const on = INSTANCES[i % INSTANCES.length]!;
      const res = await api<Endpoint>(on, 'POST', '/api/endpoints', {
        name: `n${i}`,
        url: target.url(`/n/${i}`),
        intervalSeconds: INTERVAL_S,
        failureThreshold: 1,
      });
      expect(res.status).toBe(201);
      endpoints.push(res.body);
    }
    const ids = endpoints.map((e) => e.id);
    await receivers.waitFor('webhook', ENDPOINTS * EVENTS.length, 30_000);
    await receivers.waitFor('pagerduty', ENDPOINTS * EVENTS.length, 30_000);
    // A few sweeps more on every instance: nothing is sent again.
    await sleep(SWEEP_MS * 8);

    const hooks = webhookRequests();
    expect(sentTwice(hooks), 'notifications sent more than once').toEqual([]);
    expect(hooks.map(webhookNotice).sort()).toEqual(expected(ids));
    expect(new Set(hooks.map(webhookKey)).size).toBe(hooks.length);
    expect(hooks.every((r) => r.status === 200)).toBe(true);
    const pages = receivers.requests('pagerduty');
    expect(new Set(pages.map(pagerDutyNotice)).size).toBe(ENDPOINTS * EVENTS.length);
    expect(pages).toHaveLength(ENDPOINTS * EVENTS.length);
    expect(pages.every((r) => r.status === 202 && r.body.event_action === 'trigger')).toBe(true);

    // Each notification was written by the instance that checked its endpoint: all three of them.
    const rows = await sql<OutboxRow[]>`select id, channel_id, event, endpoint_id, claimed_by, created_at, delivered_at, failed_at from notification_outbox`;
    expect(rows).toHaveLength(2 * ENDPOINTS * EVENTS.length);
    expect(rows.filter((r) => r.delivered_at === null || r.failed_at !== null)).toEqual([]);
    expect(new Set(rows.map((r) => r.claimed_by))).toEqual(new Set(INSTANCES));
    const checkers = new Map<string, Set<string>>();
    for (const r of target.requests) {
      const id = endpoints[Number(r.path.split('/').at(-1))]!.id;
      checkers.set(id, (checkers.get(id) ?? new Set()).add(instanceOf(r)));
    }
    for (const row of rows) expect(checkers.get(row.endpoint_id), `${row.event} of ${row.endpoint_id}`).toContain(row.claimed_by);
    // The webhook's x-vigil-delivery is the outbox row's id.
    expect(new Set(hooks.map(webhookKey))).toEqual(new Set(rows.filter((r) => r.channel_id === webhook.id).map((r) => r.id)));

    // Every instance's delivery log is the same table: one line per notification.
    for (const channel of [webhook, pagerduty]) {
      const log = await api<{ items: { outcome: string }[] }>('vigil-c', 'GET', `/api/notification-channels/${channel.id}/deliveries?limit=200`);
      expect(log.body.items.map((d) => d.outcome)).toEqual(Array(ENDPOINTS * EVENTS.length).fill('delivered'));
    }
  }, 90_000);

  it('stop delivering on A and C to a channel deleted on B', async () => {
    const deletedAt = Date.now();
    expect((await api('vigil-b', 'DELETE', `/api/notification-channels/${pagerduty.id}`)).status).toBe(204);
    for (const on of INSTANCES) {
      await waitFor(async () => !(await channelIdsOn(on)).includes(pagerduty.id), 10_000, `${on} to forget the deleted channel`);
    }
    const pagesBefore = receivers.requests('pagerduty').length;
    const hooksBefore = webhookRequests().length;

    // Every endpoint recovers (neither channel is told of that), then fails again: a new `down` and incident each.
    target.setDefaultMode({ kind: 'ok' });
    await waitFor(async () => [...(await statuses('vigil-a')).values()].every((s) => s === 'UP'), 20_000, 'every endpoint UP');
    const failingAgainAt = Date.now();
    target.setDefaultMode({ kind: 'ok', status: 500, body: 'broken again' });
    await waitFor(() => webhookRequests().length >= hooksBefore + ENDPOINTS * EVENTS.length, 30_000, 'the new notifications');
    await sleep(SWEEP_MS * 8);

    const hooks = webhookRequests().slice(hooksBefore);
    expect(sentTwice(hooks), 'notifications sent more than once').toEqual([]);
    expect(hooks.map(webhookNotice).sort()).toEqual(expected(endpoints.map((e) => e.id)));
    expect(new Set(hooks.map(webhookKey)).size).toBe(hooks.length);
    expect(receivers.requests('pagerduty')).toHaveLength(pagesBefore);
    // The failures were seen on all three instances, and none wrote a row for the deleted channel.
    const checkedBy = new Set(target.requests.filter((r) => r.at >= failingAgainAt).map(instanceOf));
    expect(checkedBy).toEqual(new Set(INSTANCES));
    const rows = await sql<OutboxRow[]>`select id, channel_id, event, endpoint_id, claimed_by, created_at, delivered_at, failed_at from notification_outbox`;
    expect(rows.filter((r) => r.channel_id === pagerduty.id && r.created_at.getTime() >= deletedAt)).toEqual([]);
    expect(rows.filter((r) => r.channel_id === webhook.id)).toHaveLength(2 * ENDPOINTS * EVENTS.length);
  }, 90_000);

  it('hand the notifications an instance holds over to the others when it stops gracefully (SIGTERM)', async () => {
    // Flood control holds each instance's notifications for GROUP_S after the first: C is stopped meanwhile.
    const grouped = await api<NotificationChannel>('vigil-a', 'POST', '/api/notification-channels', {
      name: 'grouped',
      type: 'webhook',
      config: receivers.configFor('webhook', { url: `${receivers.url}/webhook/grouped/vigil` }),
      events: EVENTS,
      groupSeconds: GROUP_S,
    });
    expect(grouped.status).toBe(201);
    for (const on of INSTANCES) await waitFor(async () => (await channelIdsOn(on)).includes(grouped.body.id), 10_000, `${on} to know the channel`);
    target.setDefaultMode({ kind: 'ok' });
    await waitFor(async () => [...(await statuses('vigil-a')).values()].every((s) => s === 'UP'), 20_000, 'every endpoint UP');
    target.setDefaultMode({ kind: 'ok', status: 500, body: 'broken once more' });
    const heldByC = await waitFor(
      async () => {
        const rows = await sql<
          OutboxRow[]
        >`select id from notification_outbox where channel_id = ${grouped.body.id} and claimed_by = 'vigil-c' and delivered_at is null`;
        return rows.length > 0 ? rows : null;
      },
      10_000,
      'C to hold notifications for the grouped channel',
    );
    const stoppedAt = Date.now();
    instances.get('vigil-c')!.proc.kill('SIGTERM');
    expect(await instances.get('vigil-c')!.exited).toEqual({ code: 0, signal: null });
    instances.delete('vigil-c');

    // Every notification reaches the grouped channel once, C's too, soon after the stop (not when C's claim runs out).
    const groupedNotices = () =>
      receivers
        .requests('webhook')
        .filter((r) => r.path.startsWith('/grouped/'))
        .flatMap(
          (r) =>
            (r.body.event === 'notification:group' ? r.body.notifications : [r.body.notification]) as { id: string; endpoint: { id: string }; event: string }[],
        );
    const told = () => new Set(groupedNotices().map((n) => `${n.endpoint.id} ${n.event}`)).size;
    await waitFor(() => told() === ENDPOINTS * EVENTS.length, GROUP_S * 1000 + 15_000, 'every notification on the grouped channel');
    expect(Date.now() - stoppedAt).toBeLessThan(GROUP_S * 1000 + 15_000);
    await sleep(SWEEP_MS * 8);
    const notices = groupedNotices();
    expect(new Set(notices.map((n) => n.id)).size, 'each notification once').toBe(notices.length);
    expect(notices.map((n) => `${n.endpoint.id} ${n.event}`).sort()).toEqual(expected(endpoints.map((e) => e.id)));
    expect(notices.map((n) => n.id)).toEqual(expect.arrayContaining(heldByC.map((r) => r.id)));
  }, 90_000);
});
