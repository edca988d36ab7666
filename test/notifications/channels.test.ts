import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelTestResult, NotificationChannel, NotificationDelivery } from '../../server/contract/notifications.ts';
import type { Endpoint, Page } from '../../server/contract/types.ts';
import { createTestCa, days } from '../support/certificates.ts';
import { type ProviderReceivers, startProviderReceivers } from '../support/provider-receivers.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

interface Problem {
  errors: { path: string; code: string; message: string }[];
}

let receivers: ProviderReceivers;
let target: TargetServer;
beforeAll(async () => {
  receivers = await startProviderReceivers();
  target = await startTargetServer();
});
afterAll(async () => {
  await receivers.close();
  await target.close();
});

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  receivers.reset();
});

async function vigilWith(env: Record<string, string> = {}): Promise<TestVigil> {
  const vigil = await startTestVigil({ NOTIFICATION_SWEEP_MS: '200', NOTIFICATION_RETRY_BASE_MS: '100', ...env });
  cleanups.push(vigil.dispose);
  return vigil;
}

async function createChannel(vigil: TestVigil, body: Record<string, unknown>): Promise<NotificationChannel> {
  const answer = await vigil.api<NotificationChannel>('POST', '/api/notification-channels', { groupSeconds: 0, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

async function createEndpoint(vigil: TestVigil, name: string, path: string, extra: Record<string, unknown> = {}): Promise<Endpoint> {
  const answer = await vigil.api<Endpoint>('POST', '/api/endpoints', { name, url: target.url(path), intervalSeconds: 3600, failureThreshold: 1, ...extra });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

const checkNow = (vigil: TestVigil, id: string) => vigil.api('POST', `/api/endpoints/${id}/check`);
const settle = (ms = 400) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notification channels over REST', () => {
  it('creates, reads, changes and deletes a channel, its secrets write-only', async () => {
    const vigil = await vigilWith();
    const config = receivers.configFor('slack');
    const created = await createChannel(vigil, { name: 'Ops Slack', type: 'slack', config, events: ['down', 'recovered'] });
    expect(created).toMatchObject({
      name: 'Ops Slack',
      type: 'slack',
      enabled: true,
      language: 'en',
      config: { webhookUrl: '(secret)' },
      events: ['down', 'recovered'],
      allEndpoints: true,
      endpointIds: [],
      tags: [],
      reminder: null,
      groupSeconds: 0,
      fromSettings: false,
    });
    // No read shows the secret: one, the list, the event.
    const listed = await vigil.api<{ items: NotificationChannel[] }>('GET', '/api/notification-channels');
    expect(JSON.stringify(listed.body)).not.toContain(String(config.webhookUrl));
    expect(listed.body.items.map((c) => c.id)).toEqual([created.id]);

    // Renamed with the marker sent back: the stored URL stays, and messages still reach it.
    const renamed = await vigil.api<NotificationChannel>('PATCH', `/api/notification-channels/${created.id}`, {
      name: 'Ops Slack #2',
      config: { webhookUrl: '(secret)' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Ops Slack #2');
    const tested = await vigil.api<ChannelTestResult>('POST', `/api/notification-channels/${created.id}/test`);
    expect(tested.body).toMatchObject({ ok: true, statusCode: 200 });
    expect(receivers.accepted('slack')).toHaveLength(1);
    expect(receivers.textOf(receivers.accepted('slack')[0]!)).toContain('Vigil');

    expect((await vigil.api('DELETE', `/api/notification-channels/${created.id}`)).status).toBe(204);
    expect((await vigil.api('GET', `/api/notification-channels/${created.id}`)).status).toBe(404);
    expect((await vigil.api('DELETE', `/api/notification-channels/${created.id}`)).status).toBe(404);
  });

  it('refuses bad channels with a precise error for each field, storing nothing', async () => {
    const vigil = await vigilWith();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: 'x', type: 'carrier-pigeon', config: {} }, 'type', 'invalid_choice'],
      [{ name: 'x', type: 'slack', config: {} }, 'config.webhookUrl', 'required'],
      [{ name: 'x', type: 'slack', config: { webhookUrl: 'not a url' } }, 'config.webhookUrl', 'invalid_url'],
      [{ name: 'x', type: 'slack', config: { webhookUrl: 'ftp://example.com/x' } }, 'config.webhookUrl', 'invalid_url'],
      [{ name: 'x', type: 'slack', config: { webhookUrl: 'http://169.254.169.254/latest' } }, 'config.webhookUrl', 'blocked_target'],
      [{ name: 'x', type: 'slack', config: { webhookUrl: 'http://127.0.0.1/x', channel: '#ops' } }, 'config.channel', 'unknown_setting'],
      [{ name: 'x', type: 'email', config: { host: '127.0.0.1', from: 'a@b.c', to: 'ops@example.com, nobody' } }, 'config.to', 'invalid_email'],
      [{ name: 'x', type: 'email', config: { host: '127.0.0.1', from: 'a@b.c', to: 'a@b.c', port: 70000 } }, 'config.port', 'invalid_port'],
      [{ name: 'x', type: 'email', config: { host: '127.0.0.1', from: 'a@b.c', to: 'a@b.c', security: 'ssl3' } }, 'config.security', 'invalid_choice'],
      [{ name: 'x', type: 'slack', config: { webhookUrl: '(secret)' } }, 'config.webhookUrl', 'no_stored_secret'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), events: [] }, 'events', 'too_few'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), events: ['exploded'] }, 'events.0', 'invalid_choice'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), allEndpoints: true, tags: ['db'] }, 'allEndpoints', 'scope_with_all'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), allEndpoints: false }, 'allEndpoints', 'empty_scope'],
      [
        { name: 'x', type: 'slack', config: receivers.configFor('slack'), endpointIds: ['00000000-0000-4000-8000-000000000001'] },
        'endpointIds.0',
        'unknown_endpoint',
      ],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), reminder: { everyMinutes: 0, max: 3 } }, 'reminder.everyMinutes', 'too_small'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), groupSeconds: 301 }, 'groupSeconds', 'too_large'],
      [{ name: '', type: 'slack', config: receivers.configFor('slack') }, 'name', 'empty'],
      [{ name: 'x', type: 'slack', config: receivers.configFor('slack'), language: 'fr' }, 'language', 'invalid_choice'],
    ];
    for (const [body, path, code] of cases) {
      const answer = await vigil.api<Problem>('POST', '/api/notification-channels', body);
      expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBe(400);
      expect(answer.body.errors.map((e) => [e.path, e.code])).toContainEqual([path, code]);
    }
    // A blocked target's error does not repeat the URL (a webhook URL is a secret).
    const blocked = await vigil.api<Problem>('POST', '/api/notification-channels', {
      name: 'x',
      type: 'discord',
      config: { webhookUrl: 'http://169.254.169.254/api/webhooks/1/SECRET-TOKEN' },
    });
    expect(JSON.stringify(blocked.body)).not.toContain('SECRET-TOKEN');
    expect((await vigil.api<{ items: unknown[] }>('GET', '/api/notification-channels')).body.items).toEqual([]);

    // A bad change leaves the channel as it was.
    const channel = await createChannel(vigil, { name: 'Good', type: 'slack', config: receivers.configFor('slack') });
    const refused = await vigil.api<Problem>('PATCH', `/api/notification-channels/${channel.id}`, { type: 'telegram' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.path).sort()).toEqual(['config.botToken', 'config.chatId']);
    expect((await vigil.api<NotificationChannel>('GET', `/api/notification-channels/${channel.id}`)).body).toEqual(channel);
    expect((await vigil.api<Problem>('GET', '/api/notification-channels/not-a-uuid')).status).toBe(400);
  });

  it('shows the WEBHOOK_URL channel read-only', async () => {
    const vigil = await vigilWith({ WEBHOOK_URL: `${receivers.url}/webhook/plain`, WEBHOOK_SECRET: 'hush' });
    const { items } = (await vigil.api<{ items: NotificationChannel[] }>('GET', '/api/notification-channels')).body;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'webhook', fromSettings: true, config: { url: `${receivers.url}/webhook/plain`, secret: '(secret)' } });
    const patch = await vigil.api<{ code: string }>('PATCH', `/api/notification-channels/${items[0]!.id}`, { name: 'mine' });
    expect(patch.status).toBe(409);
    expect(patch.body.code).toBe('channel_from_settings');
    expect((await vigil.api('DELETE', `/api/notification-channels/${items[0]!.id}`)).status).toBe(409);
  });
});

