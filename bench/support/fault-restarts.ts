/// <reference lib="dom" />
// (The DOM types are for callbacks handed to page.evaluate(), which run in the page.)
/**
 * Stops and restarts: SIGTERM with checks in flight, realtime clients and the dashboard across a
 * graceful restart on the same port, and how soon a restarted instance on PostgreSQL checks again.
 */
import { createInterface } from 'node:readline';
import { launchBrowser } from '../../test/support/browser.ts';
import { startFaultTarget, type FaultTarget } from '../../test/support/fault-target.ts';
import { onCleanup } from './cleanup.ts';
import type { BenchDatabase } from './databases.ts';
import { importEndpoints, type EndpointSpec } from './fault-api.ts';
import { secs, type Verdict } from './fault-report.ts';
import { compareWithTarget, readStored } from './fault-stored.ts';
import { kill9, sigterm, startVigilOn, waitReady, type FaultVigil } from './fault-vigil.ts';
import { freePort, startChild, type ManagedChild } from './processes.ts';
import { median, progress } from './report.ts';
import { sleep, withTimeout } from './waits.ts';

interface Setup {
  target: FaultTarget;
  port: number;
  vigil: FaultVigil;
  pathOf: Map<string, string>;
}

async function setUp(
  db: BenchDatabase,
  name: string,
  logDir: string,
  specs: EndpointSpec[],
  prepare: (target: FaultTarget) => void = () => {},
): Promise<Setup> {
  const target = await startFaultTarget({ keepAliveTimeoutMs: 60_000 });
  onCleanup('handles', () => target.close());
  prepare(target);
  const port = await freePort();
  const vigil = await startVigilOn(port, db.env, logDir, `${name}-0`);
  const pathOf = await importEndpoints(vigil.base, target.origin, specs);
  await waitReady(vigil.base, 30_000);
  return { target, port, vigil, pathOf };
}

// ─── SIGTERM with checks in flight ───────────────────────────────────────────────────────────────

export async function runSigterm(db: BenchDatabase, endpoints: number, logDir: string): Promise<Verdict> {
  const specs = Array.from({ length: endpoints }, (_, i) => ({ path: `/s/${i}`, timeoutMs: 5_000 }));
  const { target, port, vigil, pathOf } = await setUp(db, `sigterm-${db.kind}`, logDir, specs, (t) => {
    for (const s of specs) t.slow(s.path, 2_000);
  });
  const deadline = Date.now() + 30_000;
  while (target.inFlight() < endpoints * 0.95 && Date.now() < deadline) await sleep(20);
  const inFlight = target.inFlight();
  const exit = await sigterm(vigil, 30_000);
  progress(`sigterm ${db.kind}: ${inFlight} in flight; exit ${exit.code ?? exit.signal} after ${exit.ms} ms`);
  const restartAt = Date.now();
  const again = await startVigilOn(port, db.env, logDir, `sigterm-${db.kind}-1`);
  const readyAt = await waitReady(again.base, 60_000);
  await sigterm(again, 30_000);
  await target.close();
  const stored = await db.direct((query) => readStored(query));
  const before = compareWithTarget(stored, target, pathOf, 0, restartAt, 0);
  return {
    scenario: `sigterm with ${endpoints} slow checks (2 s) in flight`,
    database: db.kind,
    expected: 'exit 0; after restart every request the target answered has its stored result',
    happened: `${inFlight} in flight at SIGTERM; exit ${exit.code ?? exit.signal} after ${secs(exit.ms)}; answered ${before.answered}, stored ${before.stored}, missing ${before.missing}, extra ${before.extra}; restart ready after ${secs(readyAt && readyAt - restartAt)}`,
    lost: before.missing,
    doubleOpen: stored.doubleOpenIncidents,
    pass: exit.code === 0 && before.missing === 0 && before.extra === 0 && inFlight >= endpoints * 0.9 && readyAt !== null,
  };
}

// ─── Socket.io clients across a graceful restart ─────────────────────────────────────────────────

/** The JSON lines a child prints, one at a time. */
function jsonLines(child: ManagedChild): (timeoutMs: number, what: string) => Promise<Record<string, any>> {
  const queue: Record<string, any>[] = [];
  const waiting: ((line: Record<string, any>) => void)[] = [];
  createInterface({ input: child.proc.stdout! }).on('line', (line) => {
    let parsed: Record<string, any>;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    const next = waiting.shift();
    if (next) next(parsed);
    else queue.push(parsed);
  });
  return (timeoutMs, what) => withTimeout(queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r)), timeoutMs, what);
}

