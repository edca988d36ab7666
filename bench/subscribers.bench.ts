/**
 * Status page subscribers: from an incident's event to each subscriber's receipt, by email and by
 * webhook, with thousands of subscribers on one page.
 *
 * Per database (PGlite in a temp dir, or a throwaway PostgreSQL database `vigil_bench_<random>`) and
 * run:
 *  1. Vigil starts as a child process with SMTP_URL pointing at a lean SMTP server in this process
 *     (smtp-server: it reads each message's headers only and times it by its envelope recipient,
 *     X-Vigil-Event and Message-ID) and ALLOWED_TARGETS=127.0.0.1, so that subscribers' webhooks may
 *     reach a node:http receiver in this process (it echoes the challenge of `subscription.confirm`,
 *     checks each notice's X-Vigil-Signature and times it by X-Vigil-Delivery). One endpoint
 *     (paused, failureThreshold 1, checked only through `POST /api/endpoints/:id/check`, against a
 *     target in this process whose status the bench sets) is on one page that offers both kinds of
 *     subscription. NOTIFICATION_SWEEP_MS and NOTIFICATION_RETRY_BASE_MS keep Vigil's defaults.
 *  2. One subscriber of each kind subscribes through the public API: the webhook echoes its
 *     challenge; the email's confirmation mail is parsed and its link's token confirmed
 *     (`POST /status/:slug/confirm`). Vigil is then stopped and the other subscribers (--email − 1
 *     and --webhook − 1) are inserted into status_page_subscribers directly, one SQL insert per kind,
 *     confirmed an hour ago, each webhook with a signing secret the bench knows (subscribing
 *     thousands through the API would meet its limit of 10 a minute per address; rows as the API
 *     writes them are fine for a bench). Vigil is started again and left 2 s to settle.
 *  3. Three phases, each once the previous notice reached every subscriber (and 1 s after):
 *       started:  the target answers 503, one check: DOWN at once, an incident opens;
 *       updated:  `POST /api/incidents/:id/updates`;
 *       resolved: the target answers 200, one check.
 *     Per phase: the time from the event (the check's `checkedAt`, the update's `createdAt`) to each
 *     subscriber's receipt (its first), p50 / p99 / max, by kind and in all; the first receipt;
 *     deliveries per second from the first receipt to the last; Vigil's CPU (/proc; 100 % = one
 *     core) and RSS (peak and mean, sampled every 100 ms) from just before the event to the last
 *     receipt, on PostgreSQL its backends' CPU, this process's CPU, and every other process's (the
 *     busiest three named); missing, duplicate (a subscriber told the same event twice, or the same
 *     Message-ID / X-Vigil-Delivery twice) and unexpected receipts; bad signatures; broken email
 *     threads (the update's and the resolution's In-Reply-To must be the start's Message-ID); how
 *     far the webhook's `notice.occurredAt` is from the event time.
 *  4. After 3 s more (anything late or twice arrives then), Vigil is stopped gracefully and the
 *     database read: each notice (when it was written, after its event) and its delivery rows
 *     (delivered, failed, waiting, retried; delivered_at − the event p50 / max), the subscribers'
 *     failed_deliveries; and the warnings and errors in Vigil's log.
 *
 * --receiver-delay-ms: both receivers answer each notice this much later (a slow mail server, a
 * slow webhook); receipts are timed on arrival. BENCH_DUMP=<prefix>: every receipt (event, kind,
 * subscriber, ms after the event, Message-ID / X-Vigil-Delivery) as `<prefix>-<db>-<run>.tsv`.
 *
 *   npm run bench:subscribers -- [--db=pglite (default)|postgres|both] [--email=1000] [--webhook=1000]
 *     [--receiver-delay-ms=0] [--runs=1] [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--cpu-prof]
 *
 * --cpu-prof: the measured Vigil runs with `node --cpu-prof` (read the profile with
 * bench/cpuprofile-summary.ts; each phase's progress line says the seconds it spans after Vigil's start).
 *
 * Markdown tables on stdout (with --runs > 1 also the medians), progress on stderr, details in
 * bench/results/subscribers-<time>.json, Vigil's logs beside it. Exit code 1 when a subscriber
 * missed a notice or got one twice, a signature or thread was wrong, or a delivery row is not
 * delivered.
 */
import { apiOf } from './support/api.ts';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { cpuDelta, postgresCpu } from './checks/database.ts';
import { cleanupAll, cleanUpOnSignals } from './support/cleanup.ts';
import { type BenchDatabase, createBenchDatabase, postgresVersion, usePostgres } from './support/databases.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { allProcesses, machineCpu, machineCpuPercent, processCpuSeconds } from './support/proc.ts';
import { startFlagsOf, startVigil, stopGracefully, type VigilProcess } from './support/processes.ts';
import { cell, codeState, machineInfo, median, progress, RESULTS_DIR, round } from './support/report.ts';
import { sleep, withTimeout } from './support/waits.ts';

