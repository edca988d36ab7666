/**
 * Notifications: from a state change to the provider's request, and the outbox's throughput.
 *
 * Vigil runs as a child process (PGlite, or a throwaway PostgreSQL database) with N push endpoints
 * and C channels of the provider types that have no rate limit of their own (minIntervalMs 0:
 * webhook, ntfy, gotify, then more webhooks), so that the pipeline is measured, not a provider's
 * limit. Every channel covers every endpoint, events down and recovered, and points at the local
 * receivers of test/support/provider-receivers.ts (in this process). The bench changes states by
 * pinging the endpoints in turn: `POST /api/push/<token>/fail` makes one DOWN at once
 * (failureThreshold 1), a plain ping makes it UP again; each ping is one state change, and so one
 * notification per channel.
 *
 *  1. steady: --rate changes a second for --seconds, groupSeconds 0. Latency: the receiver's arrival
 *     time minus the check's `checkedAt` (the notice's `at`, from the webhooks' bodies; ntfy and
 *     Gotify messages are matched to the same change by endpoint, event and order), p50/p99/max per
 *     channel and overall, leaving out the first --warmup seconds. Every notification must arrive,
 *     once.
 *  2. burst: --burst changes as fast as Vigil takes them (rounds of one ping per endpoint, each round
 *     once the last is answered), groupSeconds 0: notifications delivered per second from the first
 *     ping to the last arrival, and how long the outbox took to drain after the last ping.
 *  3. grouped: the channels switched to groupSeconds = --group-seconds, --rate for --seconds: messages
 *     sent against notifications carried (flood control).
 * Each phase waits until every channel got all it should (at most 180 s after the last change; a
 * phase that does not drain ends the run on that database), and reports Vigil's CPU (/proc; on
 * PostgreSQL the backends' too) from its start to that moment. A reader of `GET /api/events` (SSE)
 * splits the latency at each change's `endpoint:status-changed` (published after the commit, when
 * the dispatcher is handed the notification). After the phases Vigil is stopped gracefully (60 s at
 * most) and the outbox is read: rows delivered and left waiting, and what the thread lookup of a
 * recovered notification costs (EXPLAIN ANALYZE). Exit code 1 when a notification is missing,
 * duplicated or unasked.
 *
 *   npm run bench:notifications -- [--db=pglite (default)|postgres|both] [--rate=100] [--seconds=30] [--warmup=5]
 *     [--channels=5] [--endpoints=200] [--burst=2000] [--group-seconds=5] [--phases=steady,burst,grouped]
 *     [--pg-url=postgres://postgres@127.0.0.1:5432/postgres] [--cpu-prof]
 *
 * --cpu-prof: Vigil runs with `node --cpu-prof` (bench/cpuprofile-summary.ts reads the profile);
 * BENCH_DUMP=<prefix>: every notification's times (ping sent, checkedAt, arrival, ping answered, SSE
 * event) as `<prefix>-<db>-<phase>.tsv`.
 * Prints Markdown tables on stdout, progress on stderr, details in bench/results/notifications-<time>.json.
 */
