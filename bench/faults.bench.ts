/**
 * Fault suite (issue 11): real Vigil processes under faults, and whether they behave as promised.
 *
 *   npm run bench:faults -- [--scenarios=kill9,pg-outage,full-disk,sigterm,restart-clients,restart-dashboard,pg-restart]
 *                           [--db=pglite,postgres] [--short] [--pg-url=postgres://postgres@127.0.0.1:5432/postgres]
 *
 * Scenarios (each against a local probe target, test/support/fault-target.ts, in this process):
 *  - kill9: N endpoints at 1 s (10 % failing, 10 % flapping every 2.5 s, threshold 2), kill -9 and
 *    restart on the same port K times; the results REST shows before each kill must all be stored at
 *    the end, and no endpoint may have two open incidents. Full: 500 endpoints, 10 kills; short: 200, 3.
 *  - pg-outage: 100 endpoints at 1 s on a throwaway PostgreSQL 15 cluster (test/support/throwaway-postgres.ts),
 *    stopped (immediate) for 60 s (short: 10 s); 10 endpoints start failing 2 s into it. Checks must go
 *    on (≥ 95 %), events over Socket.io and webhook ≤ 1 s after the threshold-th failure, /metrics 200
 *    every second, REST 503 problem+json with Retry-After in ≤ 2 s, /readyz 503, and afterwards every
 *    answered check stored once, in order (bench/support/fault-outage.ts).
 *  - full-disk: the same on PGlite with DATA_DIR on a small tmpfs (test/support/small-disk.ts) filled
 *    once Vigil runs and freed after; then Vigil started on the full disk (existing data dir, new data
 *    dir) must exit non-zero saying "no space left". Skipped with the reason where mounting is not allowed.
 *  - sigterm: 200 endpoints whose target answers after 2 s; SIGTERM with ~200 checks in flight; exit 0,
 *    and every request the target answered has its stored result after a restart.
 *  - restart-clients: 500 Socket.io clients (short: 100) with the seed's options in 4 child processes
 *    (bench/support/fault-clients-process.ts) across a graceful restart on the same port: how many
 *    reconnect and receive an event ≤ 10 s after Vigil is ready again.
 *  - restart-dashboard: the built dashboard (web/dist; `npm run build`) in Chromium across a graceful
 *    restart: the header `.conn[data-state=connected]` ≤ 10 s after ready, and every card = REST.
 *  - pg-restart: on PostgreSQL with default settings (no INSTANCE_ID), restart after SIGTERM and after
 *    kill -9: time from ready to the first check of each endpoint (≤ 2 s).
 * --db selects the database of kill9, sigterm and the restart scenarios (pg-outage and pg-restart need
 * postgres, full-disk pglite: they are skipped when their database is not selected).
 *
 * Prints one Markdown table on stdout (scenario, database, expected, happened, lost results, double
 * open incidents, verdict); progress on stderr; details and Vigil's logs in bench/results/faults-<time>/.
 * Every wait is bounded, each scenario has a time budget, and processes, clusters, databases, mounts
 * and temp dirs are removed on success, failure and Ctrl-C. Exit code 0 even when scenarios fail
 * (the table is the result); 1 if the bench itself broke.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountSmallDisk, smallDiskAvailable } from '../test/support/small-disk.ts';
import { startThrowawayPostgres } from '../test/support/throwaway-postgres.ts';
import { cleanupAll, cleanUpOnSignals, isAborting, onCleanup } from './support/cleanup.ts';
import { createBenchDatabase, usePostgres } from './support/databases.ts';
import { runKill9 } from './support/fault-kill9.ts';
import { runOutage } from './support/fault-outage.ts';
import { verdictTable, type Verdict } from './support/fault-report.ts';
import { runPgRestart, runRestartClients, runRestartDashboard, runSigterm } from './support/fault-restarts.ts';
import { readStored, withPostgres, type Query } from './support/fault-stored.ts';
import { tryStartVigil } from './support/fault-vigil.ts';
import { localPgUrl, optionsOrExit, parseFlags } from './support/options.ts';
import { freePort } from './support/processes.ts';
import { codeState, progress, RESULTS_DIR, ROOT } from './support/report.ts';
import { withTimeout } from './support/waits.ts';

const SCENARIOS = ['kill9', 'pg-outage', 'full-disk', 'sigterm', 'restart-clients', 'restart-dashboard', 'pg-restart'] as const;
type Scenario = (typeof SCENARIOS)[number];
type Db = 'pglite' | 'postgres';

const options = optionsOrExit((argv) => {
  const flags = parseFlags(argv, ['scenarios', 'db', 'short', 'pg-url', 'help'], import.meta.url);
  const scenarios = (flags.get('scenarios') ?? SCENARIOS.join(',')).split(',').filter(Boolean);
  for (const s of scenarios) if (!SCENARIOS.includes(s as Scenario)) throw new Error(`unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
  const dbs = (flags.get('db') ?? 'pglite,postgres').split(',').flatMap((d) => (d === 'both' ? ['pglite', 'postgres'] : [d]));
  for (const d of dbs) if (d !== 'pglite' && d !== 'postgres') throw new Error('--db takes pglite, postgres or both');
  return { scenarios: scenarios as Scenario[], dbs: [...new Set(dbs)] as Db[], short: flags.has('short'), pgUrl: localPgUrl(flags) };
});

const short = options.short;
const P = {
  kill9: { endpoints: short ? 200 : 500, kills: short ? 3 : 10, runMs: (short ? [3_000, 4_000] : [3_000, 6_000]) as [number, number] },
  outage: { endpoints: 100, switched: 10, outageMs: short ? 10_000 : 60_000, warmupMs: short ? 5_000 : 8_000 },
  sigtermEndpoints: 200,
  clients: short ? 100 : 500,
  clientProcesses: short ? 2 : 4,
  pgRestartEndpoints: 100,
};
/** Each scenario's time budget; past it the scenario fails and everything it started is cleaned up. */
const BUDGET_MS: Record<Scenario, number> = {
  kill9: (short ? 3 : 6) * 60_000,
  'pg-outage': P.outage.outageMs + 3 * 60_000,
  'full-disk': P.outage.outageMs + 5 * 60_000,
  sigterm: 2 * 60_000,
  'restart-clients': 3 * 60_000,
  'restart-dashboard': 2 * 60_000,
  'pg-restart': 3 * 60_000,
};

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = join(RESULTS_DIR, `faults-${stamp}`);
mkdirSync(logDir, { recursive: true });
usePostgres(options.pgUrl);
cleanUpOnSignals('stopping Vigil, the target, clusters and mounts');

