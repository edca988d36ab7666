import { sql } from 'drizzle-orm';
import { rowsOf, type Database } from '../../../db/client.ts';
import { DAY_MS, floorHour, HOUR_MS } from './hours.ts';
import { oldestCheckResult } from './oldest-check-result.ts';
import { advanceRawPruneHorizon, deleteCheckResultsBatch } from './prune-check-results.ts';
import { deleteRollupsBatch } from './prune-rollups.ts';
import { rollUpNextHours, type RollUpResume } from './roll-up-checks.ts';

export interface RetentionOptions {
  /** Raw check results older than this are deleted (once their hours are rolled up). */
  checkRetentionDays: number;
  /** Hourly rollups older than this are deleted (never before the raw results they summarise). */
  rollupRetentionDays: number;
  /** First run after start(). */
  startDelayMs?: number;
  /** Between the end of one run and the start of the next. */
  intervalMs?: number;
  /** Rows deleted per statement; also about how many results one rollup transaction reads. */
  batchSize?: number;
  /** Rest between two batches, so that check results are written in between. */
  pauseMs?: number;
  /** Most hours rolled up per transaction (fewer when they hold more than batchSize results). */
  maxHoursPerTransaction?: number;
  /** How long after an hour ends before it is rolled up. */
  graceMs?: number;
  /** Reclaims the space of deleted rows (PGlite has no autovacuum). */
  vacuum?: boolean;
  onError?: (error: unknown) => void;
  /** Told after every run that changed something. */
  onRun?: (report: RetentionReport) => void;
  /** Told after every transaction: which step, when it started (performance.now()), how long it took, how many results. */
  onBatch?: (batch: RetentionBatch) => void;
}

export interface RetentionBatch {
  step: 'rollup' | 'prune-results' | 'prune-rollups';
  startedAt: number;
  ms: number;
  /** Results rolled up, or rows deleted. */
  count: number;
}

/** What one run did. */
export interface RetentionReport {
  hoursRolledUp: number;
  rawRowsPruned: number;
  rollupRowsPruned: number;
  deleteBatches: number;
  /** The longest single transaction (a rollup or a delete): how long the job held the database at once. */
  longestBatchMs: number;
  vacuumMs: number;
  durationMs: number;
  /** Raw results before this are gone (rolled up); null until the first prune. */
  rawPrunedBefore: Date | null;
}

/** Running totals, for /metrics. */
export interface RetentionStats {
  runs: number;
  failures: number;
  hoursRolledUp: number;
  rawRowsPruned: number;
  rollupRowsPruned: number;
  deleteBatches: number;
  /** When the last successful run finished. */
  lastRunAt: Date | null;
  lastRunDurationMs: number | null;
  longestBatchMs: number;
}

const DEFAULTS = {
  startDelayMs: 10_000,
  intervalMs: 5 * 60_000,
  batchSize: 5000,
  pauseMs: 50,
  maxHoursPerTransaction: 24,
  // A check is stamped when it starts and may take up to 60 s; the rest is room for a slow write.
  graceMs: 5 * 60_000,
};

/** Longest span of time one prune statement looks at (sparse histories). */
const MAX_SPAN_HOURS = 7 * 24;

/**
 * Keeps check data from growing forever: rolls finished hours up into check_rollups_hourly, then
 * deletes raw results past their retention, then rollups past theirs — in small transactions with
 * pauses between them, so the checks and their writer keep going. One run at a time; runs again
 * every `intervalMs` after start(). Every step can be repeated safely, and instances sharing a
 * database take turns (an advisory lock).
 * @example const job = new RetentionJob(db, { checkRetentionDays: 30, rollupRetentionDays: 400 }); job.start(); … await job.stop();
 */
export class RetentionJob {
  readonly stats: RetentionStats = {
    runs: 0,
    failures: 0,
    hoursRolledUp: 0,
    rawRowsPruned: 0,
    rollupRowsPruned: 0,
    deleteBatches: 0,
    lastRunAt: null,
    lastRunDurationMs: null,
    longestBatchMs: 0,
  };
  private readonly options: Required<Omit<RetentionOptions, 'onError' | 'onRun' | 'onBatch'>> & Pick<RetentionOptions, 'onError' | 'onRun' | 'onBatch'>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;
  /** Rows deleted per table since its last VACUUM (this process). */
  private readonly unvacuumed = new Map<string, number>();

