/**
 * The outage scenario, shared by "PostgreSQL goes away" and "the disk is full": Vigil checks N
 * endpoints every second while the fault lasts; some endpoints start failing during it. Measured:
 * the requests the target received meanwhile, the events (Socket.io, webhook) of the endpoints that
 * failed, /metrics every second, REST and /readyz during the fault, recovery after it, and at the
 * end every stored result against the target's log of requests.
 */
import { startFaultTarget } from '../../test/support/fault-target.ts';
import { onCleanup } from './cleanup.ts';
import { importEndpoints, metricValue, probeEvery, type Probe } from './fault-api.ts';
import { listenToEvents, startWebhookReceiver, type EventLog } from './fault-events.ts';
import { secs, type Verdict } from './fault-report.ts';
import { compareWithTarget, outOfOrderWrites, type Stored } from './fault-stored.ts';
import { logLinesAtLeast, sigterm, startVigilOn, waitReady } from './fault-vigil.ts';
import { freePort } from './processes.ts';
import { progress } from './report.ts';
import { sleep } from './waits.ts';

export interface OutageFault {
  /** e.g. pg-outage */
  name: string;
  database: string;
  /** What Vigil needs to reach the database (DATABASE_URL or DATA_DIR). */
  vigilEnv: Record<string, string>;
  /** Takes the database (or its disk) away. */
  begin(): Promise<void>;
  /** Gives it back; resolves once it could serve again. */
  end(): Promise<void>;
  /** Every result stored, read once Vigil has stopped. */
  readStored(): Promise<Stored>;
  /** What REST should do meanwhile: a database that is away answers 503; a full disk may still be read. */
  restDuringFault: '503' | '200-or-503';
}

export interface OutageOptions {
  endpoints: number;
  /** How many of them start failing 2 s into the fault (failure threshold 3). */
  switched: number;
  outageMs: number;
  warmupMs: number;
  logDir: string;
}

const THRESHOLD = 3;
/** Series of server/metrics/render.ts: the result queue, what overflowed it, failed write attempts. */
const QUEUE_DEPTH = ['vigil_check_results_pending'];
const DROPPED = ['vigil_check_results_dropped_total'];
const WRITE_FAILURES = ['vigil_check_result_write_retries_total'];

const firstMetric = (body: string, names: string[]) => {
  for (const name of names) {
    const v = metricValue(body, name);
    if (v !== null) return { name, value: v };
  }
  return null;
};