type Db = 'pglite' | 'postgres';
type Via = 'email' | 'webhook';
const PHASES = ['incident.started', 'incident.updated', 'incident.resolved'] as const;
type Phase = (typeof PHASES)[number];

const SLUG = 'acme';
/** A phase gives up when nothing new arrived for this long (or after PHASE_MAX_MS in all). */
const QUIET_MS = 60_000;
const PHASE_MAX_MS = 600_000;

const options = optionsOrExit((argv) => {
  const flags = parseFlags(argv, ['db', 'email', 'webhook', 'receiver-delay-ms', 'runs', 'pg-url', 'cpu-prof', 'help'], import.meta.url);
  const number = (name: string, fallback: number, min: number, max: number) => {
    const n = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} takes a whole number from ${min} to ${max}`);
    return n;
  };
  // A page takes at most 10,000 subscribers (SUBSCRIPTION_LIMITS.perPage).
  const email = number('email', 1000, 0, 10_000);
  const webhook = number('webhook', 1000, 0, 10_000);
  if (email + webhook === 0) throw new Error('--email and --webhook: at least one subscriber');
  if (email + webhook > 10_000) throw new Error('--email + --webhook: at most 10,000 (a page’s most)');
  return {
    dbs: dbKinds(flags, 'pglite'),
    email,
    webhook,
    receiverDelayMs: number('receiver-delay-ms', 0, 0, 60_000),
    runs: number('runs', 1, 1, 20),
    pgUrl: localPgUrl(flags),
    cpuProf: flags.has('cpu-prof'),
  };
});
usePostgres(options.pgUrl);
cleanUpOnSignals('stopping Vigil, dropping the bench database');

// ─── Receivers (this process) ────────────────────────────────────────────────────────────────────

interface Receipt {
  via: Via;
  /** The subscriber's number: `sub-<n>@bench.test`, `/hook/<n>` (0: subscribed through the API); -1: someone else. */
  n: number;
  /** X-Vigil-Event / the body's `type`. */
  event: string;
  /** Date.now() when the message (DATA) or the request body had arrived. */
  at: number;
  /** Message-ID or X-Vigil-Delivery. */
  id: string;
  inReplyTo: string | null;
  /** The webhook body's notice.occurredAt. */
  occurredAt: number | null;
  /** Whether X-Vigil-Signature is the HMAC of the body with the subscriber's secret (webhooks). */
  signed: boolean | null;
}

/** Receipts as they come, and per `event via n` the first. */
class Ledger {
  readonly all: Receipt[] = [];
  readonly firsts = new Map<string, Receipt>();
  /** Distinct subscribers told each event, by event. */
  readonly distinct = new Map<string, number>();
  lastAt = 0;

  add(r: Receipt): void {
    this.all.push(r);
    this.lastAt = r.at;
    const key = `${r.event} ${r.via} ${r.n}`;
    if (this.firsts.has(key)) return;
    this.firsts.set(key, r);
    this.distinct.set(r.event, (this.distinct.get(r.event) ?? 0) + 1);
  }
}

function headersOf(raw: string): Map<string, string> {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** An SMTP server that keeps only what the bench counts; confirmation mails are kept whole (their link is followed). */
async function startMailReceiver(ledger: Ledger, delayMs: number) {
  const confirmations: { to: string; raw: Buffer }[] = [];
  const server = new SMTPServer({
    secure: false,
    hideSTARTTLS: true,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    size: 1024 * 1024,
    closeTimeout: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const at = Date.now();
        const raw = Buffer.concat(chunks);
        const headers = headersOf(raw.subarray(0, 16_384).toString('latin1'));
        const to = session.envelope.rcptTo[0]?.address ?? '';
        const event = headers.get('x-vigil-event') ?? '(none)';
        if (event === 'subscription.confirm') {
          confirmations.push({ to, raw });
          callback(null, 'OK');
          return;
        }
        const n = /^sub-(\d+)@bench\.test$/.exec(to);
        ledger.add({
          via: 'email',
          n: n ? Number(n[1]) : -1,
          event,
          at,
          id: headers.get('message-id') ?? '(none)',
          inReplyTo: headers.get('in-reply-to') ?? null,
          occurredAt: null,
          signed: null,
        });
        if (delayMs > 0) setTimeout(() => callback(null, 'OK'), delayMs);
        else callback(null, 'OK');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    confirmations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The subscribers' webhooks: echoes challenges (keeping the secret they carry), checks and times notices. */
async function startHookReceiver(ledger: Ledger, delayMs: number) {
  /** Secrets by subscriber number: the bench's own for inserted rows, the challenge's for the API's. */
  const secrets = new Map<number, string>();
  const challenges: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const raw = Buffer.concat(chunks).toString('utf8');
      const n = Number(/^\/hook\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      let body: any;
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400).end('not JSON');
        return;
      }
      if (body.type === 'subscription.confirm') {
        challenges.push(n);
        if (typeof body.secret === 'string') secrets.set(n, body.secret);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(String(body.challenge));
        return;
      }
      const secret = secrets.get(n) ?? hookSecret(n);
      const signature = req.headers['x-vigil-signature'];
      ledger.add({
        via: 'webhook',
        n,
        event: String(body.type),
        at,
        id: String(req.headers['x-vigil-delivery'] ?? '(none)'),
        inReplyTo: null,
        occurredAt: body.notice?.occurredAt ? Date.parse(body.notice.occurredAt) : null,
        signed: signature === `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
      });
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (n: number) => `http://127.0.0.1:${port}/hook/${n}`,
    challenges,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The secret of an inserted webhook subscriber: this prefix and its number. */