const verdicts: Verdict[] = [];
const details: Record<string, unknown> = {};
const skip = (scenario: string, database: string, why: string): Verdict => ({
  scenario,
  database,
  expected: '–',
  happened: why,
  lost: null,
  doubleOpen: null,
  pass: null,
});

/** PGlite opened directly (Vigil stopped), for the full-disk scenario's tmpfs data dir. */
async function withPglite<T>(dataDir: string, fn: (query: Query) => Promise<T>): Promise<T> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await withTimeout(PGlite.create(dataDir), 120_000, 'opening the PGlite data dir');
  try {
    return await fn(async (text) => (await db.query<Record<string, unknown>>(text)).rows);
  } finally {
    await db.close();
  }
}

async function pgOutage(): Promise<Verdict[]> {
  const pg = await startThrowawayPostgres();
  onCleanup('databases', () => pg.destroy());
  await withPostgres(pg.url, (q) => q('create database vigil'));
  const { verdicts: v, details: d } = await runOutage(
    {
      name: 'pg-outage',
      database: 'postgres (throwaway)',
      vigilEnv: { DATABASE_URL: pg.urlFor('vigil') },
      begin: () => pg.stop('immediate'),
      end: () => pg.start(),
      readStored: () => withPostgres(pg.urlFor('vigil'), readStored),
      restDuringFault: '503',
    },
    { ...P.outage, logDir },
  );
  details['pg-outage'] = d;
  await pg.destroy();
  return v;
}

