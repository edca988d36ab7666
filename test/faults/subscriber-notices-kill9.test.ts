import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from '../../db/client.ts';
import { statusPageDeliveries, statusPageNotices } from '../../db/schema/index.ts';
import type { PublicStatusPage, StatusPage, StatusPageSubscriber, SubscriberWebhookBody } from '../../server/contract/status-pages.ts';
import type { Endpoint, Page } from '../../server/contract/types.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startVigilProcess, type VigilProcess, killNine, processApi } from '../support/vigil-process.ts';
import { waitFor } from '../support/vigil.ts';

/**
 * kill -9 of a Vigil process with a status page subscriber's notice not yet taken: in flight (the
 * subscriber's webhook holds its answer), or recorded while the webhook refused connections.
 * After a restart (same DATA_DIR on PGlite, same INSTANCE_ID on PostgreSQL) the instance takes
 * its own claim back at once (not after the claim's two minutes): the notice is delivered at
 * least once, always under the same X-Vigil-Delivery, and never again once taken.
 */

const SWEEP_MS = 200;
const SETTINGS = {
  NOTIFICATION_SWEEP_MS: String(SWEEP_MS),
  NOTIFICATION_RETRY_BASE_MS: '100',
  // The held request must still be held when Vigil is killed.
  NOTIFICATION_TIMEOUT_MS: '20000',
  // Visitors' webhooks may otherwise reach public addresses only.
  ALLOWED_TARGETS: '127.0.0.1',
};

interface Hook {
  headers: http.IncomingHttpHeaders;
  body: SubscriberWebhookBody;
  /** The status it answered (0 while held, and for good if the sender died meanwhile). */
  status: number;
  at: number;
}

/**
 * A subscriber's webhook: echoes the challenge of subscription.confirm; answers notices 200, or
 * holds them (never answers until closed). It can stop listening (connection refused) and
 * listen again on the same port.
 */