const SECRET_PREFIX = 'bench-secret-';
const hookSecret = (n: number) => `${SECRET_PREFIX}${n}`;

/** What the endpoint checks: every path answers `status`. */
async function startTarget() {
  const state = { status: 200, requests: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    state.requests++;
    res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status === 200 ? 'ok' : 'unavailable');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/payments/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ─── Results ─────────────────────────────────────────────────────────────────────────────────────

interface Latency {
  n: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

interface PhaseResult {
  db: Db;
  run: number;
  phase: Phase;
  expected: number;
  /** Subscribers told, once each. */
  received: number;
  missing: number;
  /** Receipts beyond the first of a subscriber and event (after the 3 s wait at the end). */
  duplicates: number;
  /** The same Message-ID or X-Vigil-Delivery twice. */
  duplicateIds: number;
  /** Receipts for no subscriber of the bench. */
  unexpected: number;
  badSignatures: number;
  /** Email: an update or a resolution whose In-Reply-To is not the start's Message-ID. */
  threadBreaks: number;
  /** Webhooks: the largest |notice.occurredAt − the event time|, ms. */
  noticeTimeOffsetMs: number | null;
  latency: Record<'all' | Via, Latency>;
  /** The first receipt after the event, ms. */
  firstMs: number | null;
  /** The last subscriber's first receipt after the event, ms (= latency max). */
  allMs: number | null;
  /** Receipts per second from the first to the last. */
  deliveriesPerS: number | null;
  wallS: number;
  vigilCpuPercent: number | null;
  vigilCpuS: number | null;
  vigilCpuMsPerDelivery: number | null;
  vigilRssMb: { peak: number | null; mean: number | null };
  postgresCpuPercent: number | null;
  benchCpuPercent: number | null;
  machineCpuPercent: number | null;
  /** Every other process on the machine (100 % = one core), and the busiest of them by command name. */
  otherCpuPercent: number | null;
  otherTop: string[];
  /** The event's time as Vigil gave it (ISO), and when the bench's request for it was sent and answered (ms after the event). */
  eventAt: string;
  requestSentMs: number;
  requestAnsweredMs: number;
}

interface NoticeRow {
  kind: string;
  /** status_page_notices.created_at − occurred_at, ms. */
  writtenAfterMs: number | null;
  rows: number;
  delivered: number;
  failed: number;
  waiting: number;
  retried: number;
  maxAttempts: number;
  /** delivered_at − occurred_at, ms. */
  deliveredP50Ms: number | null;
  deliveredMaxMs: number | null;
  errors: string[];
}

interface RunResult {
  db: Db;
  run: number;
  setup: { apiSubscribers: number; inserted: number; insertMs: number; vigilReadyMs: number };
  phases: PhaseResult[];
  notices: NoticeRow[];
  subscribers: { total: number; confirmed: number; withDelivery: number; failedDeliveries: number };
  stop: { code: number | null; ms: number; signal: string | null };
  log: { warnings: number; errors: number; samples: string[] };
  /** Receipts after the last phase was complete (late, twice or unasked). */
  lateReceipts: number;
}

const quantile = (sorted: number[], p: number) =>
  sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;

function latencyOf(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? null };
}

function rssMb(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** Warnings and errors in a pino log (JSON lines): how many, and the first few messages. */
function logTrouble(files: string[]) {
  let warnings = 0;
  let errors = 0;
  const samples: string[] = [];
  for (const file of files) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
      if (level < 40) continue;
      if (level >= 50) errors++;
      else warnings++;
      if (samples.length < 5) samples.push(line.slice(0, 300));
    }
  }
  return { warnings, errors, samples };
}

// ─── One run on one database ─────────────────────────────────────────────────────────────────────