describe('routing', () => {
  it('tells each channel the events it asked for, of the endpoints it covers', async () => {
    const vigil = await vigilWith();
    const db = await createEndpoint(vigil, 'Database', '/route-db', { tags: ['db'] });
    const api = await createEndpoint(vigil, 'API', '/route-api');
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${api.id}`)).body.status === 'UP', 5000, 'UP');
    // Slack: every endpoint, going down. PagerDuty: the db tag's incidents. Telegram: the API, recovered only. Discord: disabled.
    await createChannel(vigil, { name: 'all down', type: 'slack', config: receivers.configFor('slack'), events: ['down'] });
    await createChannel(vigil, {
      name: 'db incidents',
      type: 'pagerduty',
      config: receivers.configFor('pagerduty'),
      tags: ['db'],
      events: ['incident-started', 'incident-resolved'],
    });
    await createChannel(vigil, { name: 'api back', type: 'telegram', config: receivers.configFor('telegram'), endpointIds: [api.id], events: ['recovered'] });
    await createChannel(vigil, { name: 'off', type: 'discord', config: receivers.configFor('discord'), enabled: false, events: ['down'] });

    target.setMode('/route-db', { kind: 'ok', status: 503 });
    target.setMode('/route-api', { kind: 'ok', status: 503 });
    await checkNow(vigil, db.id);
    await checkNow(vigil, api.id);
    target.setMode('/route-db', { kind: 'ok' });
    target.setMode('/route-api', { kind: 'ok' });
    await checkNow(vigil, db.id);
    await checkNow(vigil, api.id);

    await receivers.waitFor('slack', 2);
    await receivers.waitFor('pagerduty', 2);
    await receivers.waitFor('telegram', 1);
    await settle();
    expect(receivers.requests('slack').map((r) => receivers.textOf(r))).toEqual([
      expect.stringContaining('Database is DOWN'),
      expect.stringContaining('API is DOWN'),
    ]);
    expect(receivers.textOf(receivers.requests('slack')[0]!)).toContain('503');
    const pd = receivers.requests('pagerduty').map((r) => [r.body.event_action, r.body.dedup_key]);
    expect(pd).toEqual([
      ['trigger', expect.stringMatching(/^vigil-incident-/)],
      ['resolve', pd[0]![1]],
    ]);
    expect([...receivers.pagerDutyIncidents.values()]).toEqual(['resolved']);
    expect(receivers.requests('telegram')).toHaveLength(1);
    expect(receivers.textOf(receivers.requests('telegram')[0]!)).toContain('API is back UP');
    expect(receivers.requests('discord')).toEqual([]);
  });

  it('says nothing of a child whose parent is down, nor of an endpoint in maintenance', async () => {
    const vigil = await vigilWith();
    const parent = await createEndpoint(vigil, 'Core network', '/quiet-parent');
    const child = await createEndpoint(vigil, 'Behind it', '/quiet-child', { parentId: parent.id });
    const planned = await createEndpoint(vigil, 'Planned', '/quiet-planned');
    await waitFor(async () => (await vigil.api<Endpoint>('GET', `/api/endpoints/${child.id}`)).body.status === 'UP', 5000, 'UP');
    await createChannel(vigil, { name: 'all', type: 'webhook', config: { url: `${receivers.url}/webhook/plain` } });
    await vigil.api('POST', '/api/maintenance-windows', {
      name: 'Work',
      endpointIds: [planned.id],
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    for (const path of ['/quiet-parent', '/quiet-child', '/quiet-planned']) target.setMode(path, { kind: 'ok', status: 500 });
    await checkNow(vigil, parent.id);
    await checkNow(vigil, child.id);
    await checkNow(vigil, planned.id);
    await receivers.waitFor('webhook', 2);
    await settle();
    expect(receivers.requests('webhook').map((r) => [r.body.notification.endpoint.name, r.body.notification.event])).toEqual([
      ['Core network', 'down'],
      ['Core network', 'incident-started'],
    ]);
  });
});

describe('certificates and push deadlines', () => {
  it('warns once per threshold of a certificate running out, not again after a restart', async () => {
    const ca = await createTestCa();
    const certificate = await ca.serverCertificate({ notBefore: days(-10), notAfter: days(5.04) });
    const server = tls.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    let vigil = await vigilWith();
    await createChannel(vigil, { name: 'certs', type: 'webhook', config: { url: `${receivers.url}/webhook/plain` }, events: ['certificate-expiring'] });
    const endpoint = await createEndpoint(vigil, 'Edge certificate', '/unused', {
      url: `tls://127.0.0.1:${(server.address() as AddressInfo).port}`,
      certificateWarningDays: 14,
    });
    const [warned] = await receivers.waitFor('webhook', 1);
    expect(warned!.body.notification).toMatchObject({ event: 'certificate-expiring', certificate: { daysLeft: 5 }, endpoint: { id: endpoint.id } });
    expect(receivers.textOf(warned!)).toContain('certificate expires in 5 days');
    await checkNow(vigil, endpoint.id);
    await checkNow(vigil, endpoint.id);
    await settle();
    expect(receivers.requests('webhook')).toHaveLength(1);

    // The same certificate seen after a restart: the outbox holds that warning already.
    vigil = await vigil.restart();
    cleanups.push(vigil.dispose);
    await checkNow(vigil, endpoint.id);
    await settle(800);
    expect(receivers.requests('webhook')).toHaveLength(1);
  });

  it('tells of a push deadline missed, once', async () => {
    const vigil = await vigilWith();
    await createChannel(vigil, { name: 'jobs', type: 'gotify', config: receivers.configFor('gotify'), events: ['push-missed'] });
    const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: 'Nightly backup', type: 'push', intervalSeconds: 2, graceSeconds: 1 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const [missed] = await receivers.waitFor('gotify', 1, 10_000);
    expect(receivers.textOf(missed!)).toContain('Nightly backup missed its ping');
    await settle(4000);
    expect(receivers.requests('gotify')).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('honours a 429 Retry-After, logging each attempt', async () => {
    const vigil = await vigilWith();
    const channel = await createChannel(vigil, { name: 'slack', type: 'slack', config: receivers.configFor('slack'), events: ['down'] });
    receivers.answerNext('slack', { status: 429, retryAfter: 1 });
    target.setMode('/limited', { kind: 'ok', status: 500 });
    await createEndpoint(vigil, 'Limited', '/limited');
    const [first, second] = await receivers.waitFor('slack', 2, 8000);
    expect(first!.status).toBe(429);
    expect(second!.status).toBe(200);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    await waitFor(
      async () => (await vigil.api<Page<NotificationDelivery>>('GET', `/api/notification-channels/${channel.id}/deliveries`)).body.items.length === 2,
      3000,
      'two log lines',
    );
    const log = (await vigil.api<Page<NotificationDelivery>>('GET', `/api/notification-channels/${channel.id}/deliveries`)).body.items;
    expect(log.map((d) => [d.outcome, d.statusCode, d.attempt, d.event, d.endpointName])).toEqual([
      ['delivered', 200, 2, 'down', 'Limited'],
      ['retrying', 429, 1, 'down', 'Limited'],
    ]);
    // The log pages with a cursor.
    const firstPage = await vigil.api<Page<NotificationDelivery>>('GET', `/api/notification-channels/${channel.id}/deliveries?limit=1`);
    expect(firstPage.body.items.map((d) => d.outcome)).toEqual(['delivered']);
    const next = await vigil.api<Page<NotificationDelivery>>(
      'GET',
      `/api/notification-channels/${channel.id}/deliveries?limit=1&cursor=${encodeURIComponent(firstPage.body.nextCursor!)}`,
    );
    expect(next.body.items.map((d) => d.outcome)).toEqual(['retrying']);
    expect((await vigil.api<Problem>('GET', `/api/notification-channels/${channel.id}/deliveries?limit=0`)).status).toBe(400);
    const metrics = await (await fetch(`${vigil.url}/metrics`)).text();
    expect(metrics).toMatch(/vigil_notifications_total\{type="slack",outcome="retrying"\} 1/);
    expect(metrics).toMatch(/vigil_notifications_total\{type="slack",outcome="delivered"\} 1/);
  });

  it('reminds of an open incident every so often, up to its limit, answering the first alert, and stops once it is resolved', async () => {
    const vigil = await vigilWith();
    await createChannel(vigil, {
      name: 'telegram',
      type: 'telegram',
      config: receivers.configFor('telegram'),
      language: 'ko',
      events: ['incident-started', 'incident-resolved'],
      reminder: { everyMinutes: 1, max: 3 },
    });
    target.setMode('/remind', { kind: 'ok', status: 502 });
    const endpoint = await createEndpoint(vigil, 'API Server', '/remind');
    const [started] = await receivers.waitFor('telegram', 1);
    expect(receivers.textOf(started!)).toContain('🚨 API Server 장애 시작됨');

    // As if the incident had started 90 s ago: the first reminder is due.
    const moveStart = (seconds: number) =>
      vigil.database.db.execute(sql`update incidents set started_at = now() - ${`${seconds} seconds`}::interval where endpoint_id = ${endpoint.id}::uuid`);
    await moveStart(90);
    const [, reminder] = await receivers.waitFor('telegram', 2, 5000);
    expect(receivers.textOf(reminder!)).toContain('API Server');
    expect(receivers.textOf(reminder!)).toContain('(1/3)');
    // Each reminder answers the alert (Telegram's reply to the first message).
    const alertMessageId = reminder!.body.reply_parameters?.message_id;
    expect(alertMessageId).toBeGreaterThan(0);

    // Ten minutes on: only the last one due (3 of 3) goes, not every one missed; then none.
    await moveStart(600);
    const [, , last] = await receivers.waitFor('telegram', 3, 5000);
    expect(receivers.textOf(last!)).toContain('(3/3)');
    await settle(800);
    expect(receivers.requests('telegram')).toHaveLength(3);

    target.setMode('/remind', { kind: 'ok' });
    await checkNow(vigil, endpoint.id);
    const [, , , resolved] = await receivers.waitFor('telegram', 4, 5000);
    expect(receivers.textOf(resolved!)).toContain('✨ API Server 복구됨');
    expect(resolved!.body.reply_parameters?.message_id).toBe(alertMessageId);
    await settle(800);
    expect(receivers.requests('telegram')).toHaveLength(4);
  });

  it('resolves a grouped PagerDuty alert once the last of its endpoints is back', async () => {
    const vigil = await vigilWith();
    await createChannel(vigil, { name: 'pd', type: 'pagerduty', config: receivers.configFor('pagerduty'), events: ['down', 'recovered'], groupSeconds: 1 });
    const endpoints = [];
    for (const n of [1, 2, 3]) {
      target.setMode(`/pd-${n}`, { kind: 'ok', status: 500 });
      endpoints.push(await createEndpoint(vigil, `Service ${n}`, `/pd-${n}`));
    }
    const [trigger] = await receivers.waitFor('pagerduty', 1, 8000);
    expect(trigger!.body).toMatchObject({ event_action: 'trigger', dedup_key: expect.stringMatching(/^vigil-group-/) });
    expect(trigger!.body.payload.summary).toContain('3');
    for (const n of [1, 2]) {
      target.setMode(`/pd-${n}`, { kind: 'ok' });
      await checkNow(vigil, endpoints[n - 1]!.id);
    }
    await receivers.waitFor('pagerduty', 2, 8000);
    await settle(1500);
    // Two of three back: the group's alert stays open.
    expect([...receivers.pagerDutyIncidents.entries()].filter(([, state]) => state === 'triggered').map(([key]) => key)).toEqual([trigger!.body.dedup_key]);
    target.setMode('/pd-3', { kind: 'ok' });
    await checkNow(vigil, endpoints[2]!.id);
    await waitFor(() => receivers.pagerDutyIncidents.get(trigger!.body.dedup_key) === 'resolved', 8000, 'the group resolved');
  });

  it('sends a storm of 500 endpoints going down over ten seconds as one grouped message per channel, by default', async () => {
    const vigil = await vigilWith();
    await createChannel(vigil, { name: 'slack', type: 'slack', config: receivers.configFor('slack'), events: ['down'], groupSeconds: undefined });
    await createChannel(vigil, { name: 'ntfy', type: 'ntfy', config: receivers.configFor('ntfy'), events: ['down'], groupSeconds: undefined, language: 'ko' });
    target.setMode('/storm', { kind: 'ok', status: 500 });
    const endpoints = Array.from({ length: 500 }, (_, i) => ({
      name: `Storm ${i}`,
      url: `${target.url('/storm')}?n=${i}`,
      intervalSeconds: 10,
      failureThreshold: 3,
    }));
    const imported = await vigil.api('POST', '/api/import', { vigil: 'endpoints', version: 1, endpoints });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    await waitFor(async () => (await vigil.api<{ down: number }>('GET', '/api/summary')).body.down === 500, 30_000, '500 DOWN');
    const [slack] = await receivers.waitFor('slack', 1, 40_000);
    const [ntfy] = await receivers.waitFor('ntfy', 1, 10_000);
    await settle(1000);
    expect(receivers.requests('slack')).toHaveLength(1);
    expect(receivers.requests('ntfy')).toHaveLength(1);
    expect(receivers.textOf(slack!)).toContain('500 endpoints');
    expect(receivers.textOf(ntfy!)).toContain('500');
  }, 90_000);
});