export async function runRestartClients(db: BenchDatabase, clients: number, processes: number, logDir: string): Promise<Verdict> {
  const specs = Array.from({ length: 50 }, (_, i) => ({ path: `/c/${i}` }));
  const { target, port, vigil } = await setUp(db, `clients-${db.kind}`, logDir, specs);
  const children = Array.from({ length: processes }, (_, i) => {
    const share = Math.floor(clients / processes) + (i < clients % processes ? 1 : 0);
    const child = startChild(`clients-${i}`, ['--import', 'tsx', 'bench/support/fault-clients-process.ts', vigil.base, String(share)], {});
    return { child, share, next: jsonLines(child) };
  });
  const ready = await Promise.all(children.map((c) => c.next(90_000, 'the clients to connect').then((l) => Number(l.ready))));
  const connected = ready.reduce((a, b) => a + b, 0);
  progress(`restart-clients ${db.kind}: ${connected}/${clients} clients subscribed; restarting Vigil`);
  await sleep(2_000);
  const stopAt = Date.now();
  const exit = await sigterm(vigil, 30_000);
  const again = await startVigilOn(port, db.env, logDir, `clients-${db.kind}-1`);
  const readyAt = (await waitReady(again.base, 60_000)) ?? NaN;
  await sleep(12_000);
  const reports = await Promise.all(
    children.map((c) => {
      c.child.proc.stdin!.write(`report ${stopAt}\n`);
      return c.next(15_000, 'a client report');
    }),
  );
  const all = reports.flatMap(
    (r) => r.clients as { connectedAt: number | null; firstEventAt: number | null; gaveUp: boolean; lastDisconnectReason: string | null }[],
  );
  const reconnected = all.filter((c) => c.connectedAt !== null && c.connectedAt <= readyAt + 10_000);
  const live = reconnected.filter((c) => c.firstEventAt !== null && c.firstEventAt <= readyAt + 10_000);
  const reasons: Record<string, number> = {};
  for (const c of all) reasons[c.lastDisconnectReason ?? 'none'] = (reasons[c.lastDisconnectReason ?? 'none'] ?? 0) + 1;
  for (const c of children) await c.child.kill();
  await sigterm(again, 30_000);
  await target.close();
  return {
    scenario: `${clients} Socket.io clients across a graceful restart`,
    database: db.kind,
    expected: 'every client reconnects and receives an event ≤ 10 s after Vigil is ready again',
    happened: `${connected} subscribed before; exit ${exit.code ?? exit.signal} in ${secs(exit.ms)}, ready after ${secs(readyAt - stopAt)}; ${reconnected.length} reconnected ≤ 10 s (median ${secs(median(reconnected.map((c) => c.connectedAt! - readyAt)))} after ready), ${live.length} got an event ≤ 10 s; gave up ${all.filter((c) => c.gaveUp).length}; disconnect reasons ${JSON.stringify(reasons)}`,
    lost: null,
    doubleOpen: null,
    pass: connected === clients && live.length === clients,
  };
}

// ─── the dashboard across a graceful restart ─────────────────────────────────────────────────────