async function runOnce(db: Db, run: number, stamp: string): Promise<RunResult> {
  const ledger = new Ledger();
  const mail = await startMailReceiver(ledger, options.receiverDelayMs);
  const hooks = await startHookReceiver(ledger, options.receiverDelayMs);
  const target = await startTarget();
  const database: BenchDatabase = await createBenchDatabase(db, 'vigil-subscribers-bench-');
  let vigil: VigilProcess | undefined;
  const env = {
    ...database.env,
    SMTP_URL: `smtp://127.0.0.1:${mail.port}?security=none`,
    SMTP_FROM: 'Acme Status <status@bench.test>',
    ALLOWED_TARGETS: '127.0.0.1',
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logs = [join(RESULTS_DIR, `subscribers-${stamp}-${db}-${run}-setup.log`), join(RESULTS_DIR, `subscribers-${stamp}-${db}-${run}.log`)];
  const vigilArgs = [...startFlagsOf('.'), '--import', 'tsx', 'server/main.ts'];
  try {
    // ── 1. the endpoint, the page and a subscriber of each kind through the API ──
    vigil = await startVigil(vigilArgs, env, logs[0]);
    let api = apiOf(vigil.base);
    const endpoint = await api<{ id: string }>(
      'POST',
      '/api/endpoints',
      { name: 'Payments API', url: target.url, intervalSeconds: 3600, paused: true, failureThreshold: 1, recoveryThreshold: 1 },
      201,
    );
    const page = await api<{ id: string }>(
      'POST',
      '/api/status-pages',
      {
        slug: SLUG,
        title: 'Acme Status',
        sections: [{ name: 'Payments', endpointIds: [endpoint.id] }],
        subscriptions: { email: true, webhook: true },
      },
      201,
    );
    let apiSubscribers = 0;
    if (options.webhook > 0) {
      await api('POST', `/status/${SLUG}/subscribe`, { webhookUrl: hooks.url(0) }, 201);
      if (!hooks.challenges.includes(0)) throw new Error('the webhook subscribed without its challenge');
      apiSubscribers++;
    }
    if (options.email > 0) {
      await api('POST', `/status/${SLUG}/subscribe`, { email: 'sub-0@bench.test' }, 202);
      const confirmation = await withTimeout(
        (async () => {
          for (;;) {
            const found = mail.confirmations.find((c) => c.to === 'sub-0@bench.test');
            if (found) return found;
            await sleep(20);
          }
        })(),
        10_000,
        'the confirmation mail',
      );
      const parsed = await simpleParser(confirmation.raw);
      const token = /\/subscription\?token=([\w-]+)/.exec(parsed.text ?? '')?.[1];
      if (!token) throw new Error(`no link in the confirmation mail: ${parsed.text}`);
      const confirmed = await fetch(`${vigil.base}/status/${SLUG}/confirm?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      });
      if (confirmed.status !== 200) throw new Error(`confirming answered ${confirmed.status}`);
      apiSubscribers++;
    }
    const listed = await api<{ items: { confirmedAt: string | null }[] }>('GET', `/api/status-pages/${page.id}/subscribers`);
    if (listed.items.filter((s) => s.confirmedAt !== null).length !== apiSubscribers) {
      throw new Error(`the API subscribed ${JSON.stringify(listed.items)}, not ${apiSubscribers} confirmed`);
    }
    const origin = vigil.base;
    await stopGracefully(vigil.child);
    vigil = undefined;

    // ── 2. the others, inserted (Vigil stopped: PGlite is one process's) ──
    const t0 = Date.now();
    const inserted = await database.direct(async (query) => {
      const common = `'${page.id}', 'en', 'bench-' || md5(random()::text || i), null, '${origin}', now() - interval '1 hour', now() - interval '1 hour', 0`;
      const columns = 'id, page_id, language, token, access_key, origin, created_at, confirmed_at, failed_deliveries, kind, target, secret';
      if (options.email > 1) {
        await query(`insert into status_page_subscribers (${columns})
          select gen_random_uuid(), ${common}, 'email', 'sub-' || i || '@bench.test', null from generate_series(1, ${options.email - 1}) as i`);
      }
      if (options.webhook > 1) {
        await query(`insert into status_page_subscribers (${columns})
          select gen_random_uuid(), ${common}, 'webhook', 'http://127.0.0.1:${hooks.port}/hook/' || i, '${SECRET_PREFIX}' || i
          from generate_series(1, ${options.webhook - 1}) as i`);
      }
      if (db === 'postgres') await query('analyze status_page_subscribers');
      const [row] = await query(`select count(*) filter (where kind = 'email')::int as email, count(*) filter (where kind = 'webhook')::int as webhook,
          count(*) filter (where confirmed_at is not null)::int as confirmed from status_page_subscribers`);
      return row as { email: number; webhook: number; confirmed: number };
    });
    const insertMs = Date.now() - t0;
    if (inserted.email !== options.email || inserted.webhook !== options.webhook || inserted.confirmed !== options.email + options.webhook) {
      throw new Error(`subscribers in the database: ${JSON.stringify(inserted)}`);
    }
    progress(
      `${db} run ${run}: ${options.email} email and ${options.webhook} webhook subscribers (${apiSubscribers} through the API), inserted in ${insertMs} ms`,
    );

    // ── 3. the phases ──
    const readyFrom = Date.now();
    const profDir = join(RESULTS_DIR, `subscribers-${stamp}-${db}-${run}-cpuprofile`);
    const prof = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
    vigil = await startVigil([...prof, ...vigilArgs], env, logs[1]);
    if (options.cpuProf) progress(`${db} run ${run}: Vigil's CPU profile goes to ${profDir} (written at its exit)`);
    const vigilReadyMs = Date.now() - readyFrom;
    api = apiOf(vigil.base);
    await sleep(2000);
    const expected = new Set<string>();
    for (let n = 0; n < options.email; n++) expected.add(`email ${n}`);
    for (let n = 0; n < options.webhook; n++) expected.add(`webhook ${n}`);
    const pid = vigil.pid;
    const pgName = db === 'postgres' ? database.label : null;
    const cpuNow = async () => ({
      at: Date.now(),
      vigil: processCpuSeconds(pid),
      bench: process.cpuUsage(),
      machine: machineCpu(),
      pg: pgName ? await postgresCpu(pgName) : null,
      processes: allProcesses(),
    });
    let incidentId = '';
    const acts: Record<Phase, () => Promise<string>> = {
      'incident.started': async () => {
        target.state.status = 503;
        const check = await api<{ status: string; checkedAt: string }>('POST', `/api/endpoints/${endpoint.id}/check`);
        if (check.status !== 'DOWN') throw new Error(`the check answered ${check.status}, not DOWN`);
        return check.checkedAt;
      },
      'incident.updated': async () => {
        const incidents = await api<{ items: { id: string; resolvedAt: string | null }[] }>('GET', `/api/incidents?endpointId=${endpoint.id}`);
        const open = incidents.items.find((i) => i.resolvedAt === null);
        if (!open) throw new Error(`no open incident: ${JSON.stringify(incidents.items)}`);
        incidentId = open.id;
        const update = await api<{ createdAt: string }>(
          'POST',
          `/api/incidents/${incidentId}/updates`,
          { state: 'identified', message: 'Card payments fail at our payment provider; we are switching to the backup provider.' },
          201,
        );
        return update.createdAt;
      },
      'incident.resolved': async () => {
        target.state.status = 200;
        const check = await api<{ status: string; checkedAt: string }>('POST', `/api/endpoints/${endpoint.id}/check`);
        if (check.status !== 'UP') throw new Error(`the check answered ${check.status}, not UP`);
        return check.checkedAt;
      },
    };
    const phases: PhaseResult[] = [];
    for (const phase of PHASES) {
      const before = await cpuNow();
      const rss: number[] = [];
      const sampler = setInterval(() => {
        const mb = rssMb(pid);
        if (mb !== null) rss.push(mb);
      }, 100);
      const sentAt = Date.now();
      const eventIso = await acts[phase]();
      const answeredAt = Date.now();
      const eventAt = Date.parse(eventIso);
      // Every subscriber told, or nothing new for QUIET_MS.
      const started = Date.now();
      let seen = -1;
      let news = Date.now();
      for (;;) {
        const got = ledger.distinct.get(phase) ?? 0;
        if (got >= expected.size) break;
        if (got !== seen) {
          seen = got;
          news = Date.now();
        }
        if (Date.now() - news > QUIET_MS || Date.now() - started > PHASE_MAX_MS) {
          progress(`${db} run ${run} ${phase}: gave up waiting: ${got} of ${expected.size} subscribers told`);
          break;
        }
        await sleep(10);
      }
      const after = await cpuNow();
      clearInterval(sampler);
      const mine = [...ledger.firsts.values()].filter((r) => r.event === phase && r.n >= 0);
      const lat = (via?: Via) => latencyOf(mine.filter((r) => via === undefined || r.via === via).map((r) => r.at - eventAt));
      const all = lat();
      const first = mine.reduce((m, r) => Math.min(m, r.at), Number.POSITIVE_INFINITY);
      const last = mine.reduce((m, r) => Math.max(m, r.at), 0);
      // The window: from just before the event to just after the last receipt was seen (≤ 10 ms, and the reading's own time), or the give-up.
      const wallS = (after.at - before.at) / 1000;
      const cpuS = before.vigil !== null && after.vigil !== null ? after.vigil - before.vigil : null;
      // Everything else the machine ran meanwhile, by command name (a process born in the window counts from its first sight).
      const ours = new Set([pid, process.pid, ...(after.pg?.backends.keys() ?? [])]);
      const others = new Map<string, number>();
      for (const [p, stat] of after.processes) {
        if (ours.has(p)) continue;
        const delta = stat.cpuS - (before.processes.get(p)?.cpuS ?? stat.cpuS);
        if (delta > 0) others.set(stat.comm, (others.get(stat.comm) ?? 0) + delta);
      }
      const otherS = [...others.values()].reduce((a, b) => a + b, 0);
      const offsets = mine.filter((r) => r.occurredAt !== null).map((r) => Math.abs(r.occurredAt! - eventAt));
      const result: PhaseResult = {
        db,
        run,
        phase,
        expected: expected.size,
        received: mine.filter((r) => expected.has(`${r.via} ${r.n}`)).length,
        missing: 0,
        duplicates: 0,
        duplicateIds: 0,
        unexpected: 0,
        badSignatures: 0,
        threadBreaks: 0,
        noticeTimeOffsetMs: offsets.length ? Math.max(...offsets) : null,
        latency: { all, email: lat('email'), webhook: lat('webhook') },
        firstMs: mine.length ? first - eventAt : null,
        allMs: all.max,
        deliveriesPerS: mine.length > 1 && last > first ? round(mine.length / ((last - first) / 1000), 0) : null,
        wallS: round(wallS, 2)!,
        vigilCpuPercent: cpuS === null ? null : round((cpuS / wallS) * 100),
        vigilCpuS: round(cpuS, 2),
        vigilCpuMsPerDelivery: cpuS === null || mine.length === 0 ? null : round((cpuS * 1000) / mine.length, 2),
        vigilRssMb: { peak: rss.length ? Math.max(...rss) : null, mean: rss.length ? Math.round(rss.reduce((a, b) => a + b, 0) / rss.length) : null },
        postgresCpuPercent: before.pg && after.pg ? round((cpuDelta(before.pg.backends, after.pg.backends) / wallS) * 100) : null,
        benchCpuPercent: round(((after.bench.user + after.bench.system - before.bench.user - before.bench.system) / 1e6 / wallS) * 100),
        machineCpuPercent: machineCpuPercent(before.machine, after.machine),
        otherCpuPercent: round((otherS / wallS) * 100),
        otherTop: [...others.entries()]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([comm, cpu]) => `${comm} ${round((cpu / wallS) * 100)} %`),
        eventAt: eventIso,
        requestSentMs: sentAt - eventAt,
        requestAnsweredMs: answeredAt - eventAt,
      };
      phases.push(result);
      progress(
        `${db} run ${run} ${phase}: ${result.received} of ${expected.size} told; first after ${result.firstMs} ms, p50 ${all.p50} p99 ${all.p99} max ${all.max} ms ` +
          `(email ${result.latency.email.p50}/${result.latency.email.p99}/${result.latency.email.max}, webhook ${result.latency.webhook.p50}/${result.latency.webhook.p99}/${result.latency.webhook.max}); ` +
          `${result.deliveriesPerS}/s; Vigil CPU ${result.vigilCpuPercent} % (${result.vigilCpuMsPerDelivery} ms per delivery), RSS peak ${result.vigilRssMb.peak} MB; ` +
          `PostgreSQL ${result.postgresCpuPercent} %, bench ${result.benchCpuPercent} %, machine ${result.machineCpuPercent} %, other ${result.otherCpuPercent} % (${result.otherTop.join(', ')}); ` +
          `the request for the event answered ${result.requestAnsweredMs} ms after it; notice time off by at most ${result.noticeTimeOffsetMs} ms; ` +
          `${round((before.at - readyFrom) / 1000)}–${round((after.at - readyFrom) / 1000)} s after Vigil's start`,
      );
      await sleep(1000);
    }

    // ── 4. anything late or twice, then the database ──
    const receiptsBefore = ledger.all.length;
    await sleep(3000);
    const lateReceipts = ledger.all.length - receiptsBefore;
    const startedIds = new Map<number, string>();
    for (const r of ledger.firsts.values()) if (r.via === 'email' && r.event === 'incident.started') startedIds.set(r.n, r.id);
    for (const p of phases) {
      const receipts = ledger.all.filter((r) => r.event === p.phase);
      const firsts = [...ledger.firsts.values()].filter((r) => r.event === p.phase);
      const told = new Set(firsts.filter((r) => expected.has(`${r.via} ${r.n}`)).map((r) => `${r.via} ${r.n}`));
      p.missing = expected.size - told.size;
      p.duplicates = receipts.length - firsts.length;
      const ids = new Set(receipts.map((r) => `${r.via} ${r.id}`));
      p.duplicateIds = receipts.length - ids.size;
      p.unexpected = receipts.filter((r) => !expected.has(`${r.via} ${r.n}`)).length;
      p.badSignatures = receipts.filter((r) => r.signed === false).length;
      p.threadBreaks =
        p.phase === 'incident.started' ? 0 : receipts.filter((r) => r.via === 'email' && (r.inReplyTo === null || r.inReplyTo !== startedIds.get(r.n))).length;
    }
    if (process.env.BENCH_DUMP) {
      const eventAt = new Map(phases.map((p) => [p.phase as string, Date.parse(p.eventAt)]));
      writeFileSync(
        `${process.env.BENCH_DUMP}-${db}-${run}.tsv`,
        ledger.all.map((r) => [r.event, r.via, r.n, r.at - (eventAt.get(r.event) ?? 0), r.id].join('\t')).join('\n'),
      );
    }
    const others = ledger.all.filter((r) => !(PHASES as readonly string[]).includes(r.event));
    if (others.length > 0) progress(`${db} run ${run}: ${others.length} receipts of other events: ${[...new Set(others.map((r) => r.event))].join(', ')}`);
    const stop = await stopGracefully(vigil.child);
    vigil = undefined;
    progress(`${db} run ${run}: Vigil stopped (code ${stop.code}, ${stop.ms} ms)`);
    const { notices, subscribers } = await database.direct(async (query) => {
      const rows = await query(`
        select n.notice->>'kind' as kind,
          round(extract(epoch from n.created_at - n.occurred_at) * 1000)::int as written_after_ms,
          count(d.id)::int as rows,
          count(d.delivered_at)::int as delivered,
          count(d.failed_at)::int as failed,
          (count(d.id) filter (where d.delivered_at is null and d.failed_at is null))::int as waiting,
          (count(d.id) filter (where d.attempts > 1))::int as retried,
          coalesce(max(d.attempts), 0)::int as max_attempts,
          round((percentile_cont(0.5) within group (order by extract(epoch from d.delivered_at - n.occurred_at)))::numeric * 1000)::int as delivered_p50_ms,
          round(max(extract(epoch from d.delivered_at - n.occurred_at))::numeric * 1000)::int as delivered_max_ms,
          coalesce(string_agg(distinct d.last_error, ' | '), '') as errors
        from status_page_notices n left join status_page_deliveries d on d.notice_id = n.id
        group by n.id, n.notice->>'kind', n.created_at, n.occurred_at
        order by n.occurred_at`);
      const [subs] = await query(`select count(*)::int as total, count(confirmed_at)::int as confirmed, count(last_delivered_at)::int as with_delivery,
          coalesce(sum(failed_deliveries), 0)::int as failed_deliveries from status_page_subscribers`);
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      return {
        notices: rows.map(
          (r): NoticeRow => ({
            kind: String(r.kind),
            writtenAfterMs: num(r.written_after_ms),
            rows: Number(r.rows),
            delivered: Number(r.delivered),
            failed: Number(r.failed),
            waiting: Number(r.waiting),
            retried: Number(r.retried),
            maxAttempts: Number(r.max_attempts),
            deliveredP50Ms: num(r.delivered_p50_ms),
            deliveredMaxMs: num(r.delivered_max_ms),
            errors: String(r.errors ?? '')
              .split(' | ')
              .filter(Boolean)
              .slice(0, 5),
          }),
        ),
        subscribers: {
          total: Number(subs?.total),
          confirmed: Number(subs?.confirmed),
          withDelivery: Number(subs?.with_delivery),
          failedDeliveries: Number(subs?.failed_deliveries),
        },
      };
    });
    progress(`${db} run ${run}: notices ${JSON.stringify(notices)}; subscribers ${JSON.stringify(subscribers)}`);
    const log = logTrouble(logs);
    if (log.warnings + log.errors > 0) progress(`${db} run ${run}: Vigil logged ${log.warnings} warnings and ${log.errors} errors: ${log.samples.join('\n')}`);
    return {
      db,
      run,
      setup: { apiSubscribers, inserted: options.email + options.webhook - apiSubscribers, insertMs, vigilReadyMs },
      phases,
      notices,
      subscribers,
      stop: { code: stop.code, ms: stop.ms, signal: stop.signal },
      log,
      lateReceipts,
    };
  } finally {
    if (vigil) await stopGracefully(vigil.child);
    await database.dispose();
    await Promise.all([mail.close(), hooks.close(), target.close()]);
  }
}

// ─── Run and report ──────────────────────────────────────────────────────────────────────────────

const code = codeState();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const results: RunResult[] = [];
let pgVersion: string | null = null;
try {
  for (const db of options.dbs) {
    if (db === 'postgres') pgVersion = await postgresVersion();
    for (let run = 1; run <= options.runs; run++) results.push(await runOnce(db, run, stamp));
  }
} finally {
  await cleanupAll();
}

const name = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL');
const short = (phase: string) => phase.replace('incident.', '');
const triple = (l: { p50: number | null; p99: number | null; max: number | null }) => `${cell(l.p50)} / ${cell(l.p99)} / ${cell(l.max)}`;
console.log(
  `\nStatus page subscribers (${new Date().toISOString()}, commit ${code.commit}${code.uncommittedFiles ? ` + ${code.uncommittedFiles} uncommitted files` : ''}; ` +
    `${options.email} email and ${options.webhook} webhook subscribers on one page, receivers answering after ${options.receiverDelayMs} ms; ${options.runs} run(s))\n`,
);
console.log(
  "Per phase (latency: a subscriber's first receipt − the event's time, the check's checkedAt or the update's createdAt; CPU from just before the event to the last receipt):\n",
);
const header =
  '| database | run | phase | told / subscribers | first receipt ms | latency p50 / p99 / max ms | deliveries/s | Vigil CPU % | Vigil CPU ms / delivery | Vigil RSS peak / mean MB | PostgreSQL CPU % | bench CPU % | other CPU % | missing / duplicates |';
const rule = '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
console.log(header);
console.log(rule);
const phaseRow = (db: Db, run: string, phase: string, v: (f: (p: PhaseResult) => number | null) => string) =>
  `| ${name(db)} | ${run} | ${short(phase)} | ${v((p) => p.received)} / ${v((p) => p.expected)} | ${v((p) => p.firstMs)} | ` +
  `${v((p) => p.latency.all.p50)} / ${v((p) => p.latency.all.p99)} / ${v((p) => p.latency.all.max)} | ${v((p) => p.deliveriesPerS)} | ` +
  `${v((p) => p.vigilCpuPercent)} | ${v((p) => p.vigilCpuMsPerDelivery)} | ${v((p) => p.vigilRssMb.peak)} / ${v((p) => p.vigilRssMb.mean)} | ` +
  `${v((p) => p.postgresCpuPercent)} | ${v((p) => p.benchCpuPercent)} | ${v((p) => p.otherCpuPercent)} | ${v((p) => p.missing)} / ${v((p) => p.duplicates)} |`;
for (const r of results) for (const p of r.phases) console.log(phaseRow(r.db, String(r.run), p.phase, (f) => cell(f(p))));
const medianOf = (db: Db, phase: Phase) => results.filter((r) => r.db === db).flatMap((r) => r.phases.filter((p) => p.phase === phase));
if (options.runs > 1) {
  console.log(`\nMedians of ${options.runs} runs (each column on its own):\n`);
  console.log(header);
  console.log(rule);
  for (const db of options.dbs) {
    for (const phase of PHASES) {
      const ps = medianOf(db, phase);
      if (ps.length > 0) console.log(phaseRow(db, 'median', phase, (f) => cell(round(median(ps.map(f)), 1))));
    }
  }
}
console.log('\nBy kind (latency p50 / p99 / max ms):\n');
console.log('| database | run | phase | email | webhook |');
console.log('| --- | ---: | --- | ---: | ---: |');
for (const r of results) {
  for (const p of r.phases) console.log(`| ${name(r.db)} | ${r.run} | ${short(p.phase)} | ${triple(p.latency.email)} | ${triple(p.latency.webhook)} |`);
}
if (options.runs > 1) {
  for (const db of options.dbs) {
    for (const phase of PHASES) {
      const ps = medianOf(db, phase);
      const m = (via: Via) => ({
        p50: round(median(ps.map((p) => p.latency[via].p50)), 1),
        p99: round(median(ps.map((p) => p.latency[via].p99)), 1),
        max: round(median(ps.map((p) => p.latency[via].max)), 1),
      });
      if (ps.length > 0) console.log(`| ${name(db)} | median | ${short(phase)} | ${triple(m('email'))} | ${triple(m('webhook'))} |`);
    }
  }
}
console.log('\nThe database after a graceful stop (delivered_at − the event, as Vigil wrote it):\n');
console.log('| database | run | notice | written after the event ms | delivery rows | delivered | failed | waiting | retried | delivered p50 / max ms |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  for (const n of r.notices) {
    console.log(
      `| ${name(r.db)} | ${r.run} | ${short(n.kind)} | ${cell(n.writtenAfterMs)} | ${n.rows} | ${n.delivered} | ${n.failed} | ${n.waiting} | ${n.retried} | ${cell(n.deliveredP50Ms)} / ${cell(n.deliveredMaxMs)} |`,
    );
  }
}
console.log('\nChecks:\n');
console.log(
  '| database | run | unexpected receipts | same Message-ID / X-Vigil-Delivery twice | bad signatures | broken email threads | webhook notice time − event, max ms | late receipts | subscribers with a delivery / failed deliveries | Vigil warnings / errors | graceful stop ms |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  const sum = (f: (p: PhaseResult) => number) => r.phases.reduce((n, p) => n + f(p), 0);
  const offset = Math.max(...r.phases.map((p) => p.noticeTimeOffsetMs ?? 0));
  console.log(
    `| ${name(r.db)} | ${r.run} | ${sum((p) => p.unexpected)} | ${sum((p) => p.duplicateIds)} | ${sum((p) => p.badSignatures)} | ${sum((p) => p.threadBreaks)} | ${offset} | ` +
      `${r.lateReceipts} | ${r.subscribers.withDelivery} of ${r.subscribers.total} / ${r.subscribers.failedDeliveries} | ${r.log.warnings} / ${r.log.errors} | ${r.stop.ms} |`,
  );
}
const file = join(RESULTS_DIR, `subscribers-${stamp}.json`);
const machine = machineInfo();
machine.postgres = pgVersion;
mkdirSync(RESULTS_DIR, { recursive: true });
writeFileSync(file, JSON.stringify({ machine, options, argv: process.argv.slice(2), results }, null, 2));
progress(`details: ${file}`);
const expectedNotices = PHASES.length;
const broken = results.some(
  (r) =>
    r.lateReceipts > 0 ||
    r.notices.length !== expectedNotices ||
    r.notices.some((n) => n.rows !== options.email + options.webhook || n.delivered !== n.rows) ||
    r.phases.some((p) => p.missing > 0 || p.duplicates > 0 || p.duplicateIds > 0 || p.unexpected > 0 || p.badSignatures > 0 || p.threadBreaks > 0),
);
process.exit(broken ? 1 : 0);
