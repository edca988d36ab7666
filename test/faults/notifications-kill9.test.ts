import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../db/client.ts';
import { type NotificationOutboxRow, notificationOutbox } from '../../db/schema/index.ts';
import type { NotificationChannel, NotificationDelivery } from '../../server/contract/notifications.ts';
import type { Check, Endpoint } from '../../server/contract/types.ts';
import { type ProviderReceivers, startProviderReceivers } from '../support/provider-receivers.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess, killNine, processApi } from '../support/vigil-process.ts';
import { waitFor } from '../support/vigil.ts';

/**
 * kill -9 of a Vigil process with a notification in its outbox: committed with the check that
 * caused it, then either in flight (the receiver hangs) or waiting for its flood-control group.
 * After a restart (same DATA_DIR on PGlite, same INSTANCE_ID on PostgreSQL) the sweep takes the
 * row back at once: it is delivered at least once, always under the same id (the generic
 * webhook's x-vigil-delivery, PagerDuty's dedup_key), and never again once delivered.
 */

const SWEEP_MS = 300;
const SETTINGS = { NOTIFICATION_SWEEP_MS: String(SWEEP_MS), NOTIFICATION_RETRY_BASE_MS: '200', NOTIFICATION_TIMEOUT_MS: '20000' };

let receivers: ProviderReceivers;
let target: TargetServer;
let pg: ThrowawayPostgres;

beforeAll(async () => {
  [receivers, target, pg] = await Promise.all([startProviderReceivers(), startTargetServer(), startThrowawayPostgres()]);
  target.setDefaultMode({ kind: 'ok', status: 500, body: 'broken' });
}, 60_000);
afterAll(async () => {
  await receivers?.close();
  await target?.close();
  await pg?.destroy();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  receivers.reset();
});

/** Where a test's Vigil keeps its data: the settings it runs with, and how the test reads the outbox (on PGlite: once Vigil is stopped). */
interface Store {
  env: Record<string, string>;
  outbox(): Promise<NotificationOutboxRow[]>;
}

async function pgliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-notify-kill9-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cpSync(inject('pgliteTemplateDir'), join(dir, 'data'), { recursive: true });
  const dataDir = join(dir, 'data');
  return { env: { DATA_DIR: dataDir }, outbox: () => readOutbox({ dataDir }) };
}

let databases = 0;
async function postgresStore(): Promise<Store> {
  const name = `notify_kill9_${++databases}`;
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-notify-kill9-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const databaseUrl = pg.urlFor(name);
  return { env: { DATABASE_URL: databaseUrl, DATA_DIR: dir, INSTANCE_ID: 'vigil-kill9' }, outbox: () => readOutbox({ databaseUrl, dataDir: dir }) };
}

async function readOutbox(options: { databaseUrl?: string; dataDir: string }): Promise<NotificationOutboxRow[]> {
  const handle = await createDatabase(options);
  try {
    return await handle.db.select().from(notificationOutbox);
  } finally {
    await handle.close();
  }
}

async function start(store: Store): Promise<VigilProcess> {
  const vigil = await startVigilProcess({ env: { ...store.env, ...SETTINGS } });
  cleanups.push(() => vigil.kill());
  return vigil;
}

const api = processApi;

const createChannel = (vigil: VigilProcess, type: 'webhook' | 'pagerduty', groupSeconds: number) =>
  api<NotificationChannel>(vigil, 'POST', '/api/notification-channels', {
    name: `${type} on call`,
    type,
    config: receivers.configFor(type),
    events: ['down'],
    groupSeconds,
  });

/** An endpoint whose target answers 500: DOWN at its first check, one `down` notification per channel. */
const createFailingEndpoint = (vigil: VigilProcess, name: string) =>
  api<Endpoint>(vigil, 'POST', '/api/endpoints', { name, url: target.url(`/${name}`), intervalSeconds: 3600, failureThreshold: 1 });

const deliveriesOf = async (vigil: VigilProcess, channelId: string) =>
  (await api<{ items: NotificationDelivery[] }>(vigil, 'GET', `/api/notification-channels/${channelId}/deliveries`)).items;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STORES: [string, () => Promise<Store>][] = [
  ['PGlite (same DATA_DIR)', pgliteStore],
  ['PostgreSQL (same INSTANCE_ID)', postgresStore],
];

