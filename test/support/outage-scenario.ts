/**
 * One scenario, two ways to lose the database (PostgreSQL stopped, a full disk under PGlite):
 * a real Vigil process checks endpoints every second against a local target while its database
 * is away, and we watch what a user and an operator would see — checks going on, a target that
 * fails during the outage producing its events and webhook at once, /metrics and REST answers —
 * then bring the database back and compare what was stored with what the target saw.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectIo } from 'socket.io-client';
import { expect } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import type { PublicStatusPage } from '../../server/contract/status-pages.ts';
import type { NotificationDelivery } from '../../server/contract/notifications.ts';
import { SETTINGS_CHANNEL_ID } from '../../server/services/notification-channels/settings-channel.ts';
import { startFaultTarget, type FaultTarget } from './fault-target.ts';
import { startVigilProcess, type VigilProcess } from './vigil-process.ts';
import { waitFor } from './vigil.ts';

export interface OutageOptions {
  env: Record<string, string>;
  endpoints: number;
  outageMs: number;
  /** Makes the database unavailable / available again (the process keeps running). */
  breakDatabase(): Promise<void>;
  restoreDatabase(): Promise<void>;
  /** Reads rows straight from the database after the outage: [endpointId, checkedAt ms, id][] and open incidents. */
  readStored(): Promise<{ checks: { endpointId: string; checkedAt: number; id: string }[]; openIncidents: { endpointId: string; failureCount: number }[] }>;
}

export interface OutageReport {
  expectedDuringOutage: number;
  /** From 3 s before the outage to 3 s after it. */
  receivedPerSecond: number[];
  receivedDuringOutage: number;
  /** ms from the target answering the first failure (status) or the threshold-th failure (incident) to each signal. */
  statusChangedAfterMs: number;
  incidentStartedAfterMs: number;
  webhookAfterMs: number;
  /** The flipper's notifications in the delivery log once the database is back: [event, outcome]. */
  deliveriesAfter: [string, string][];
  metricsAnswers: number[];
  metricsMs: number[];
  /** GET /api/endpoints once a second, from 1 s into the outage until it ends. */
  restDuringOutage: { at: number; status: number; ms: number }[];
  /** A push endpoint's pings sent during the outage: 200 when answered OK within 2 s. */
  pingsDuringOutage: number[];
  /** Its checks stored after the outage. */
  pingsStored: number;
  /** How late (ms) a maintenance window's end and another's start, both during the outage, were announced. */
  maintenanceEdgesLateMs: number[];
  metricsDuring: string;
  restStatus: number;
  restMs: number;
  restContentType: string | null;
  restRetryAfter: string | null;
  restDetail: string;
  readyzDuring: { status: number; detail: string };
  readyzAfter: number;
  /** A status page showing the flipper, read during the outage: its answer, the flipper's status there, on its live stream and on its badge. */
  statusPageDuring: { status: number; flipper: string | undefined; streamSawDown: boolean; badge: string };
  /** A page never read before the outage, read during it: its status, Retry-After, and whether it says so (not "not found"). */
  coldPageDuring: { status: number; retryAfter: string | null; saysUnavailable: boolean };
  /** Per endpoint: requests the target answered vs results stored, over the whole run. */
  mismatches: string[];
  duplicateChecks: number;
  openIncidentsOfFlipper: { endpointId: string; failureCount: number }[];
  flipperFailuresSeen: number;
  logLines: { level: string; msg: string }[];
  vigil: VigilProcess;
}

const FAILURE_THRESHOLD = 3;