import { apiOf } from './support/api.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { type HttpProviderType, type ProviderReceivers, type ReceivedRequest, startProviderReceivers } from '../test/support/provider-receivers.ts';
import { cpuDelta, postgresCpu } from './checks/database.ts';
import { cleanupAll, cleanUpOnSignals } from './support/cleanup.ts';
import { type BenchDatabase, createBenchDatabase, usePostgres } from './support/databases.ts';
import { dbKinds, localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { machineCpu, processCpuSeconds } from './support/proc.ts';
import { startFlagsOf, startVigil, stopGracefully, type VigilProcess } from './support/processes.ts';
import { codeState, machineInfo, progress, RESULTS_DIR } from './support/report.ts';
import { sleep } from './support/waits.ts';

const PHASES = ['steady', 'burst', 'grouped'] as const;
type Phase = (typeof PHASES)[number];
type Db = 'pglite' | 'postgres';

const options = optionsOrExit((argv) => {
  const flags = parseFlags(
    argv,
    ['db', 'rate', 'seconds', 'warmup', 'channels', 'endpoints', 'burst', 'group-seconds', 'phases', 'pg-url', 'cpu-prof', 'help'],
    import.meta.url,
  );
  const number = (name: string, fallback: number, min = 1) => {
    const n = Number(flags.get(name) ?? fallback);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} takes a whole number of at least ${min}`);
    return n;
  };
  const phases = (flags.get('phases') ?? PHASES.join(',')).split(',').filter(Boolean);
  for (const p of phases) if (!PHASES.includes(p as Phase)) throw new Error(`--phases: unknown ${p} (known: ${PHASES.join(', ')})`);
  const groupSeconds = number('group-seconds', 5);
  if (groupSeconds > 300) throw new Error('--group-seconds: at most 300');
  const channels = number('channels', 5);
  if (channels > 50) throw new Error('--channels: at most 50');
  return {
    dbs: dbKinds(flags, 'pglite'),
    rate: number('rate', 100),
    seconds: number('seconds', 30),
    warmup: number('warmup', 5, 0),
    channels,
    endpoints: number('endpoints', 200),
    burst: number('burst', 2000),
    groupSeconds,
    phases: PHASES.filter((p) => phases.includes(p)),
    pgUrl: localPgUrl(flags),
    cpuProf: flags.has('cpu-prof'),
  };
});
usePostgres(options.pgUrl);
cleanUpOnSignals('stopping Vigil, dropping the bench database');

// ─── Channels ────────────────────────────────────────────────────────────────────────────────────

/** Provider types without a rate limit (minIntervalMs 0), in the order channels are made. */
const CHANNEL_TYPES: HttpProviderType[] = ['webhook', 'ntfy', 'gotify'];

interface Channel {
  /** The receiver's name for it: `webhook /signed/vigil`, `ntfy`, `gotify`. */
  label: string;
  type: HttpProviderType;
  id: string;
  /** Per `name event`: how many notifications of that kind arrived, to match the n-th one to the n-th change. */
  seen: Map<string, number>;
  ids: Set<string>;
}

function channelPlan(receivers: ProviderReceivers, count: number) {
  return Array.from({ length: count }, (_, i) => {
    const type = CHANNEL_TYPES[i] ?? 'webhook';
    if (type !== 'webhook') return { label: type, type, config: receivers.configFor(type) };
    // The first webhook is signed (the receiver checks the HMAC), the others are plain, each its own path.
    if (i === 0) return { label: 'webhook /signed/vigil', type, config: receivers.configFor('webhook') };
    return { label: `webhook /plain/${i}`, type, config: { url: `${receivers.url}/webhook/plain/${i}` } };
  });
}

function labelOf(r: ReceivedRequest): string {
  return r.provider === 'webhook' ? `webhook ${r.path}` : r.provider;
}

// ─── Changes and what arrived ────────────────────────────────────────────────────────────────────

interface Change {
  key: string;
  phase: Phase;
  /** Date.now() as the ping went. */
  sentAt: number;
  /** The check's checkedAt (the notice's `at`), once a webhook brought it. */
  checkedAt: number | null;
  /** In the steady phase's warm-up: counted, not in the latency figures. */
  warm: boolean;
  /** Date.now() when Vigil's answer to the ping had arrived. */
  answeredAt: number | null;
  /** Date.now() when its `endpoint:status-changed` came over SSE (published after the commit, when the dispatcher is given it). */
  eventAt: number | null;
}

interface Receipt {
  channel: string;
  phase: Phase;
  /** The change it tells of (null: part of a grouped ntfy/Gotify message, counted only). */
  key: string | null;
  at: number;
  /** A webhook's own notice time (checkedAt). */
  noticeAt: number | null;
}

interface PhaseResult {
  db: Db;
  phase: Phase;
  changes: number;
  changesPerS: number;
  /** Notifications each channel should get. */
  expectedPerChannel: number;
  channels: {
    label: string;
    received: number;
    missing: number;
    duplicates: number;
    unmatched: number;
    messages: number;
    p50: number | null;
    p99: number | null;
    max: number | null;
  }[];
  latency: { samples: number; p50: number | null; p99: number | null; max: number | null };
  /** checkedAt − ping sent (ms), p50 / max: the matching's sanity check and the ping's own time. */
  pingToCheck: { p50: number | null; max: number | null };
  /** Where the time goes (ms, p50 / p99): the ping's answer; checkedAt → its status event over SSE (commit, publish); that event → the receiver. */
  stages: Record<'pingAnswer' | 'checkToEvent' | 'eventToArrival', { p50: number | null; p99: number | null }>;
  /**
   * While a channel has a backlog: the median time between two arrivals on it, by the later one's
   * event (what one message costs its lane; a recovered one looks up its thread first).
   */
  laneGapMs: { down: number | null; recovered: number | null };
  /** Latency p50 / p99 by 5 s of the phase (by when the change was made): does it grow as the outbox does? */
  slices: { fromS: number; n: number; p50: number | null; p99: number | null }[];
  deliveredPerS: number;
  /** From the last ping to the last arrival. */
  drainMs: number;
  wallS: number;
  vigilCpuPercent: number;
  vigilCpuMsPerNotification: number;
  postgresCpuPercent: number | null;
  machineCpuPercent: number;
  /** This process (pinger, SSE reader, the receivers). */
  benchCpuPercent: number;
  messages: number;
  notifications: number;
  pingsNotOk: number;
}

const quantile = (sorted: number[], p: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
const r1 = (n: number | null) => (n === null || !Number.isFinite(n) ? null : Math.round(n * 10) / 10);

// ─── One database ────────────────────────────────────────────────────────────────────────────────

async function runDatabase(db: Db): Promise<{ results: PhaseResult[]; outbox: Record<string, unknown> | null }> {
  const receivers = await startProviderReceivers();
  const database: BenchDatabase = await createBenchDatabase(db, 'vigil-notifications-bench-');
  const results: PhaseResult[] = [];
  let vigil: VigilProcess | undefined;
  let outbox: Record<string, unknown> | null = null;
  try {
    const profDir = join(RESULTS_DIR, `notifications-${stamp}-${db}-cpuprofile`);
    const prof = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
    vigil = await startVigil([...startFlagsOf('.'), ...prof, '--import', 'tsx', 'server/main.ts'], database.env);
    if (options.cpuProf) progress(`${db}: Vigil's CPU profile goes to ${profDir} (written at its exit)`);
    const base = vigil.base;
    const api = apiOf(base);

    // Endpoints: push, no deadline within the run (interval and grace of an hour), DOWN at the first failure.
    progress(`${db}: creating ${options.endpoints} push endpoints and ${options.channels} channels`);
    const endpoints: { id: string; name: string; url: string; down: boolean; downs: number; ups: number; last: Promise<void> }[] = [];
    for (let i = 0; i < options.endpoints; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, options.endpoints - i) }, async (_, j) => {
          const name = `nb-${String(i + j).padStart(4, '0')}`;
          const { id } = await api<{ id: string }>(
            'POST',
            '/api/endpoints',
            { name, type: 'push', intervalSeconds: 3600, graceSeconds: 3600, failureThreshold: 1, recoveryThreshold: 1 },
            201,
          );
          const { pingUrl } = await api<{ pingUrl: string }>('GET', `/api/endpoints/${id}/push-url`);
          return { id, name, url: pingUrl, down: false, downs: 0, ups: 0, last: Promise.resolve() };
        }),
      );
      endpoints.push(...batch);
    }
    const channels = new Map<string, Channel>();
    for (const plan of channelPlan(receivers, options.channels)) {
      const created = await api<{ id: string }>(
        'POST',
        '/api/notification-channels',
        { name: `bench ${plan.label}`, type: plan.type, config: plan.config, events: ['down', 'recovered'], allEndpoints: true, groupSeconds: 0 },
        201,
      );
      channels.set(plan.label, { label: plan.label, type: plan.type, id: created.id, seen: new Map(), ids: new Set() });
    }

    // ─── Pings ───────────────────────────────────────────────────────────────────────────────────
    const changes = new Map<string, Change>();
    // The realtime events over SSE: when each state change was committed and published (the dispatcher gets it then).
    const eventSeen = new Map<string, number>();
    const sse = http.get(`${base}/api/events`, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!block.includes('event: endpoint:status-changed')) continue;
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as { endpointName?: string; currentStatus?: string; previousStatus?: string };
          const event = data.currentStatus === 'DOWN' ? 'down' : data.currentStatus === 'UP' && data.previousStatus === 'DOWN' ? 'recovered' : null;
          if (!event || !data.endpointName) continue;
          const kind = `${data.endpointName} ${event}`;
          const seq = (eventSeen.get(kind) ?? 0) + 1;
          eventSeen.set(kind, seq);
          const change = changes.get(`${kind} ${seq}`);
          if (change) change.eventAt = Date.now();
        }
      });
    });
    sse.on('error', () => {});
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    let pingsNotOk = 0;
    let next = 0;
    /** The next endpoint's next change: its ping goes once its previous one was answered (in order, as a job's would). */
    const ping = (phase: Phase, warm: boolean): Promise<void> => {
      const e = endpoints[next++ % endpoints.length]!;
      const fail = !e.down;
      e.down = fail;
      const event = fail ? 'down' : 'recovered';
      const seq = fail ? ++e.downs : ++e.ups;
      const key = `${e.name} ${event} ${seq}`;
      const change: Change = { key, phase, sentAt: Date.now(), checkedAt: null, warm, answeredAt: null, eventAt: null };
      changes.set(key, change);
      const url = fail ? `${e.url}/fail` : e.url;
      const sent = e.last.then(
        () =>
          new Promise<void>((resolve) => {
            change.sentAt = Date.now();
            const send = (firstTry: boolean) => {
              const req = http.request(url, { agent, method: 'POST', headers: { 'content-length': '0' } }, (res) => {
                res.resume();
                res.on('end', () => {
                  change.answeredAt = Date.now();
                  if (res.statusCode !== 200) pingsNotOk++;
                  resolve();
                });
              });
              req.on('error', (error: Error & { code?: string }) => {
                // A keep-alive socket the server closed as it was reused: once more, fresh.
                if (firstTry && req.reusedSocket && error.code === 'ECONNRESET') send(false);
                else {
                  pingsNotOk++;
                  resolve();
                }
              });
              req.end();
            };
            send(true);
          }),
      );
      e.last = sent;
      return sent;
    };

    // ─── What the receivers got ───────────────────────────────────────────────────────────────────
    const receipts: Receipt[] = [];
    const read = new Map<HttpProviderType, number>();
    const messagesByPhase = new Map<string, number>();
    const unmatched = new Map<string, number>();
    const duplicates = new Map<string, number>();
    /** Notifications arrived, by `phase channel`. */
    const arrived = new Map<string, number>();
    let currentPhase: Phase = 'steady';
    const add = (map: Map<string, number>, key: string, n = 1) => map.set(key, (map.get(key) ?? 0) + n);
    /** Takes in the receivers' new requests: webhooks first, so that their notice times are known. */
    const ingest = () => {
      for (const type of ['webhook', 'ntfy', 'gotify'] as const) {
        const all = receivers.requests(type);
        for (let i = read.get(type) ?? 0; i < all.length; i++) {
          const r = all[i]!;
          const channel = channels.get(labelOf(r));
          if (!channel || r.rejected !== null) {
            add(unmatched, `${currentPhase} ${labelOf(r)}`);
            continue;
          }
          add(messagesByPhase, `${currentPhase} ${channel.label}`);
          const take = (name: string, event: string, noticeAt: number | null, id: string | null) => {
            if (id !== null) {
              if (channel.ids.has(id)) add(duplicates, `${currentPhase} ${channel.label}`);
              channel.ids.add(id);
            }
            const kind = `${name} ${event}`;
            const seq = (channel.seen.get(kind) ?? 0) + 1;
            channel.seen.set(kind, seq);
            const change = changes.get(`${kind} ${seq}`);
            if (!change) {
              add(unmatched, `${currentPhase} ${channel.label}`);
              return;
            }
            if (noticeAt !== null) change.checkedAt ??= noticeAt;
            receipts.push({ channel: channel.label, phase: change.phase, key: change.key, at: r.at, noticeAt });
            add(arrived, `${change.phase} ${channel.label}`);
          };
          if (type === 'webhook') {
            const notices: any[] = r.body.event === 'notification:group' ? r.body.notifications : [r.body.notification];
            for (const n of notices) take(n.endpoint.name, n.event, Date.parse(n.at), n.id);
          } else {
            const title: string = r.body.title ?? '';
            const single = /(nb-\d+) is (DOWN|back UP)/.exec(title);
            if (single) take(single[1]!, single[2] === 'DOWN' ? 'down' : 'recovered', null, null);
            else {
              // A grouped message: "N endpoints need attention: 3 down, 4 recovered" — counted, not matched.
              const counts = [...(title.split(':')[1] ?? '').matchAll(/(\d+) (DOWN|recovered)/g)].reduce((n, m) => n + Number(m[1]), 0);
              if (counts === 0) add(unmatched, `${currentPhase} ${channel.label}`);
              for (let k = 0; k < counts; k++) receipts.push({ channel: channel.label, phase: currentPhase, key: null, at: r.at, noticeAt: null });
              add(arrived, `${currentPhase} ${channel.label}`, counts);
            }
          }
        }
        read.set(type, all.length);
      }
    };
    const receivedIn = (phase: Phase, label: string) => arrived.get(`${phase} ${label}`) ?? 0;

    /** Waits until every channel got `expected` notifications of the phase (at most 180 s, or 20 s without news). */
    const drain = async (phase: Phase, expected: number): Promise<number> => {
      const deadline = Date.now() + 180_000;
      let lastCount = -1;
      let lastNews = Date.now();
      for (;;) {
        ingest();
        const counts = [...channels.keys()].map((label) => receivedIn(phase, label));
        if (counts.every((n) => n >= expected)) break;
        const total = counts.reduce((a, b) => a + b, 0);
        if (total !== lastCount) {
          lastCount = total;
          lastNews = Date.now();
        }
        if (Date.now() > deadline || Date.now() - lastNews > 20_000) {
          progress(`${db} ${phase}: gave up waiting: ${counts.join(', ')} of ${expected} per channel`);
          break;
        }
        await sleep(50);
      }
      ingest();
      const last = receipts.filter((r) => r.phase === phase).reduce((m, r) => Math.max(m, r.at), 0);
      return last;
    };

    const cpuNow = async () => ({
      t: Date.now(),
      vigil: processCpuSeconds(vigil!.pid) ?? Number.NaN,
      bench: process.cpuUsage(),
      machine: machineCpu(),
      pg: db === 'postgres' ? await postgresCpu(database.label) : null,
    });

    const summarize = async (
      phase: Phase,
      started: Awaited<ReturnType<typeof cpuNow>>,
      firstPing: number,
      lastPing: number,
      count: number,
    ): Promise<PhaseResult> => {
      const lastArrival = await drain(phase, count);
      const ended = await cpuNow();
      const wallS = (ended.t - started.t) / 1000;
      const inPhase = receipts.filter((r) => r.phase === phase);
      const latencyOf = (r: Receipt) => {
        if (r.key === null) return null;
        const change = changes.get(r.key)!;
        if (change.warm) return null;
        return r.at - (r.noticeAt ?? change.checkedAt ?? change.sentAt);
      };
      const channelRows = [...channels.values()].map((c) => {
        const mine = inPhase.filter((r) => r.channel === c.label);
        const lat = mine
          .map(latencyOf)
          .filter((x): x is number => x !== null)
          .sort((a, b) => a - b);
        return {
          label: c.label,
          received: mine.length,
          missing: Math.max(0, count - mine.length),
          duplicates: duplicates.get(`${phase} ${c.label}`) ?? 0,
          unmatched: unmatched.get(`${phase} ${c.label}`) ?? 0,
          messages: messagesByPhase.get(`${phase} ${c.label}`) ?? 0,
          p50: quantile(lat, 0.5),
          p99: quantile(lat, 0.99),
          max: lat.at(-1) ?? null,
        };
      });
      const all = inPhase
        .map(latencyOf)
        .filter((x): x is number => x !== null)
        .sort((a, b) => a - b);
      const checkLag = [...changes.values()]
        .filter((c) => c.phase === phase && c.checkedAt !== null)
        .map((c) => c.checkedAt! - c.sentAt)
        .sort((a, b) => a - b);
      const stage = (values: number[]) => {
        const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
        return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
      };
      const measured = [...changes.values()].filter((c) => c.phase === phase && !c.warm);
      const stages = {
        pingAnswer: stage(measured.filter((c) => c.answeredAt !== null).map((c) => c.answeredAt! - c.sentAt)),
        checkToEvent: stage(measured.filter((c) => c.eventAt !== null && c.checkedAt !== null).map((c) => c.eventAt! - c.checkedAt!)),
        eventToArrival: stage(
          inPhase
            .filter((r) => r.key !== null && !changes.get(r.key)!.warm && changes.get(r.key)!.eventAt !== null)
            .map((r) => r.at - changes.get(r.key!)!.eventAt!),
        ),
      };
      const gaps: Record<'down' | 'recovered', number[]> = { down: [], recovered: [] };
      for (const c of channels.values()) {
        const mine = inPhase.filter((r) => r.channel === c.label && r.key !== null).sort((a, b) => a.at - b.at);
        for (let i = 1; i < mine.length; i++) {
          const later = changes.get(mine[i]!.key!)!;
          // Only when it was waiting already as the one before arrived: the lane was busy, not idle.
          if (later.eventAt === null || later.eventAt > mine[i - 1]!.at) continue;
          gaps[later.key.includes(' down ') ? 'down' : 'recovered'].push(mine[i]!.at - mine[i - 1]!.at);
        }
      }
      const median = (values: number[]) =>
        quantile(
          values.sort((a, b) => a - b),
          0.5,
        );
      const laneGapMs = { down: median(gaps.down), recovered: median(gaps.recovered) };
      const bySlice = new Map<number, number[]>();
      for (const r of inPhase) {
        const latency = latencyOf(r);
        if (latency === null) continue;
        const slice = Math.floor((changes.get(r.key!)!.sentAt - firstPing) / 5000) * 5;
        bySlice.set(slice, [...(bySlice.get(slice) ?? []), latency]);
      }
      const slices = [...bySlice.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([fromS, values]) => {
          values.sort((a, b) => a - b);
          return { fromS, n: values.length, p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
        });
      const cpuS = ended.vigil - started.vigil;
      const pgS = ended.pg && started.pg ? cpuDelta(started.pg.backends, ended.pg.backends) : null;
      const messages = channelRows.reduce((n, c) => n + c.messages, 0);
      const result: PhaseResult = {
        db,
        phase,
        changes: count,
        changesPerS: count / Math.max(0.001, (lastPing - firstPing) / 1000),
        expectedPerChannel: count,
        channels: channelRows,
        latency: { samples: all.length, p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: all.at(-1) ?? null },
        pingToCheck: { p50: quantile(checkLag, 0.5), max: checkLag.at(-1) ?? null },
        stages,
        laneGapMs,
        slices,
        deliveredPerS: inPhase.length / Math.max(0.001, (lastArrival - firstPing) / 1000),
        drainMs: lastArrival - lastPing,
        wallS,
        vigilCpuPercent: (cpuS / wallS) * 100,
        vigilCpuMsPerNotification: (cpuS * 1000) / Math.max(1, inPhase.length),
        postgresCpuPercent: pgS === null ? null : (pgS / wallS) * 100,
        machineCpuPercent: ((ended.machine.busy - started.machine.busy) / Math.max(1, ended.machine.total - started.machine.total)) * 100,
        benchCpuPercent: ((ended.bench.user + ended.bench.system - started.bench.user - started.bench.system) / 1e6 / wallS) * 100,
        messages,
        notifications: inPhase.length,
        pingsNotOk,
      };
      if (process.env.BENCH_DUMP) {
        writeFileSync(
          `${process.env.BENCH_DUMP}-${db}-${phase}.tsv`,
          inPhase
            .map((r) => {
              const c = r.key ? changes.get(r.key)! : null;
              return [r.channel, r.key, c?.sentAt, c?.checkedAt, r.noticeAt, r.at, c?.answeredAt, c?.eventAt].join('\t');
            })
            .join('\n'),
        );
      }
      progress(
        `${db} ${phase}: ${count} changes (${r1(result.changesPerS)}/s), ${inPhase.length} of ${count * channels.size} notifications in ${messages} messages; ` +
          `latency p50 ${result.latency.p50} p99 ${result.latency.p99} max ${result.latency.max} ms; ${r1(result.deliveredPerS)} delivered/s; ` +
          `Vigil CPU ${r1(result.vigilCpuPercent)} %, bench ${r1(result.benchCpuPercent)} %, PostgreSQL ${r1(result.postgresCpuPercent)} %, machine ${r1(result.machineCpuPercent)} %; ping → check p50 ${result.pingToCheck.p50} max ${result.pingToCheck.max} ms; stages ${JSON.stringify(stages)}; lane ms per message down ${laneGapMs.down} recovered ${laneGapMs.recovered} (${gaps.down.length}+${gaps.recovered.length} gaps); by 5 s: ${slices.map((x) => `${x.fromS}s ${x.p50}/${x.p99}`).join(', ')}`,
      );
      return result;
    };

    /** --rate changes a second for --seconds: as many as due by the clock, every 10 ms. */
    const paced = async (phase: Phase, warmupS: number) => {
      const count = options.rate * options.seconds;
      const t0 = Date.now();
      let sent = 0;
      const pending: Promise<void>[] = [];
      while (sent < count) {
        const due = Math.min(count, Math.floor(((Date.now() - t0) / 1000) * options.rate) + 1);
        while (sent < due) {
          pending.push(ping(phase, Date.now() - t0 < warmupS * 1000));
          sent++;
        }
        await sleep(10);
      }
      const lastPing = Date.now();
      await Promise.all(pending);
      return { count, firstPing: t0, lastPing };
    };

    for (const phase of options.phases) {
      currentPhase = phase;
      if (phase === 'grouped') {
        for (const c of channels.values()) await api('PATCH', `/api/notification-channels/${c.id}`, { groupSeconds: options.groupSeconds });
      }
      progress(`${db}: ${phase} phase`);
      const started = await cpuNow();
      if (phase === 'burst') {
        const rounds = Math.max(1, Math.ceil(options.burst / endpoints.length));
        const firstPing = Date.now();
        for (let round = 0; round < rounds; round++) await Promise.all(endpoints.map(() => ping(phase, false)));
        const lastPing = Date.now();
        results.push(await summarize(phase, started, firstPing, lastPing, rounds * endpoints.length));
      } else {
        const run = await paced(phase, phase === 'steady' ? options.warmup : 0);
        results.push(await summarize(phase, started, run.firstPing, run.lastPing, run.count));
      }
      if (results.at(-1)!.channels.some((c) => c.missing > 0)) {
        progress(`${db}: ${phase} did not drain within the wait: the next phases would start on its backlog, skipped`);
        break;
      }
      await sleep(1000);
    }
    agent.destroy();
    sse.destroy();

    // Anything late or twice arrives now, or not at all.
    const before = { receipts: receipts.length, odd: [...duplicates.values(), ...unmatched.values()].reduce((a, b) => a + b, 0) };
    await sleep(3000);
    ingest();
    const odd = [...duplicates.values(), ...unmatched.values()].reduce((a, b) => a + b, 0);
    const drained = results.every((r) => r.channels.every((c) => c.missing === 0));
    // After a phase that did not drain, its backlog goes on arriving: only what comes twice or unasked counts then.
    const late = (drained ? receipts.length - before.receipts : 0) + odd - before.odd;
    if (late > 0) {
      lateArrivals += late;
      progress(
        `${db}: late arrivals after the last phase: ${JSON.stringify({ duplicates: Object.fromEntries(duplicates), unmatched: Object.fromEntries(unmatched) })}`,
      );
    }
    const stop = await stopGracefully(vigil.child);
    progress(`${db}: Vigil stopped (code ${stop.code}, ${stop.ms} ms)`);
    outbox = await database.direct(async (query) => {
      const [rows] = await query(`select count(*)::int as rows,
          count(*) filter (where delivered_at is not null)::int as delivered,
          count(*) filter (where failed_at is not null)::int as failed,
          count(*) filter (where delivered_at is null and failed_at is null)::int as waiting,
          count(*) filter (where attempts > 1)::int as retried
        from notification_outbox`);
      const [log] = await query(
        `select count(*)::int as messages, coalesce(sum(notifications), 0)::int as notifications,
          count(*) filter (where outcome <> 'delivered')::int as not_delivered from notification_deliveries`,
      );
      // What a recovered notification costs before it is sent: the dispatcher looks up its thread's
      // first message (OutboxStore.threadRefOf, the same statement), whatever the provider.
      const channelId = [...channels.values()][0]!.id;
      const explain = async () => {
        const [plan] = await query(`explain (analyze, format json)
          select thread_ref from notification_outbox
          where channel_id = '${channelId}' and true and notice->>'threadKey' = 'vigil-endpoint-${endpoints[0]!.id}' and thread_ref is not null
            and event not in ('recovered', 'incident-resolved', 'reminder')
          order by created_at desc limit 1`);
        const raw = plan?.['QUERY PLAN'];
        return (typeof raw === 'string' ? JSON.parse(raw) : raw) as { 'Execution Time': number; Plan: Record<string, unknown> }[];
      };
      const times: number[] = [];
      let explained = await explain();
      for (let i = 0; i < 5; i++) {
        explained = await explain();
        times.push(explained[0]!['Execution Time']);
      }
      const nodes: string[] = [];
      const walk = (node: Record<string, unknown>) => {
        nodes.push(
          `${node['Node Type']}${node['Index Name'] ? ` on ${node['Index Name']}` : ''} (rows removed by filter: ${node['Rows Removed by Filter'] ?? 0})`,
        );
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk(explained[0]!.Plan);
      return {
        stop: { code: stop.code, ms: stop.ms, signal: stop.signal },
        ...rows,
        log,
        threadRefLookup: { msWarmMedian: times.sort((a, b) => a - b)[2], plan: nodes.join(' → ') },
      };
    });
    progress(`${db}: outbox after the stop: ${JSON.stringify(outbox)}`);
    return { results, outbox };
  } finally {
    if (vigil) await stopGracefully(vigil.child);
    await database.dispose();
    await receivers.close();
  }
}

