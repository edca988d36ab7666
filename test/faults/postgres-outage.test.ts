import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { runOutage } from '../support/outage-scenario.ts';
import { startThrowawayPostgres } from '../support/throwaway-postgres.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe('while PostgreSQL is down', () => {
  it('keeps checking, tells of a failure at once, answers 503 and /metrics, and stores every result once it is back', async () => {
    const pg = await startThrowawayPostgres();
    cleanups.push(() => pg.destroy());
    const report = await runOutage(
      {
        env: { DATABASE_URL: pg.url, LEASE_TTL_MS: '4000' },
        endpoints: 20,
        outageMs: 12_000,
        breakDatabase: () => pg.stop('immediate'),
        restoreDatabase: () => pg.start(),
        readStored: async () => {
          const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
          try {
            const checks = await sql<{ endpoint_id: string; checked_at: Date; id: string }[]>`select endpoint_id, checked_at, id from check_results`;
            const open = await sql<{ endpoint_id: string; failure_count: number }[]>`select endpoint_id, failure_count from incidents where resolved_at is null`;
            return {
              checks: checks.map((r) => ({ endpointId: r.endpoint_id, checkedAt: r.checked_at.getTime(), id: r.id })),
              openIncidents: open.map((r) => ({ endpointId: r.endpoint_id, failureCount: r.failure_count })),
            };
          } finally {
            await sql.end();
          }
        },
      },
      cleanups,
    );
    const context = JSON.stringify({ ...report, vigil: undefined, metricsDuring: undefined, logLines: report.logLines.slice(-30) }, null, 1);

    // Checking went on: at least 95 % of the requests the schedule asks for.
    expect(report.receivedDuringOutage, context).toBeGreaterThanOrEqual(Math.floor(report.expectedDuringOutage * 0.95));
    // The failure was told at once, over the socket and the webhook.
    expect(report.statusChangedAfterMs, context).toBeLessThan(1000);
    expect(report.incidentStartedAfterMs, context).toBeLessThan(1000);
    expect(report.webhookAfterMs, context).toBeLessThan(1000);
    // /metrics answered every time, with the queue and the failing writes in it.
    expect(report.metricsAnswers.length).toBeGreaterThan(8);
    expect(report.metricsAnswers.every((s) => s === 200), context).toBe(true);
    expect(report.metricsDuring).toMatch(/^vigil_check_result_write_failing 1$/m);
    expect(report.metricsDuring).toMatch(/^vigil_database_up 0$/m);
    expect(Number(/^vigil_check_results_pending (\d+)$/m.exec(report.metricsDuring)?.[1])).toBeGreaterThan(50);
    // REST says plainly that the database is away, quickly.
    expect(report.restStatus, context).toBe(503);
    expect(report.restMs).toBeLessThanOrEqual(2000);
    expect(report.restContentType).toBe('application/problem+json');
    expect(report.restRetryAfter).toBe('5');
    // …every time, not only at first: no request waits on the connection pool for the outage to end.
    expect(report.restDuringOutage.length).toBeGreaterThan(8);
    expect(report.restDuringOutage.filter((p) => p.status !== 503 || p.ms > 2000), context).toEqual([]);
    expect(Math.max(...report.metricsMs), context).toBeLessThan(1000);
    expect(report.restDetail).toMatch(/database is unavailable/);
    expect(report.readyzDuring.status).toBe(503);
    expect(report.readyzAfter).toBe(200);
    // Every result of the run is stored, once; one open incident counts every failure.
    expect(report.mismatches, context).toEqual([]);
    expect(report.duplicateChecks).toBe(0);
    expect(report.openIncidentsOfFlipper).toHaveLength(1);
    expect(report.openIncidentsOfFlipper[0]!.failureCount).toBe(report.flipperFailuresSeen);
    // The log says what is wrong in short lines, not SQL with every parameter.
    const failures = report.logLines.filter((l) => /cannot write check results/.test(l.msg));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(3);
    expect(report.logLines.every((l) => l.msg.length < 600), context).toBe(true);
    expect(report.logLines.some((l) => /Failed query/.test(l.msg))).toBe(false);
  }, 120_000);
});