export async function runOutage(options: OutageOptions, cleanups: (() => Promise<unknown>)[]): Promise<OutageReport> {
  const target = await startFaultTarget();
  cleanups.push(() => target.close());
  const webhook = await startWebhookReceiver();
  cleanups.push(() => webhook.close());
  const vigil = await startVigilProcess({ env: { ...options.env, WEBHOOK_URL: webhook.url, LOG_LEVEL: 'info' } });
  cleanups.push(() => vigil.kill());

  const create = async (name: string, path: string, extra: Record<string, unknown> = {}) => {
    const response = await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, url: target.url(path), intervalSeconds: 1, timeoutMs: 2000, ...extra }),
    });
    if (response.status !== 201) throw new Error(`create ${name}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Endpoint;
  };
  const steady: Endpoint[] = [];
  for (let i = 0; i < options.endpoints; i++) steady.push(await create(`steady ${i}`, `/steady/${i}`));
  const flipper = await create('Flipper', '/flipper', { failureThreshold: FAILURE_THRESHOLD });
  // A push endpoint: a job's pings during the outage are taken, and written once it is over.
  const job = (await (
    await vigil.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nightly job', type: 'push', intervalSeconds: 3600 }),
    })
  ).json()) as Endpoint;
  const { pingUrl } = (await (await vigil.fetch(`/api/endpoints/${job.id}/push-url`)).json()) as { pingUrl: string };

  const socket = connectIo(vigil.url, { transports: ['websocket'], reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
  cleanups.push(async () => void socket.close());
  const events: { event: string; data: any; at: number }[] = [];
  socket.onAny((event: string, data: unknown) => events.push({ event, data, at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => socket.emit('subscribe:all', () => resolve()));
    socket.once('connect_error', reject);
  });
  // Every endpoint UP and written at least once before the outage.
  await waitFor(
    async () => {
      const page = (await (await vigil.fetch('/api/endpoints?limit=500')).json()) as { items: Endpoint[] };
      // (the push endpoint waits for its first ping, which comes during the outage)
      return page.items.every((e) => e.status === 'UP' || e.type === 'push');
    },
    20_000,
    'every endpoint UP',
  );

  // Two maintenance windows whose edges fall in the outage: one ends 4 s in, the other starts 6 s in.
  const windowAt = (ms: number) => new Date(Date.now() + ms).toISOString();
  const edges = { endsAt: windowAt(4000), startsAt: windowAt(6000) };
  for (const [endpoint, startsAt, endsAt] of [
    [steady[0]!, windowAt(-1000), edges.endsAt],
    [steady[1]!, edges.startsAt, windowAt(3_600_000)],
  ] as const) {
    const made = await vigil.fetch('/api/maintenance-windows', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `around ${endpoint.name}`, endpointIds: [endpoint.id], startsAt, endsAt }),
    });
    if (made.status !== 201) throw new Error(`maintenance window: ${made.status} ${await made.text()}`);
  }

  // A public status page showing the flipper, read once (built) before the outage, and its live stream.
  const statusPage = await vigil.fetch('/api/status-pages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'outage', title: 'Outage', sections: [{ name: 'All', endpointIds: [flipper.id, steady[2]!.id] }] }),
  });
  if (statusPage.status !== 201) throw new Error(`status page: ${statusPage.status} ${await statusPage.text()}`);
  await (await vigil.fetch('/status/outage/page.json')).text();
  const cold = await vigil.fetch('/api/status-pages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ slug: 'cold', title: 'Cold', sections: [{ name: 'All', endpointIds: [steady[2]!.id] }] }),
  });
  if (cold.status !== 201) throw new Error(`status page: ${cold.status} ${await cold.text()}`);
  const pageStream = new AbortController();
  cleanups.push(async () => pageStream.abort());
  const pageFrames: string[] = [];
  void vigil
    .fetch('/status/outage/events', { signal: pageStream.signal })
    .then(async (response) => {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) pageFrames.push(Buffer.from(chunk).toString());
    })
    .catch(() => undefined);

  // /metrics and a REST read every second, each timed (a hanging answer is a failed one).
  const metricsAnswers: number[] = [];
  const metricsMs: number[] = [];
  const restProbes: { at: number; status: number; ms: number }[] = [];
  let polling = true;
  const poll = async (path: string, record: (status: number, ms: number, at: number) => void) => {
    while (polling) {
      const at = Date.now();
      const response = await vigil.fetch(path, { signal: AbortSignal.timeout(5000) }).catch(() => null);
      await response?.text();
      record(response?.status ?? 0, Date.now() - at, at);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - at))));
    }
  };
  const poller = Promise.all([
    poll('/metrics', (status, ms) => {
      metricsAnswers.push(status);
      metricsMs.push(ms);
    }),
    poll('/api/endpoints?limit=5', (status, ms, at) => restProbes.push({ at, status, ms })),
  ]);

  // The outage. Counting starts a second in: the edges belong to neither side.
  await options.breakDatabase();
  const brokenAt = Date.now();
  await new Promise((r) => setTimeout(r, 1500));
  // A REST read that needs the database, and readiness.
  const restStarted = Date.now();
  const rest = await vigil.fetch('/api/incidents?status=open', { signal: AbortSignal.timeout(10_000) });
  const restMs = Date.now() - restStarted;
  const restBody = await rest.text();
  // Not ready once a write has failed (on a full disk, a few small writes may still fit at first).
  const readyzDuring = await waitFor(
    async () => {
      const ready = await vigil.fetch('/readyz');
      const answer = { status: ready.status, detail: await ready.text() };
      return answer.status === 503 ? answer : undefined;
    },
    5000,
    '/readyz to say 503',
  ).catch(() => ({ status: 200, detail: 'stayed 200 for 5 s' }));

  // The flipper fails during the outage: its events and webhook must come at once.
  target.failing('/flipper');
  const flippedAt = Date.now();
  const thresholdAnsweredAt = await waitFor(
    () => {
      const log = target.log('/flipper');
      const failures = log.status.map((s, i) => (s === 500 && log.receivedAt[i]! >= flippedAt ? log.answeredAt[i]! : NaN)).filter((t) => !Number.isNaN(t));
      return failures.length >= FAILURE_THRESHOLD ? failures[FAILURE_THRESHOLD - 1] : undefined;
    },
    15_000,
    `${FAILURE_THRESHOLD} failing checks of the flipper`,
  );
  const firstFailureAt = await waitFor(() => {
    const log = target.log('/flipper');
    const i = log.status.findIndex((s, k) => s === 500 && log.receivedAt[k]! >= flippedAt);
    return i >= 0 ? log.answeredAt[i] : undefined;
  });
  const statusChanged = await waitFor(
    () => events.find((e) => e.event === 'endpoint:status-changed' && e.data.endpointId === flipper.id && e.data.currentStatus === 'DOWN'),
    5000,
    'status-changed DOWN',
  );
  const incidentStarted = await waitFor(() => events.find((e) => e.event === 'incident:started' && e.data.endpointId === flipper.id), 5000, 'incident:started');
  const webhookStarted = await waitFor(() => webhook.received.find((r) => r.body.event === 'incident:started'), 5000, 'the incident webhook');

  const streamSawDown = await waitFor(() => pageFrames.join('').includes(`"${flipper.id}":"DOWN"`), 5000, 'the DOWN on the status page stream')
    .then(() => true)
    .catch(() => false);
  const pageDuring = await vigil.fetch('/status/outage/page.json', { signal: AbortSignal.timeout(5000) });
  const shownDuring = pageDuring.status === 200 ? ((await pageDuring.json()) as PublicStatusPage) : undefined;
  const badgeDuring = await (await vigil.fetch(`/badge/endpoints/${flipper.id}/status.svg`, { signal: AbortSignal.timeout(5000) })).text();
  const coldAnswer = await vigil.fetch('/status/cold', { headers: { 'accept-language': 'en' }, signal: AbortSignal.timeout(5000) }).catch(() => null);
  const coldPageDuring = {
    status: coldAnswer?.status ?? 0,
    retryAfter: coldAnswer?.headers.get('retry-after') ?? null,
    saysUnavailable: ((await coldAnswer?.text()) ?? '').includes('Status unavailable for a moment'),
  };
  const statusPageDuring = {
    status: pageDuring.status,
    flipper: shownDuring?.sections[0]?.endpoints.find((e) => e.id === flipper.id)?.status,
    streamSawDown,
    badge: /<title>([^<]*)<\/title>/.exec(badgeDuring)?.[1] ?? badgeDuring.slice(0, 100),
  };

  const pingsDuringOutage: number[] = [];
  for (const signal of ['', '/fail', '']) {
    const started = Date.now();
    const ping = await fetch(`${pingUrl}${signal}`, { method: 'POST', body: 'during the outage', signal: AbortSignal.timeout(5000) });
    pingsDuringOutage.push(ping.status === 200 && Date.now() - started < 2000 ? 200 : ping.status);
  }

  const edgeEvent = (name: string, endpoint: Endpoint) =>
    waitFor(() => events.find((e) => e.event === name && e.data.endpointId === endpoint.id), 10_000, `${name} of ${endpoint.name}`);
  const maintenanceEdgesLateMs = [
    (await edgeEvent('maintenance:ended', steady[0]!)).at - Date.parse(edges.endsAt),
    (await edgeEvent('maintenance:started', steady[1]!)).at - Date.parse(edges.startsAt),
  ];

  const outageLeft = options.outageMs - (Date.now() - brokenAt);
  if (outageLeft > 0) await new Promise((r) => setTimeout(r, outageLeft));
  const metricsDuring = await (await vigil.fetch('/metrics')).text();
  const restoreAt = Date.now();
  const expectedDuringOutage = Math.floor((restoreAt - brokenAt - 2000) / 1000) * (options.endpoints + 1);
  const receivedDuringOutage = target.receivedBetween(brokenAt + 1000, restoreAt - 1000);
  const receivedPerSecond: number[] = [];
  for (let t = brokenAt - 3000; t < restoreAt; t += 1000) receivedPerSecond.push(target.receivedBetween(t, t + 1000));
  (receivedPerSecond as unknown as { marks: unknown }).marks = {
    brokenAt,
    restoreAt,
    flippedAt,
    thresholdAnsweredAt,
    logs: vigil.logs.map((l) => [l.time, l.msg]),
  };
  await options.restoreDatabase();
  const restDuringOutage = restProbes.filter((p) => p.at >= brokenAt + 1000 && p.at + p.ms < restoreAt);

  // Caught up: nothing waits, and readiness is back.
  await waitFor(
    async () => {
      const text = await (await vigil.fetch('/metrics')).text();
      return /^vigil_check_results_pending 0$/m.test(text) && /^vigil_check_result_write_failing 0$/m.test(text);
    },
    60_000,
    'the result queue to drain',
  );
  const readyzAfter = (await vigil.fetch('/readyz')).status;
  // The notifications sent from memory during the outage are recorded once the database is back.
  const deliveriesPath = `/api/notification-channels/${SETTINGS_CHANNEL_ID}/deliveries?limit=200`;
  const readDeliveries = async () => ((await (await vigil.fetch(deliveriesPath)).json()) as { items: NotificationDelivery[] }).items;
  const deliveriesAfter = await waitFor(
    async () => {
      const items = await readDeliveries();
      return items.some((d) => d.event === 'incident-started' && d.endpointId === flipper.id) ? items : null;
    },
    10_000,
    'the delivery of the incident recorded',
  );
  polling = false;
  await poller;

  // Stop checking, then compare what the target answered with what is stored.
  await vigil.fetch('/api/endpoints').then((r) => r.text());
  vigil.proc.kill('SIGTERM');
  await vigil.exited;
  const stored = await options.readStored();
  const byEndpoint = new Map<string, number[]>();
  for (const row of stored.checks) {
    let list = byEndpoint.get(row.endpointId);
    if (!list) byEndpoint.set(row.endpointId, (list = []));
    list.push(row.checkedAt);
  }
  const pingsStored = byEndpoint.get(job.id)?.length ?? 0;
  const mismatches: string[] = [];
  for (const [i, endpoint] of [...steady, flipper].entries()) {
    const path = i < steady.length ? `/steady/${i}` : '/flipper';
    const answered = target.log(path).status.filter((s) => s === 200 || s === 500).length;
    const rows = byEndpoint.get(endpoint.id)?.length ?? 0;
    if (answered !== rows) mismatches.push(`${path}: target answered ${answered}, stored ${rows}`);
  }
  const ids = new Set(stored.checks.map((c) => c.id));
  const keys = new Set(stored.checks.map((c) => `${c.endpointId}@${c.checkedAt}`));
  return {
    expectedDuringOutage,
    receivedDuringOutage,
    receivedPerSecond: [...receivedPerSecond, (receivedPerSecond as any).marks],
    statusChangedAfterMs: statusChanged.at - firstFailureAt,
    incidentStartedAfterMs: incidentStarted.at - thresholdAnsweredAt,
    webhookAfterMs: webhookStarted.at - thresholdAnsweredAt,
    deliveriesAfter: deliveriesAfter.filter((d) => d.endpointId === flipper.id).map((d) => [d.event, d.outcome]),
    metricsAnswers,
    metricsMs,
    restDuringOutage,
    pingsDuringOutage,
    pingsStored,
    maintenanceEdgesLateMs,
    metricsDuring,
    restStatus: rest.status,
    restMs,
    restContentType: rest.headers.get('content-type'),
    restRetryAfter: rest.headers.get('retry-after'),
    restDetail: restBody,
    readyzDuring,
    readyzAfter,
    statusPageDuring,
    coldPageDuring,
    mismatches,
    duplicateChecks: stored.checks.length - Math.min(ids.size, keys.size),
    openIncidentsOfFlipper: stored.openIncidents.filter((i) => i.endpointId === flipper.id),
    flipperFailuresSeen: target.log('/flipper').status.filter((s) => s === 500).length,
    logLines: vigil.logs.map((l) => ({ level: l.level, msg: l.msg })),
    vigil,
    // (firstFailureAt is kept for debugging timings)
    ...{ firstFailureAt },
  } as OutageReport;
}

/**
 * What holds whichever way the database went away: checks went on (≥ 95 %), a failure was told
 * within a second on the socket and the webhook, /metrics answered every second in under one,
 * readiness said 503 and came back, every answered check is stored once with one incident counting
 * every failure, and the log stayed short.
 */
export function expectWatchingThroughout(report: OutageReport): string {
  const context = JSON.stringify({ ...report, vigil: undefined, metricsDuring: undefined, logLines: report.logLines.slice(-30) }, null, 1);
  expect(report.receivedDuringOutage, context).toBeGreaterThanOrEqual(Math.floor(report.expectedDuringOutage * 0.95));
  expect(report.statusChangedAfterMs, context).toBeLessThan(1000);
  expect(report.incidentStartedAfterMs, context).toBeLessThan(1000);
  expect(report.webhookAfterMs, context).toBeLessThan(1000);
  expect(report.deliveriesAfter, context).toContainEqual(['incident-started', 'delivered']);
  expect(report.deliveriesAfter, context).toContainEqual(['down', 'delivered']);
  expect(report.metricsAnswers.length).toBeGreaterThan(8);
  expect(
    report.metricsAnswers.every((s) => s === 200),
    context,
  ).toBe(true);
  expect(Math.max(...report.metricsMs), context).toBeLessThan(1000);
  expect(report.metricsDuring).toMatch(/^vigil_check_result_write_failing 1$/m);
  expect(report.readyzDuring.status, context).toBe(503);
  expect(report.readyzAfter).toBe(200);
  // Status pages are served from memory with live statuses, their stream and badges too.
  expect(report.statusPageDuring, context).toEqual({ status: 200, flipper: 'DOWN', streamSawDown: true, badge: 'Flipper: down' });
  expect(report.mismatches, context).toEqual([]);
  // A job's pings are taken at once while the database is away, and stored once it is back.
  expect(report.pingsDuringOutage, context).toEqual([200, 200, 200]);
  expect(report.pingsStored, context).toBe(3);
  // Maintenance windows start and end on time: their calendar is in memory.
  for (const late of report.maintenanceEdgesLateMs) {
    expect(late, context).toBeGreaterThanOrEqual(0);
    expect(late, context).toBeLessThan(1000);
  }
  expect(report.duplicateChecks).toBe(0);
  expect(report.openIncidentsOfFlipper).toHaveLength(1);
  expect(report.openIncidentsOfFlipper[0]!.failureCount).toBe(report.flipperFailuresSeen);
  expect(
    report.logLines.every((l) => l.msg.length < 600),
    context,
  ).toBe(true);
  expect(report.logLines.some((l) => /Failed query/.test(l.msg))).toBe(false);
  return context;
}

interface WebhookReceiver {
  url: string;
  received: { at: number; body: any }[];
  close(): Promise<void>;
}

async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: { at: number; body: any }[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      try {
        received.push({ at: Date.now(), body: JSON.parse(text) });
      } catch {
        received.push({ at: Date.now(), body: text });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type { FaultTarget };