// ─── Run and report ──────────────────────────────────────────────────────────────────────────────

let lateArrivals = 0;
/** The code measured, as the run starts (others may commit meanwhile). */
const code = codeState();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const all: PhaseResult[] = [];
const outboxes: Record<string, unknown> = {};
try {
  for (const db of options.dbs) {
    const { results, outbox } = await runDatabase(db);
    all.push(...results);
    outboxes[db] = outbox;
  }
} finally {
  await cleanupAll();
}

const name = (db: Db) => (db === 'pglite' ? 'PGlite' : 'PostgreSQL');
const cell = (n: number | null) => (n === null ? '–' : String(Math.round(n)));
console.log(
  `\nNotifications (${new Date().toISOString()}, commit ${code.commit}${code.uncommittedFiles ? ` + ${code.uncommittedFiles} uncommitted files` : ''}; ` +
    `${options.endpoints} push endpoints, ${options.channels} channels, ${options.rate} changes/s for ${options.seconds} s, warm-up ${options.warmup} s, burst ${options.burst}, groups ${options.groupSeconds} s)\n`,
);
console.log("Per phase (latency: receiver arrival − the check's checkedAt; notifications: arrived / expected, over all channels):\n");
console.log(
  '| database | phase | changes/s | notifications arrived / expected | messages | latency p50 / p99 / max ms | delivered/s | drain after last ping ms | Vigil CPU % | Vigil CPU ms / notification | PostgreSQL CPU % | machine CPU % | missing / duplicates / unmatched |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of all) {
  const missing = r.channels.reduce((n, c) => n + c.missing, 0);
  const dup = r.channels.reduce((n, c) => n + c.duplicates, 0);
  const unm = r.channels.reduce((n, c) => n + c.unmatched, 0);
  console.log(
    `| ${name(r.db)} | ${r.phase} | ${Math.round(r.changesPerS)} | ${r.notifications} / ${r.changes * r.channels.length} | ${r.messages} | ${cell(r.latency.p50)} / ${cell(r.latency.p99)} / ${cell(r.latency.max)} | ${Math.round(r.deliveredPerS)} | ${r.drainMs} | ${r1(r.vigilCpuPercent)} | ${r.vigilCpuMsPerNotification.toFixed(2)} | ${r.postgresCpuPercent === null ? '–' : r1(r.postgresCpuPercent)} | ${Math.round(r.machineCpuPercent)} | ${missing} / ${dup} / ${unm} |`,
  );
}
console.log('\nWhere the time goes (ms, p50 / p99; after the warm-up):\n');
console.log(
  "| database | phase | ping answered | the check's checkedAt → its status event over SSE (commit, publish) | that event → the receiver | a busy lane's time per message, down / recovered (median) |",
);
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of all) {
  const st = (x: { p50: number | null; p99: number | null }) => `${cell(x.p50)} / ${cell(x.p99)}`;
  console.log(
    `| ${name(r.db)} | ${r.phase} | ${st(r.stages.pingAnswer)} | ${st(r.stages.checkToEvent)} | ${st(r.stages.eventToArrival)} | ${r.phase === 'grouped' ? '–' : `${cell(r.laneGapMs.down)} / ${cell(r.laneGapMs.recovered)}`} |`,
  );
}
console.log('\nPer channel (steady phase):\n');
console.log('| database | channel | arrived | latency p50 / p99 / max ms |');
console.log('| --- | --- | ---: | ---: |');
for (const r of all.filter((x) => x.phase === 'steady')) {
  for (const c of r.channels) console.log(`| ${name(r.db)} | ${c.label} | ${c.received} / ${r.changes} | ${cell(c.p50)} / ${cell(c.p99)} / ${cell(c.max)} |`);
}
console.log(`\nOutbox after a graceful stop: ${JSON.stringify(outboxes)}; notifications arriving after the last phase was complete: ${lateArrivals}`);
mkdirSync(RESULTS_DIR, { recursive: true });
const file = join(RESULTS_DIR, `notifications-${stamp}.json`);
writeFileSync(file, JSON.stringify({ machine: machineInfo(), options, results: all, outboxes, lateArrivals }, null, 2));
progress(`details: ${file}`);
const broken = lateArrivals > 0 || all.some((r) => r.pingsNotOk > 0 || r.channels.some((c) => c.missing > 0 || c.duplicates > 0 || c.unmatched > 0));
process.exit(broken ? 1 : 0);