export async function runOutage(fault: OutageFault, options: OutageOptions): Promise<{ verdicts: Verdict[]; details: Record<string, unknown> }> {
  const verdict = (what: string, v: Omit<Verdict, 'scenario' | 'database'>): Verdict => ({
    scenario: `${fault.name}: ${what}`,
    database: fault.database,
    ...v,
  });
  const target = await startFaultTarget({ keepAliveTimeoutMs: 60_000 });
  onCleanup('handles', () => target.close());
  const hook = await startWebhookReceiver();
  const port = await freePort();
  const vigil = await startVigilOn(port, { ...fault.vigilEnv, WEBHOOK_URL: hook.url }, options.logDir, fault.name);
  const specs = Array.from({ length: options.endpoints }, (_, i) => ({ path: `/o/${i}`, failureThreshold: THRESHOLD }));
  const pathOf = await importEndpoints(vigil.base, target.origin, specs);
  const switchedIds = [...pathOf.keys()].slice(0, options.switched);
  await waitReady(vigil.base, 30_000);
  const listener = await listenToEvents(vigil.base);
  progress(`${fault.name}: ${options.endpoints} endpoints at 1 s; warm-up ${secs(options.warmupMs)}`);
  const metrics = probeEvery(`${vigil.base}/metrics`, 1_000, 5_000, true);
  await sleep(options.warmupMs);

  const outageStart = Date.now();
  await fault.begin();
  progress(`${fault.name}: fault begun; ${secs(options.outageMs)} to go`);
  const rest = probeEvery(`${vigil.base}/api/endpoints`, 1_000, 15_000);
  const readyz = probeEvery(`${vigil.base}/readyz`, 1_000, 15_000);
  await sleep(2_000);
  const switchAt = Date.now();
  for (const id of switchedIds) target.failing(pathOf.get(id)!);
  await sleep(Math.max(0, outageStart + options.outageMs - Date.now()));
  const outageEnd = Date.now();
  await fault.end();
  const backAt = Date.now();
  await rest.stop();
  progress(`${fault.name}: fault over (database back after ${secs(backAt - outageEnd)}); waiting for recovery`);

  const readyAgainAt = await waitReady(vigil.base, 60_000);
  let drainedAt: number | null = null;
  const drainDeadline = Date.now() + 60_000;
  while (Date.now() < drainDeadline) {
    const last = metrics.probes.at(-1);
    const depth = last && last.at > backAt ? firstMetric(last.body, QUEUE_DEPTH) : null;
    if (depth && depth.value === 0) {
      drainedAt = last!.at;
      break;
    }
    await sleep(500);
  }
  await readyz.stop();
  await sleep(2_000);
  await metrics.stop();
  const stop = await sigterm(vigil);
  listener.close();
  const stored = await fault.readStored();

  // ── the checks went on ──
  const expectedRequests = options.endpoints * (options.outageMs / 1000);
  const received = target.receivedBetween(outageStart, outageEnd, '/o/');
  const ratio = received / expectedRequests;

  // ── events of the endpoints that failed during the fault ──
  const delays = switchedIds.map((id) => {
    const log = target.log(pathOf.get(id)!);
    const failures = log.receivedAt
      .map((at, i) => ({ at, answeredAt: log.answeredAt[i]!, status: log.status[i]! }))
      .filter((r) => r.at >= switchAt && r.status === 500);
    // The status changes at the first failure, the incident opens at the threshold-th.
    const firstAt = failures[0]?.answeredAt ?? null;
    const thresholdAt = failures[THRESHOLD - 1]?.answeredAt ?? null;
    const delay = (log_: EventLog, event: string, since: number | null) => {
      const arrived = log_.first(event, id, switchAt - 1_000);
      return since === null || !arrived ? null : arrived.at - since;
    };
    return {
      thresholdAt,
      socketStatus: delay(listener, 'endpoint:status-changed', firstAt),
      socketIncident: delay(listener, 'incident:started', thresholdAt),
      hookStatus: delay(hook, 'endpoint:status-changed', firstAt),
      hookIncident: delay(hook, 'incident:started', thresholdAt),
    };
  });
  const within = (key: 'socketStatus' | 'socketIncident' | 'hookStatus' | 'hookIncident') => delays.filter((d) => d[key] !== null && d[key]! <= 1_000).length;
  const worst = (key: 'socketStatus' | 'socketIncident' | 'hookStatus' | 'hookIncident') => {
    const v = delays.map((d) => d[key]).filter((x): x is number => x !== null);
    return v.length ? `${Math.max(...v)} ms` : '–';
  };
  const eventsOk = ['socketStatus', 'socketIncident', 'hookStatus', 'hookIncident'].every((k) => within(k as never) === switchedIds.length);

  // ── /metrics, REST, /readyz during the fault ──
  const metricsInFault = metrics.probes.filter((p) => p.at >= outageStart && p.at < (readyAgainAt ?? backAt));
  const metricsBad = metricsInFault.filter((p) => p.status !== 200);
  const metricsMaxMs = Math.max(0, ...metricsInFault.map((p) => p.ms));
  const metricsSlow = metricsInFault.filter((p) => p.ms > 1_000);
  const depths = metrics.probes.map((p) => firstMetric(p.body, QUEUE_DEPTH)).filter((x) => x !== null);
  const lastMetrics = metrics.probes.filter((p) => p.status === 200).at(-1)?.body ?? '';
  const dropped = firstMetric(lastMetrics, DROPPED);
  const writeFailures = firstMetric(lastMetrics, WRITE_FAILURES);
  // Judged: the requests sent from 1 s into the fault until 2 s before its end (each must be answered within 2 s).
  const restInFault = rest.probes.filter((p) => p.at >= outageStart + 1_000 && p.at < outageEnd - 2_000);
  const restGood = (p: Probe) =>
    p.ms <= 2_000 &&
    ((p.status === 503 && /application\/problem\+json/.test(p.contentType ?? '') && p.retryAfter !== null) ||
      (fault.restDuringFault === '200-or-503' && p.status === 200));
  const readyzInFault = readyz.probes.filter((p) => p.at >= outageStart + 3_000 && p.at < outageEnd - 2_000);
  const readyzGood = readyzInFault.filter((p) => p.status === 503 && p.body.length > 0);
  const describe = (p: Probe, t0: number) => `sent at +${secs(p.at - t0)}: ${p.status || 'no answer'} after ${p.ms} ms`;
  const statusList = (ps: Probe[]) =>
    [...new Set(ps.map((p) => (p.status === 0 ? `no answer (${p.error?.slice(0, 60)})` : String(p.status))))].join(', ') || 'none';

  // ── what was stored ──
  const whole = compareWithTarget(stored, target, pathOf, 0, Infinity, 1);
  const during = compareWithTarget(stored, target, pathOf, outageStart, outageEnd, 1);
  const outOfOrder = outOfOrderWrites(stored);
  const exitOk = stop.code === 0;
  const errors = logLinesAtLeast(vigil.child.output, 'error').length;
  await hook.close();
  await target.close();

  const verdicts: Verdict[] = [
    verdict('checks go on', {
      expected: `target gets ≥ 95 % of ${expectedRequests} checks during the ${secs(options.outageMs)} fault`,
      happened: `${received} (${(ratio * 100).toFixed(1)} %)`,
      lost: null,
      doubleOpen: null,
      pass: ratio >= 0.95,
    }),
    verdict('events at once', {
      expected: `${switchedIds.length} endpoints failing during the fault: endpoint:status-changed ≤ 1 s after the first failure and incident:started ≤ 1 s after the ${THRESHOLD}rd, over Socket.io and webhook`,
      happened: `≤ 1 s: socket status ${within('socketStatus')}/${switchedIds.length} (worst ${worst('socketStatus')}), socket incident ${within('socketIncident')} (worst ${worst('socketIncident')}), webhook status ${within('hookStatus')} (worst ${worst('hookStatus')}), webhook incident ${within('hookIncident')} (worst ${worst('hookIncident')})`,
      lost: null,
      doubleOpen: null,
      pass: eventsOk,
    }),
    verdict('/metrics', {
      expected: '200 in ≤ 1 s every second throughout the fault and recovery, with the result queue depth',
      happened: `${metricsInFault.length - metricsBad.length}/${metricsInFault.length} polls 200 (others: ${statusList(metricsBad)}), ${metricsSlow.length} slower than 1 s (slowest ${metricsMaxMs} ms); queue depth max ${depths.length ? Math.max(...depths.map((d) => d.value)) : 'n/a'} (${depths[0]?.name ?? 'no queue series'}); ${dropped ? `${dropped.name} ${dropped.value}` : 'no dropped series'}; ${writeFailures ? `${writeFailures.name} ${writeFailures.value}` : 'no write-failure series'}`,
      lost: null,
      doubleOpen: null,
      pass: metricsInFault.length > 0 && metricsBad.length === 0 && metricsMaxMs <= 1_000 && depths.length > 0,
    }),
    verdict('REST', {
      expected:
        fault.restDuringFault === '503'
          ? 'GET /api/endpoints: 503 problem+json with Retry-After in ≤ 2 s'
          : 'GET /api/endpoints answers in ≤ 2 s (200, or 503 problem+json with Retry-After)',
      happened: `${restInFault.filter(restGood).length}/${restInFault.length} as expected; statuses ${statusList(restInFault)}; slowest ${Math.max(0, ...restInFault.map((p) => p.ms))} ms${restInFault.some((p) => !restGood(p)) ? ` (e.g. ${describe(restInFault.find((p) => !restGood(p))!, outageStart)})` : ''}`,
      lost: null,
      doubleOpen: null,
      pass: restInFault.length > 0 && restInFault.every(restGood),
    }),
    verdict('/readyz', {
      expected: '503 with a reason while writes fail, 200 again after',
      happened: `${readyzGood.length}/${readyzInFault.length} 503 during (statuses ${statusList(readyzInFault)}${readyzInFault[0] ? `; e.g. ${readyzInFault.at(-1)!.body.slice(0, 80)}` : ''}); 200 again ${readyAgainAt ? `${secs(readyAgainAt - backAt)} after the database was back` : 'never (60 s)'}`,
      lost: null,
      doubleOpen: null,
      pass: readyzInFault.length > 0 && readyzGood.length === readyzInFault.length && readyAgainAt !== null,
    }),
    verdict('results stored', {
      expected: 'without restart: queue drained, every answered check stored once, in order; SIGTERM exit 0',
      happened: `answered ${whole.answered}, stored ${whole.stored}; missing ${whole.missing} (during the fault: ${during.missing} of ${during.answered}), extra ${whole.extra}; written out of order ${outOfOrder}; same-instant duplicates ${stored.sameInstantPairs}, duplicate ids ${stored.duplicateIds}; queue drained ${drainedAt ? `${secs(drainedAt - backAt)} after` : 'not seen'}; exit ${stop.code ?? stop.signal}; ${errors} error log lines`,
      lost: whole.missing,
      doubleOpen: stored.doubleOpenIncidents,
      pass:
        whole.missing === 0 &&
        whole.extra === 0 &&
        outOfOrder === 0 &&
        stored.sameInstantPairs === 0 &&
        stored.duplicateIds === 0 &&
        stored.doubleOpenIncidents === 0 &&
        exitOk,
    }),
  ];
  return {
    verdicts,
    details: {
      outageStart,
      outageEnd,
      backAt,
      readyAgainAt,
      drainedAt,
      received,
      expectedRequests,
      delays,
      metricsBad,
      restProbes: rest.probes,
      readyzProbes: readyz.probes.map(({ body, ...p }) => ({ ...p, body: body.slice(0, 200) })),
      whole,
      during,
      outOfOrder,
      exit: stop,
      errorLines: logLinesAtLeast(vigil.child.output, 'warn').slice(-20),
    },
  };
}