export async function runRestartDashboard(db: BenchDatabase, logDir: string): Promise<Verdict> {
  const specs = Array.from({ length: 20 }, (_, i) => ({ path: `/d/${i}`, failureThreshold: 1 }));
  const { target, port, vigil } = await setUp(db, `dashboard-${db.kind}`, logDir, specs, (t) => {
    for (const [i, s] of specs.entries()) if (i % 4 === 0) t.failing(s.path);
  });
  const browser = await launchBrowser();
  onCleanup('browsers', () => browser.close());
  const context = await browser.newContext({ baseURL: vigil.base });
  // No owner account: this machine goes on without one (the set-up page's "Continue without an account").
  await context.addInitScript({ content: "localStorage.setItem('vigil.setup.deferred', '1')" });
  const page = await context.newPage();
  const connState = () => page.evaluate(() => document.querySelector('.conn')?.getAttribute('data-state') ?? null).catch(() => 'page gone');
  await page.goto('/');
  await page.waitForSelector('.conn[data-state=connected]', { timeout: 30_000 });
  await sleep(3_000);
  const states: string[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const state = String(await connState());
      if (states.at(-1) !== state) states.push(state);
      await sleep(100);
    }
  })();
  const exit = await sigterm(vigil, 30_000);
  const again = await startVigilOn(port, db.env, logDir, `dashboard-${db.kind}-1`);
  const readyAt = (await waitReady(again.base, 60_000)) ?? NaN;
  let liveAt: number | null = null;
  try {
    await page.waitForSelector('.conn[data-state=connected]', { timeout: 20_000 });
    liveAt = Date.now();
  } catch {
    /* not live again within 20 s */
  }
  watching = false;
  await watcher;
  // A card changes only with a check; the endpoints hold steady, so two reads a moment apart agree.
  let mismatches: string[] = [];
  let cards = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    await sleep(1_500);
    const shown = await page.evaluate(() =>
      Array.from(document.querySelectorAll('a.card[data-endpoint-id]')).map(
        (a) => [a.getAttribute('data-endpoint-id'), a.getAttribute('data-status')] as [string, string],
      ),
    );
    const rest = (await (await fetch(`${again.base}/api/endpoints?limit=100`)).json()) as { items: { id: string; status: string }[] };
    const shownBy = new Map(shown);
    cards = shown.length;
    mismatches = rest.items
      .filter((e) => shownBy.get(e.id) !== e.status)
      .map((e) => `${e.id.slice(0, 8)} REST ${e.status} card ${shownBy.get(e.id) ?? 'missing'}`);
    if (shown.length !== rest.items.length) mismatches.push(`${shown.length} cards, ${rest.items.length} endpoints`);
    if (mismatches.length === 0) break;
  }
  await browser.close();
  await sigterm(again, 30_000);
  await target.close();
  const liveAfter = liveAt === null ? null : liveAt - readyAt;
  return {
    scenario: 'dashboard in Chromium across a graceful restart',
    database: db.kind,
    expected: 'header .conn connected again ≤ 10 s after ready; every card shows the status REST gives',
    happened: `exit ${exit.code ?? exit.signal}; header states seen ${states.join(' → ')}; connected again ${liveAfter === null ? 'not within 20 s' : `${secs(liveAfter)} after ready`}; ${cards} cards, ${mismatches.length} mismatches${mismatches.length ? ` (${mismatches.slice(0, 3).join('; ')})` : ''}`,
    lost: null,
    doubleOpen: null,
    pass: liveAfter !== null && liveAfter <= 10_000 && mismatches.length === 0 && cards === specs.length,
  };
}

// ─── how soon a restarted instance on PostgreSQL checks again ────────────────────────────────────

export async function runPgRestart(db: BenchDatabase, endpoints: number, how: 'sigterm' | 'kill9', logDir: string): Promise<Verdict> {
  const specs = Array.from({ length: endpoints }, (_, i) => ({ path: `/r/${i}` }));
  const { target, port, vigil, pathOf } = await setUp(db, `pg-restart-${how}`, logDir, specs);
  await sleep(5_000);
  if (how === 'kill9') await kill9(vigil);
  else await sigterm(vigil, 30_000);
  const again = await startVigilOn(port, db.env, logDir, `pg-restart-${how}-1`);
  const readyAt = (await waitReady(again.base, 60_000)) ?? NaN;
  await sleep(12_000);
  const firsts = [...pathOf.values()].map((path) => target.log(path).receivedAt.find((at) => at >= again.spawnedAt) ?? null);
  const delays = firsts.filter((at): at is number => at !== null).map((at) => at - readyAt);
  const unchecked = firsts.filter((at) => at === null).length;
  await sigterm(again, 30_000);
  await target.close();
  const max = delays.length ? Math.max(...delays) : null;
  return {
    scenario: `restart (${how === 'kill9' ? 'kill -9' : 'SIGTERM'}) with default settings (no INSTANCE_ID), ${endpoints} endpoints at 1 s`,
    database: 'postgres',
    expected: 'every endpoint checked again ≤ 2 s after the new instance is ready',
    happened: `first check ${secs(delays.length ? Math.min(...delays) : null)} after ready, median ${secs(median(delays))}, last ${secs(max)}; unchecked after 12 s: ${unchecked}`,
    lost: null,
    doubleOpen: null,
    pass: unchecked === 0 && max !== null && max <= 2_000,
  };
}