describe.each(STORES)('kill -9 of Vigil with a notification in its outbox, on %s', (_, makeStore) => {
  it('delivers a notification that was in flight after the restart, under the same id and dedup key, and only once', async () => {
    const store = await makeStore();
    let vigil = await start(store);
    const webhook = await createChannel(vigil, 'webhook', 0);
    const pagerduty = await createChannel(vigil, 'pagerduty', 0);
    receivers.answerNext('webhook', { hang: true });
    receivers.answerNext('pagerduty', { hang: true });
    const endpoint = await createFailingEndpoint(vigil, 'in-flight');

    // Both requests reach their receivers, which never answer: the notification is in flight.
    const [hungWebhook] = await receivers.waitFor('webhook', 1, 15_000);
    const [hungPagerDuty] = await receivers.waitFor('pagerduty', 1, 15_000);
    expect(hungWebhook!.status).toBe(0);
    expect(hungPagerDuty!.status).toBe(0);
    await killNine(vigil);

    vigil = await start(store);
    const webhookRequests = await receivers.waitFor('webhook', 2, 15_000);
    const pagerDutyRequests = await receivers.waitFor('pagerduty', 2, 15_000);
    const [, webhookAgain] = webhookRequests;
    const [, pagerDutyAgain] = pagerDutyRequests;
    await waitFor(() => webhookAgain!.status && pagerDutyAgain!.status, 5000, 'the answers to the second attempts');

    // The same notification, under the same id: a receiver de-duplicates on it.
    expect(webhookAgain!.status).toBe(200);
    expect(webhookAgain!.headers['x-vigil-delivery']).toBe(hungWebhook!.headers['x-vigil-delivery']);
    expect(webhookAgain!.body.notification.id).toBe(hungWebhook!.body.notification.id);
    expect(webhookAgain!.body.notification).toMatchObject({ event: 'down', endpoint: { id: endpoint.id } });
    expect(pagerDutyAgain!.status).toBe(202);
    expect(pagerDutyAgain!.body.dedup_key).toBe(hungPagerDuty!.body.dedup_key);
    expect(pagerDutyAgain!.body.event_action).toBe('trigger');
    expect(receivers.pagerDutyIncidents.get(pagerDutyAgain!.body.dedup_key)).toBe('triggered');

    // Delivered: never sent again, however many sweeps go by. (The log line is written in the same transaction as the row's delivered_at.)
    await waitFor(async () => (await deliveriesOf(vigil, webhook.id)).length > 0 && (await deliveriesOf(vigil, pagerduty.id)).length > 0, 5000, 'log lines');
    await sleep(SWEEP_MS * 6);
    expect(receivers.requests('webhook')).toHaveLength(2);
    expect(receivers.requests('pagerduty')).toHaveLength(2);
    for (const channel of [webhook, pagerduty]) {
      expect((await deliveriesOf(vigil, channel.id)).map((d) => [d.event, d.outcome, d.endpointId])).toEqual([['down', 'delivered', endpoint.id]]);
    }

    await killNine(vigil);
    const rows = await store.outbox();
    expect(rows.map((r) => r.channelId).sort()).toEqual([webhook.id, pagerduty.id].sort());
    for (const row of rows) expect(row.deliveredAt, `${row.channelId} delivered`).not.toBeNull();
    expect(rows.find((r) => r.channelId === webhook.id)!.id).toBe(hungWebhook!.headers['x-vigil-delivery']);
  });

  it('delivers exactly once, after the restart, a notification committed but not yet sent when Vigil died', async () => {
    const store = await makeStore();
    let vigil = await start(store);
    // Flood control holds the notification for 3 s after its commit: Vigil dies in between.
    const webhook = await createChannel(vigil, 'webhook', 3);
    const endpoint = await createFailingEndpoint(vigil, 'committed');
    await waitFor(
      async () => (await api<{ items: Check[] }>(vigil, 'GET', `/api/endpoints/${endpoint.id}/checks`)).items.some((c) => c.status === 'DOWN'),
      10_000,
      'the DOWN check (and its outbox row) to be committed',
    );
    await killNine(vigil);
    expect(receivers.requests('webhook'), 'nothing sent before the kill').toEqual([]);

    vigil = await start(store);
    const [delivered] = await receivers.waitFor('webhook', 1, 15_000);
    await waitFor(async () => (await deliveriesOf(vigil, webhook.id)).length > 0, 5000, 'the log line');
    await sleep(SWEEP_MS * 6);

    expect(receivers.requests('webhook')).toHaveLength(1);
    expect(delivered!.status).toBe(200);
    expect(delivered!.body.notification).toMatchObject({ event: 'down', endpoint: { id: endpoint.id } });
    expect((await deliveriesOf(vigil, webhook.id)).map((d) => [d.event, d.outcome, d.attempt, d.statusCode])).toEqual([['down', 'delivered', 1, 200]]);

    await killNine(vigil);
    const rows = await store.outbox();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: delivered!.headers['x-vigil-delivery'], channelId: webhook.id, event: 'down', attempts: 1, failedAt: null });
    expect(rows[0]!.deliveredAt).not.toBeNull();
  });
});