  constructor(
    private readonly db: Database,
    options: RetentionOptions,
  ) {
    this.options = { ...DEFAULTS, vacuum: false, ...options };
  }

  /** Runs after `startDelayMs`, then every `intervalMs`; failures are reported to onError and retried next time. */
  start(): void {
    this.stopping = false;
    this.plan(this.options.startDelayMs);
  }

  /** No further runs; a run in progress stops after its current batch. Resolves when it has. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running.catch(() => {});
  }

  /**
   * One run now, as of `now`, after any run in progress. Rejects if a step fails (the steps done
   * before it stay done).
   */
  runOnce(now = new Date()): Promise<RetentionReport> {
    const run = this.running.catch(() => {}).then(() => this.run(now));
    this.running = run;
    return run;
  }

  private plan(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .then(
          (report) => {
            if (report.hoursRolledUp + report.rawRowsPruned + report.rollupRowsPruned > 0) this.options.onRun?.(report);
          },
          (error) => {
            this.stats.failures++;
            this.options.onError?.(error);
          },
        )
        .finally(() => this.plan(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async run(now: Date): Promise<RetentionReport> {
    const started = performance.now();
    const report: RetentionReport = {
      hoursRolledUp: 0,
      rawRowsPruned: 0,
      rollupRowsPruned: 0,
      deleteBatches: 0,
      longestBatchMs: 0,
      vacuumMs: 0,
      durationMs: 0,
      rawPrunedBefore: null,
    };
    try {
      await this.steps(now, report);
      report.durationMs = performance.now() - started;
      this.stats.runs++;
      this.stats.lastRunAt = new Date();
      this.stats.lastRunDurationMs = report.durationMs;
      return report;
    } finally {
      // What a failed run did before failing is done, and counted.
      const s = this.stats;
      s.hoursRolledUp += report.hoursRolledUp;
      s.rawRowsPruned += report.rawRowsPruned;
      s.rollupRowsPruned += report.rollupRowsPruned;
      s.deleteBatches += report.deleteBatches;
      s.longestBatchMs = Math.max(s.longestBatchMs, report.longestBatchMs);
    }
  }

  private async steps(now: Date, report: RetentionReport): Promise<void> {
    const { checkRetentionDays, rollupRetentionDays, batchSize } = this.options;

    // 1. Roll up every completed hour.
    await this.rollUp(now, report);
    if (this.stopping) return;

    // 2. Delete raw results past retention, but none of an hour not rolled up.
    report.rawPrunedBefore = await advanceRawPruneHorizon(this.db, floorHour(new Date(now.getTime() - checkRetentionDays * DAY_MS)));
    if (report.rawPrunedBefore) await this.pruneRawResults(report.rawPrunedBefore, report);

    // 3. Delete rollups past theirs (kept at least as long as raw results).
    const rollupCutoff = floorHour(new Date(now.getTime() - Math.max(rollupRetentionDays, checkRetentionDays) * DAY_MS));
    while (!this.stopping) {
      const deleted = await this.timed(report, 'prune-rollups', () => deleteRollupsBatch(this.db, rollupCutoff, batchSize));
      if (deleted === undefined) break;
      report.rollupRowsPruned += deleted;
      if (deleted < batchSize) break;
      await this.pause();
    }

    // 4. PGlite never vacuums by itself: without this the space of deleted rows would never be reused.
    if (this.options.vacuum && !this.stopping) {
      const started = performance.now();
      await this.vacuumIfDue('check_results', report.rawRowsPruned);
      await this.vacuumIfDue('check_rollups_hourly', report.rollupRowsPruned);
      report.vacuumMs = performance.now() - started;
    }
  }

  /**
   * Rolls up every completed hour, sizing each transaction to about `batchSize` results: as many
   * hours as fit (up to maxHoursPerTransaction) when the results are sparse, one hour of a part of
   * the endpoints when even one hour of all of them is too much.
   */
  private async rollUp(now: Date, report: RetentionReport): Promise<void> {
    const { batchSize, maxHoursPerTransaction, graceMs } = this.options;
    let hours = 1;
    let maxEndpoints: number | undefined;
    let resume: RollUpResume | null = null;
    while (!this.stopping) {
      const startedAt = performance.now();
      const done = await rollUpNextHours(this.db, { now, graceMs, maxHours: hours, maxEndpoints, resume });
      if (!done) return;
      const span = (done.to.getTime() - done.from.getTime()) / HOUR_MS;
      if (done.complete) report.hoursRolledUp += span;
      resume = done.next;
      const ms = performance.now() - startedAt;
      report.longestBatchMs = Math.max(report.longestBatchMs, ms);
      this.options.onBatch?.({ step: 'rollup', startedAt, ms, count: done.rows });
      if (done.rows === 0 || done.endpoints === 0) {
        hours = Math.min(hours * 2, maxHoursPerTransaction);
      } else {
        // How many endpoint-hours make a batch, at the density just seen.
        const fit = batchSize / (done.rows / (done.endpoints * span));
        if (fit >= done.totalEndpoints) {
          // (At most twice as many hours as last time: the first hour is often only partly filled.)
          hours = Math.max(1, Math.min(Math.floor(fit / done.totalEndpoints), hours * 2, maxHoursPerTransaction));
          maxEndpoints = undefined;
        } else {
          hours = 1;
          maxEndpoints = Math.max(1, Math.floor(fit));
        }
      }
      await this.pause();
    }
  }

  /**
   * Deletes raw results older than `horizon`, oldest first, span by span: a span is at most
   * `batchSize` rows per statement (more statements while it is full), and grows over sparse
   * stretches so that a long, thin history takes few statements. Nothing to remember between runs:
   * each starts from the oldest result left.
   */
  private async pruneRawResults(horizon: Date, report: RetentionReport): Promise<void> {
    const { batchSize } = this.options;
    const oldest = await oldestCheckResult(this.db);
    if (!oldest || oldest >= horizon) return;
    let from = floorHour(oldest);
    let spanHours = 1;
    while (from < horizon && !this.stopping) {
      const to = new Date(Math.min(from.getTime() + spanHours * HOUR_MS, horizon.getTime()));
      const deleted = await this.timed(report, 'prune-results', () => deleteCheckResultsBatch(this.db, from, to, batchSize));
      if (deleted === undefined) return;
      report.rawRowsPruned += deleted;
      if (deleted === batchSize) {
        spanHours = Math.max(1, spanHours / 2);
      } else {
        from = to;
        if (deleted < batchSize / 2) spanHours = Math.min(spanHours * 2, MAX_SPAN_HOURS);
      }
      if (deleted > 0) await this.pause();
    }
  }

  /** Runs one delete statement, counting it and its duration. */
  private async timed(report: RetentionReport, step: RetentionBatch['step'], batch: () => Promise<number | undefined>): Promise<number | undefined> {
    const startedAt = performance.now();
    const deleted = await batch();
    if (deleted !== undefined) {
      const ms = performance.now() - startedAt;
      report.deleteBatches++;
      report.longestBatchMs = Math.max(report.longestBatchMs, ms);
      this.options.onBatch?.({ step, startedAt, ms, count: deleted });
    }
    return deleted;
  }

  /** VACUUM once a tenth of the table has been deleted since the last one, as autovacuum would. */
  private async vacuumIfDue(table: 'check_results' | 'check_rollups_hourly', deleted: number): Promise<void> {
    const unvacuumed = (this.unvacuumed.get(table) ?? 0) + deleted;
    this.unvacuumed.set(table, unvacuumed);
    if (unvacuumed === 0) return;
    const [row] = rowsOf<{ rows: number }>(await this.db.execute(sql`select reltuples::float8 as rows from pg_class where oid = ${table}::regclass`));
    // reltuples is -1 until the first VACUUM or ANALYZE.
    if (row && row.rows >= 0 && unvacuumed < row.rows * 0.1) return;
    await this.db.execute(sql.raw(`vacuum ${table}`));
    this.unvacuumed.set(table, 0);
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
  }
}