async function fullDisk(): Promise<Verdict[]> {
  const availability = await smallDiskAvailable();
  if (!availability.available) return [skip('full-disk', 'pglite (tmpfs)', `skipped: ${availability.reason}`)];
  const disk = await mountSmallDisk(160);
  onCleanup('dirs', () => disk.unmount());
  const dataDir = join(disk.dir, 'data');
  const { verdicts: v, details: d } = await runOutage(
    {
      name: 'full-disk',
      database: 'pglite (tmpfs)',
      vigilEnv: { DATA_DIR: dataDir },
      begin: async () => void progress(`full-disk: filled ${(disk.fill() / 2 ** 20).toFixed(0)} MiB`),
      end: async () => disk.free(),
      readStored: () => withPglite(dataDir, readStored),
      restDuringFault: '200-or-503',
    },
    { ...P.outage, logDir },
  );
  details['full-disk'] = d;
  // Starting on a disk that is already full: with the data dir it had, and a brand-new one.
  for (const [label, dir] of [
    ['existing data dir', dataDir],
    ['new data dir', join(disk.dir, 'fresh')],
  ] as const) {
    disk.fill();
    const outcome = await tryStartVigil(await freePort(), { DATA_DIR: dir }, logDir, `full-disk-start-${label.split(' ')[0]}`, 60_000);
    disk.free();
    let happened: string;
    let pass = false;
    if (outcome.outcome === 'exited') {
      const said = outcome.output.find((l) => /no space left/i.test(l));
      pass = outcome.code !== 0 && outcome.code !== null && said !== undefined;
      happened = `exited ${outcome.code ?? outcome.signal} after ${(outcome.afterMs / 1000).toFixed(1)} s; ${said ? `said: ${said.slice(0, 160)}` : `last line: ${outcome.output.at(-1)?.slice(0, 160) ?? '(none)'}`}`;
    } else if (outcome.outcome === 'listening') {
      const readyz = await fetch(`${outcome.vigil.base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      happened = `started and listens (/readyz ${readyz})`;
      await outcome.vigil.child.kill();
    } else {
      happened = `neither listening nor exited within ${(outcome.afterMs / 1000).toFixed(0)} s; last line: ${outcome.output.at(-1)?.slice(0, 160) ?? '(none)'}`;
    }
    v.push({
      scenario: `full-disk: start on a full disk (${label})`,
      database: 'pglite (tmpfs)',
      expected: 'exits non-zero, saying "no space left"',
      happened,
      lost: null,
      doubleOpen: null,
      pass,
    });
  }
  await disk.unmount();
  return v;
}

async function perDatabase(_scenario: Scenario, run: (kind: Db) => Promise<Verdict | Verdict[]>): Promise<Verdict[]> {
  const out: Verdict[] = [];
  for (const kind of options.dbs) {
    if (isAborting()) break;
    out.push(...[await run(kind)].flat());
    await cleanupAll(); // between databases too: nothing of one run leaks into the next
  }
  return out;
}

async function withDatabase<T>(kind: Db, fn: (db: Awaited<ReturnType<typeof createBenchDatabase>>) => Promise<T>): Promise<T> {
  const db = await createBenchDatabase(kind, 'vigil-faults-');
  try {
    return await fn(db);
  } finally {
    await db.dispose().catch(() => {});
  }
}

const RUNNERS: Record<Scenario, () => Promise<Verdict[]>> = {
  kill9: () =>
    perDatabase('kill9', (kind) =>
      withDatabase(kind, async (db) => {
        const { verdicts: v, details: d } = await runKill9(db, { ...P.kill9, logDir });
        details[`kill9-${kind}`] = d;
        return v;
      }),
    ),
  'pg-outage': async () => (options.dbs.includes('postgres') ? pgOutage() : [skip('pg-outage', 'postgres', 'skipped: --db without postgres')]),
  'full-disk': async () => (options.dbs.includes('pglite') ? fullDisk() : [skip('full-disk', 'pglite', 'skipped: --db without pglite')]),
  sigterm: () => perDatabase('sigterm', (kind) => withDatabase(kind, (db) => runSigterm(db, P.sigtermEndpoints, logDir))),
  'restart-clients': () => perDatabase('restart-clients', (kind) => withDatabase(kind, (db) => runRestartClients(db, P.clients, P.clientProcesses, logDir))),
  'restart-dashboard': async () => {
    if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) return [skip('restart-dashboard', '–', 'skipped: web/dist is not built (npm run build)')];
    return perDatabase('restart-dashboard', (kind) => withDatabase(kind, (db) => runRestartDashboard(db, logDir)));
  },
  'pg-restart': async () => {
    if (!options.dbs.includes('postgres')) return [skip('pg-restart', 'postgres', 'skipped: --db without postgres')];
    const out: Verdict[] = [];
    for (const how of ['sigterm', 'kill9'] as const) {
      out.push(await withDatabase('postgres', (db) => runPgRestart(db, P.pgRestartEndpoints, how, logDir)));
      await cleanupAll();
    }
    return out;
  },
};

let broken = false;
try {
  progress(`fault suite${short ? ' (short)' : ''}: ${options.scenarios.join(', ')} on ${options.dbs.join(', ')}; logs in ${logDir}`);
  for (const scenario of options.scenarios) {
    if (isAborting()) break;
    const started = Date.now();
    progress(`── ${scenario}`);
    try {
      verdicts.push(...(await withTimeout(RUNNERS[scenario](), BUDGET_MS[scenario], `scenario ${scenario}`)));
    } catch (error) {
      progress(`${scenario} broke: ${(error as Error).stack ?? String(error)}`);
      verdicts.push({
        scenario,
        database: '–',
        expected: 'runs to the end',
        happened: `broke: ${String((error as Error).message ?? error)
          .split('\n')[0]!
          .slice(0, 300)}`,
        lost: null,
        doubleOpen: null,
        pass: false,
      });
    } finally {
      await cleanupAll();
    }
    progress(`── ${scenario} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
} catch (error) {
  broken = true;
  progress(`the fault bench broke: ${(error as Error).stack ?? String(error)}`);
} finally {
  await cleanupAll();
}

const table = verdictTable(verdicts);
writeFileSync(join(logDir, 'results.json'), JSON.stringify({ code: codeState(), options, verdicts, details }, null, 2));
writeFileSync(join(logDir, 'table.md'), table + '\n');
const code = codeState();
process.stdout.write(
  `\nFault suite${short ? ' (short)' : ''} on ${code.commit}${code.uncommittedFiles ? ` + ${code.uncommittedFiles} uncommitted files` : ''}:\n\n${table}\n`,
);
progress(
  `${verdicts.filter((v) => v.pass === true).length} passed, ${verdicts.filter((v) => v.pass === false).length} failed, ${verdicts.filter((v) => v.pass === null).length} skipped; details in ${logDir}`,
);
process.exit(broken || isAborting() ? 1 : 0);
