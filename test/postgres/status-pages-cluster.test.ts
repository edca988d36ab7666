import http from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentUpdate, PublicStatusPage, StatusPage, StatusPageSubscriber, SubscriberWebhookBody } from '../../server/contract/status-pages.ts';
import type { Endpoint, Incident, Page } from '../../server/contract/types.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createTestDatabase, type TestDatabase, waitFor } from '../support/vigil.ts';

/**
 * Status pages on two Vigil processes sharing one PostgreSQL: a page made on one is served by the
 * other (its custom domain too) within a moment, each shows the statuses of endpoints the other
 * checks as they change, and a change or deletion made on either reaches the other. Subscribers
 * (by webhook and by email, subscribed through either) get each notice of the page once, however
 * many instances see it.
 */

const SWEEP_MS = 200;

let target: TargetServer;
let database: TestDatabase;
let smtp: SmtpReceiver;
let hooks: HookReceiver;
const instances: VigilProcess[] = [];
const endpoints: Endpoint[] = [];

async function api<T = unknown>(on: VigilProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await on.fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as T };
}

/** GET with a Host of our choosing (fetch sends the URL's). */
function getAs(on: VigilProcess, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, on.url);
    http
      .get({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const shown = async (on: VigilProcess, path = '/status/fleet/page.json', host?: string): Promise<PublicStatusPage | number> => {
  if (host) {
    const res = await getAs(on, path, host);
    return res.status === 200 ? (JSON.parse(res.body) as PublicStatusPage) : res.status;
  }
  const res = await on.fetch(path);
  return res.status === 200 ? ((await res.json()) as PublicStatusPage) : res.status;
};

interface Hook {
  headers: http.IncomingHttpHeaders;
  body: SubscriberWebhookBody;
  at: number;
}

/** Subscribers' webhooks: echoes the challenge of subscription.confirm, answers 200 to every notice, records all. */
interface HookReceiver {
  url: string;
  hooks: Hook[];
  notices(): Hook[];
  close(): Promise<void>;
}

async function startHookReceiver(): Promise<HookReceiver> {
  const hooks: Hook[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as SubscriberWebhookBody;
      hooks.push({ headers: req.headers, body, at: Date.now() });
      if (body.type === 'subscription.confirm') res.writeHead(200, { 'content-type': 'text/plain' }).end(body.challenge);
      else res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hooks,
    notices: () => hooks.filter((h) => h.body.type !== 'subscription.confirm'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  [target, database, smtp, hooks] = await Promise.all([startTargetServer(), createTestDatabase(), startSmtpReceiver(), startHookReceiver()]);
  const subscriptionSettings = {
    SMTP_URL: `smtp://${smtp.host}:${smtp.port}?security=none`,
    SMTP_FROM: 'Status <status@vigil.test>',
    // Visitors' webhooks may otherwise reach public addresses only.
    ALLOWED_TARGETS: '127.0.0.1',
    NOTIFICATION_SWEEP_MS: String(SWEEP_MS),
    NOTIFICATION_RETRY_BASE_MS: '100',
  };
  for (const id of ['pages-a', 'pages-b']) {
    instances.push(await startVigilProcess({ env: { ...database.env, INSTANCE_ID: id, LEASE_TTL_MS: '4000', ...subscriptionSettings } }));
  }
  for (let i = 0; i < 6; i++) {
    const made = await api<Endpoint>(instances[0]!, 'POST', '/api/endpoints', {
      name: `Service ${i}`,
      url: target.url(`/svc/${i}`),
      intervalSeconds: 1,
      failureThreshold: 1,
    });
    expect(made.status).toBe(201);
    endpoints.push(made.body);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((v) => v.kill()));
  await Promise.all([target?.close(), smtp?.close(), hooks?.close()]);
  await database?.dispose();
});

describe('status pages on several instances', () => {
  it('serves a page made on one instance from the other, with every status live, and follows changes made on either', { timeout: 90_000 }, async () => {
    const [a, b] = instances as [VigilProcess, VigilProcess];
    const made = await api<StatusPage>(a, 'POST', '/api/status-pages', {
      slug: 'fleet',
      title: 'Fleet',
      customDomain: 'status.fleet.test',
      sections: [{ name: 'All', endpointIds: endpoints.map((e) => e.id) }],
    });
    expect(made.status).toBe(201);
    const onB = await waitFor(
      async () => {
        const page = await shown(b);
        return typeof page === 'object' && page.sections[0]!.endpoints.every((e) => e.status === 'UP') ? page : undefined;
      },
      15_000,
      'the page on B with every endpoint UP',
    );
    expect(onB.title).toBe('Fleet');
    expect(await shown(b, '/page.json', 'status.fleet.test')).toMatchObject({ slug: 'fleet' });

    // Both instances check some of the endpoints; every failure shows on both pages.
    for (let i = 0; i < 6; i++) target.setMode(`/svc/${i}`, { kind: 'ok', status: 500 });
    for (const on of [a, b]) {
      await waitFor(
        async () => {
          const page = await shown(on);
          return typeof page === 'object' && page.overall === 'major_outage' && page.sections[0]!.endpoints.every((e) => e.status === 'DOWN');
        },
        15_000,
        `every endpoint DOWN on ${on === a ? 'A' : 'B'}`,
      );
    }
    for (let i = 0; i < 6; i++) target.setMode(`/svc/${i}`, { kind: 'ok', status: 200 });
    for (const on of [a, b]) {
      await waitFor(
        async () => {
          const page = await shown(on);
          return typeof page === 'object' && page.overall === 'operational' && page.pastIncidents.length === 6;
        },
        15_000,
        `every endpoint back, the incidents in the history, on ${on === a ? 'A' : 'B'}`,
      );
    }

    expect((await api(b, 'PATCH', `/api/status-pages/${made.body.id}`, { title: 'Fleet status' })).status).toBe(200);
    await waitFor(
      async () => {
        const page = await shown(a);
        return typeof page === 'object' && page.title === 'Fleet status';
      },
      10_000,
      'the new title on A',
    );
    expect((await api(a, 'DELETE', `/api/status-pages/${made.body.id}`)).status).toBe(204);
    await waitFor(async () => (await shown(b)) === 404, 10_000, 'the page gone from B');
    // Its domain is no longer served by either.
    expect((await getAs(b, '/', 'status.fleet.test')).status).toBe(421);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many notices of each kind arrived. */
const tally = (kinds: string[]) => Object.fromEntries([...new Set(kinds)].sort().map((kind) => [kind, kinds.filter((k) => k === kind).length]));

describe('status page subscribers on several instances', () => {
  it('tells a webhook subscriber (subscribed on A) and an email subscriber (on B) each notice once: started, updated on B, resolved', async () => {
    const [a, b] = instances as [VigilProcess, VigilProcess];
    const path = '/notices/payments';
    const made = await api<Endpoint>(a, 'POST', '/api/endpoints', { name: 'Payments API', url: target.url(path), intervalSeconds: 1, failureThreshold: 1 });
    expect(made.status).toBe(201);
    const endpoint = made.body;
    const created = await api<StatusPage>(a, 'POST', '/api/status-pages', {
      slug: 'notices',
      title: 'Acme Status',
      sections: [{ name: 'All', endpointIds: [endpoint.id] }],
      subscriptions: { email: true, webhook: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const page = created.body;
    // B serves the page (it heard of it over the relay) before anyone subscribes through it. Both have
    // built its view before anything happens: an incident that opens while a page's first view is being
    // built is missing from that view until it is refreshed, a minute later (and so is its notice).
    await waitFor(async () => typeof (await shown(b, '/status/notices/page.json')) === 'object', 10_000, 'the page on B');
    expect(typeof (await shown(a, '/status/notices/page.json'))).toBe('object');

    // The webhook, through A: its URL echoes the challenge.
    const webhook = await api<{ status: string }>(a, 'POST', '/status/notices/subscribe', { webhookUrl: hooks.url });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(201);
    expect(webhook.body.status).toBe('subscribed');

    // The address, through B: confirmed by the button of the page the mailed link opens (a POST to its confirm link).
    const email = await api<{ status: string }>(b, 'POST', '/status/notices/subscribe', { email: 'ann@example.com' });
    expect(email.status, JSON.stringify(email.body)).toBe(202);
    const [confirmation] = await smtp.waitFor(1, 10_000);
    expect(confirmation!.headers['x-vigil-event']).toBe('subscription.confirm');
    const manage = /https?:\/\/\S+\/subscription\?token=[\w-]+/.exec(confirmation!.text)?.[0];
    expect(manage, confirmation!.text).toBeDefined();
    expect(manage!.startsWith(`${b.url}/status/notices/subscription?token=`), manage).toBe(true);
    const token = new URL(manage!).searchParams.get('token')!;
    const confirmPath = `/status/notices/confirm?token=${token}`;
    expect(await (await fetch(manage!)).text()).toContain(confirmPath);
    const confirmed = await b.fetch(confirmPath, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(confirmed.status).toBe(200);
    const subscribers = (await api<Page<StatusPageSubscriber>>(a, 'GET', `/api/status-pages/${page.id}/subscribers`)).body.items;
    expect(subscribers.map((s) => [s.kind, s.target, s.confirmedAt !== null]).sort()).toEqual([
      ['email', 'ann@example.com', true],
      ['webhook', hooks.url, true],
    ]);

    // The incident opens on whichever instance checks the endpoint; its update is posted on B; it resolves.
    target.setMode(path, { kind: 'ok', status: 503 });
    const incident = await waitFor(
      async () => (await api<Page<Incident>>(a, 'GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items[0],
      10_000,
      'the incident',
    );
    const update = await api<IncidentUpdate>(b, 'POST', `/api/incidents/${incident.id}/updates`, {
      state: 'identified',
      message: 'The card processor is down.',
    });
    expect(update.status, JSON.stringify(update.body)).toBe(201);
    target.setMode(path, { kind: 'ok', status: 200 });

    const KINDS = ['incident.started', 'incident.updated', 'incident.resolved'];
    await waitFor(() => KINDS.every((kind) => hooks.notices().some((h) => h.body.type === kind)), 15_000, 'the three notices at the webhook');
    await waitFor(() => KINDS.every((kind) => smtp.mails.some((m) => m.headers['x-vigil-event'] === kind)), 15_000, 'the three notices by mail');
    // A few more sweeps of both instances: no copy comes.
    await sleep(SWEEP_MS * 10);

    const notices = hooks.notices();
    expect(tally(notices.map((h) => h.body.type))).toEqual({ 'incident.resolved': 1, 'incident.started': 1, 'incident.updated': 1 });
    expect(new Set(notices.map((h) => h.headers['x-vigil-delivery'])).size).toBe(3);
    for (const hook of notices) {
      expect(hook.headers['x-vigil-event']).toBe(hook.body.type);
      expect(hook.body.notice!.incident.id).toBe(incident.id);
    }
    expect(notices.find((h) => h.body.type === 'incident.updated')!.body.notice!.update!.message).toBe('The card processor is down.');

    const mails = smtp.mails.filter((m) => m.headers['x-vigil-event'] !== 'subscription.confirm');
    expect(tally(mails.map((m) => m.headers['x-vigil-event']!))).toEqual({ 'incident.resolved': 1, 'incident.started': 1, 'incident.updated': 1 });
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(3);
    for (const mail of mails) expect(mail.envelopeTo).toEqual(['ann@example.com']);
    expect(mails.find((m) => m.headers['x-vigil-event'] === 'incident.updated')!.text).toContain('The card processor is down.');
    expect(smtp.mails).toHaveLength(4);

    // In the database: three notices, each with one delivery per subscriber, all delivered, none failed.
    const sql = postgres(database.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql<{ item_key: string; kind: string; delivered: boolean; failed: boolean }[]>`
        select n.item_key, s.kind, d.delivered_at is not null as delivered, d.failed_at is not null as failed
        from status_page_notices n join status_page_deliveries d on d.notice_id = n.id join status_page_subscribers s on s.id = d.subscriber_id
        where n.page_id = ${page.id}`;
      expect(rows).toHaveLength(6);
      expect(rows.every((r) => r.delivered && !r.failed)).toBe(true);
      expect(new Set(rows.map((r) => r.item_key)).size).toBe(3);
    } finally {
      await sql.end();
    }
  });
});