interface HookReceiver {
  url: string;
  hooks: Hook[];
  notices(): Hook[];
  hold: boolean;
  stop(): Promise<void>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

async function startHookReceiver(): Promise<HookReceiver> {
  const hooks: Hook[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const hook: Hook = { headers: req.headers, body: JSON.parse(raw) as SubscriberWebhookBody, status: 0, at: Date.now() };
      hooks.push(hook);
      if (hook.body.type === 'subscription.confirm') {
        hook.status = 200;
        res.writeHead(200, { 'content-type': 'text/plain' }).end(hook.body.challenge);
      } else if (!receiver.hold) {
        hook.status = 200;
        res.writeHead(200).end('thanks');
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  const receiver: HookReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    hooks,
    notices: () => hooks.filter((h) => h.body.type !== 'subscription.confirm'),
    hold: false,
    stop,
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    close: async () => {
      if (server.listening) await stop();
    },
  };
  return receiver;
}

let target: TargetServer;
let pg: ThrowawayPostgres;

beforeAll(async () => {
  [target, pg] = await Promise.all([startTargetServer(), startThrowawayPostgres()]);
}, 60_000);
afterAll(async () => {
  await target?.close();
  await pg?.destroy();
});

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

type NoticeRow = typeof statusPageNotices.$inferSelect;
type DeliveryRow = typeof statusPageDeliveries.$inferSelect;

/** Where a test's Vigil keeps its data: the settings it runs with, and the notices and deliveries as stored (read once Vigil is killed: PGlite has one user). */
interface Store {
  env: Record<string, string>;
  stored(): Promise<{ notices: NoticeRow[]; deliveries: DeliveryRow[] }>;
}

async function pgliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-subscribers-kill9-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cpSync(inject('pgliteTemplateDir'), join(dir, 'data'), { recursive: true });
  const dataDir = join(dir, 'data');
  return { env: { DATA_DIR: dataDir }, stored: () => readStored({ dataDir }) };
}

let databases = 0;
async function postgresStore(): Promise<Store> {
  const name = `subscribers_kill9_${++databases}`;
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-subscribers-kill9-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const databaseUrl = pg.urlFor(name);
  return { env: { DATABASE_URL: databaseUrl, DATA_DIR: dir, INSTANCE_ID: 'vigil-kill9' }, stored: () => readStored({ databaseUrl, dataDir: dir }) };
}

async function readStored(options: { databaseUrl?: string; dataDir: string }) {
  const handle = await createDatabase(options);
  try {
    return { notices: await handle.db.select().from(statusPageNotices), deliveries: await handle.db.select().from(statusPageDeliveries) };
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let pages = 0;
/** An endpoint (UP) on a public page that offers webhook subscriptions, and the receiver subscribed to it (it echoed the challenge). */
async function subscribedPage(vigil: VigilProcess, hooks: HookReceiver) {
  const path = `/payments-${++pages}`;
  target.setMode(path, { kind: 'ok', status: 200 });
  const endpoint = await api<Endpoint>(vigil, 'POST', '/api/endpoints', {
    name: 'Payments API',
    url: target.url(path),
    intervalSeconds: 3600,
    failureThreshold: 1,
  });
  const page = await api<StatusPage>(vigil, 'POST', '/api/status-pages', {
    slug: `acme-${pages}`,
    title: 'Acme Status',
    sections: [{ name: 'All', endpointIds: [endpoint.id] }],
    subscriptions: { webhook: true },
  });
  // Its view is built before anything happens: an incident that opens while a page's first view is
  // being built is missing from that view until it is refreshed, a minute later (and so is its notice).
  await api<PublicStatusPage>(vigil, 'GET', `/status/${page.slug}/page.json`);
  const subscribed = await api<{ status: string }>(vigil, 'POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url });
  expect(subscribed.status).toBe('subscribed');
  expect(hooks.hooks.map((h) => h.body.type)).toEqual(['subscription.confirm']);
  return { endpoint, page, path };
}

/** The endpoint's target fails and it is checked now: an incident opens, and the page shows it. */
async function openIncident(vigil: VigilProcess, endpoint: Endpoint, path: string, slug: string): Promise<string> {
  target.setMode(path, { kind: 'ok', status: 503 });
  await api(vigil, 'POST', `/api/endpoints/${endpoint.id}/check`);
  const shown = await waitFor(
    async () => (await api<PublicStatusPage>(vigil, 'GET', `/status/${slug}/page.json`)).activeIncidents[0],
    10_000,
    'the incident on the page',
  );
  return shown.id;
}

const subscribersOf = async (vigil: VigilProcess, pageId: string) =>
  (await api<Page<StatusPageSubscriber>>(vigil, 'GET', `/api/status-pages/${pageId}/subscribers`)).items;

const STORES: [string, () => Promise<Store>][] = [
  ['PGlite (same DATA_DIR)', pgliteStore],
  ['PostgreSQL (same INSTANCE_ID)', postgresStore],
];

describe.each(STORES)('kill -9 of Vigil with a subscriber notice not yet taken, on %s', (_, makeStore) => {
  it('sends a notice that was in flight again after the restart, under the same X-Vigil-Delivery, and only once', async () => {
    const hooks = await startHookReceiver();
    cleanups.push(() => hooks.close());
    const store = await makeStore();
    let vigil = await start(store);
    const { endpoint, page, path } = await subscribedPage(vigil, hooks);

    // The notice reaches the receiver, which holds its answer: in flight when Vigil dies.
    hooks.hold = true;
    const incidentId = await openIncident(vigil, endpoint, path, page.slug);
    const [held] = await waitFor(() => (hooks.notices().length > 0 ? hooks.notices() : null), 10_000, 'the notice at the receiver');
    expect(held!.body.type).toBe('incident.started');
    expect(held!.body.notice!.incident.id).toBe(incidentId);
    await killNine(vigil);
    expect(held!.status).toBe(0);

    hooks.hold = false;
    const restartedAt = Date.now();
    vigil = await start(store);
    // Taken back at once (the dead process's claim would otherwise last two minutes).
    const again = await waitFor(() => hooks.notices()[1], 15_000, 'the notice sent again');
    expect(again.at - restartedAt).toBeLessThan(15_000);
    expect(again.status).toBe(200);
    expect(again.headers['x-vigil-delivery']).toBe(held!.headers['x-vigil-delivery']);
    expect(again.body.type).toBe('incident.started');
    expect(again.body.notice).toEqual(held!.body.notice);

    // Taken: never sent again, however many sweeps go by.
    await waitFor(async () => (await subscribersOf(vigil, page.id))[0]!.lastDeliveredAt !== null, 5000, 'the delivery recorded');
    await sleep(SWEEP_MS * 8);
    expect(hooks.notices()).toHaveLength(2);

    await killNine(vigil);
    const { notices, deliveries } = await store.stored();
    expect(notices.map((n) => n.itemKey)).toEqual([`incident:${incidentId}:started`]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ id: held!.headers['x-vigil-delivery'], noticeId: notices[0]!.id, attempts: 2, failedAt: null, claimedBy: null });
    expect(deliveries[0]!.deliveredAt).not.toBeNull();
  });

  it('delivers after the restart a notice recorded while the webhook refused connections', async () => {
    const hooks = await startHookReceiver();
    cleanups.push(() => hooks.close());
    const store = await makeStore();
    let vigil = await start(store);
    const { endpoint, page, path } = await subscribedPage(vigil, hooks);

    // Nobody listens at the webhook's port: each attempt is refused, and tried again later.
    await hooks.stop();
    const incidentId = await openIncident(vigil, endpoint, path, page.slug);
    await sleep(SWEEP_MS * 8);
    await killNine(vigil);

    const before = await store.stored();
    expect(before.notices.map((n) => n.itemKey)).toEqual([`incident:${incidentId}:started`]);
    expect(before.deliveries).toHaveLength(1);
    const recorded = before.deliveries[0]!;
    expect(recorded.attempts).toBeGreaterThanOrEqual(1);
    expect(recorded.lastError).toMatch(/ECONNREFUSED/);
    expect(recorded.deliveredAt).toBeNull();
    expect(recorded.failedAt).toBeNull();
    expect(hooks.notices()).toEqual([]);

    await hooks.listen();
    vigil = await start(store);
    const [delivered] = await waitFor(() => (hooks.notices().length > 0 ? hooks.notices() : null), 15_000, 'the notice delivered');
    expect(delivered!.status).toBe(200);
    expect(delivered!.headers['x-vigil-delivery']).toBe(recorded.id);
    expect(delivered!.body.type).toBe('incident.started');
    expect(delivered!.body.notice!.incident.id).toBe(incidentId);

    await waitFor(async () => (await subscribersOf(vigil, page.id))[0]!.lastDeliveredAt !== null, 5000, 'the delivery recorded');
    await sleep(SWEEP_MS * 8);
    expect(hooks.notices()).toHaveLength(1);

    await killNine(vigil);
    const after = await store.stored();
    expect(after.notices).toHaveLength(1);
    expect(after.deliveries).toHaveLength(1);
    expect(after.deliveries[0]).toMatchObject({ id: recorded.id, attempts: recorded.attempts + 1, failedAt: null, lastError: null });
    expect(after.deliveries[0]!.deliveredAt).not.toBeNull();
  });
});
