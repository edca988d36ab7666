import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { expectWatchingThroughout, runOutage } from '../support/outage-scenario.ts';
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
            const open = await sql<
              { endpoint_id: string; failure_count: number }[]
            >`select endpoint_id, failure_count from incidents where resolved_at is null`;
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
    const context = expectWatchingThroughout(report);

    // The metrics say the counts are the last known, and how many results wait.
    expect(report.metricsDuring).toMatch(/^vigil_database_up 0$/m);
    expect(Number(/^vigil_check_results_pending (\d+)$/m.exec(report.metricsDuring)?.[1])).toBeGreaterThan(50);
    // REST says plainly that the database is away, quickly, every time: no request waits on the
    // connection pool for the outage to end.
    expect(report.restStatus, context).toBe(503);
    // A status page never built before cannot be built now: a 503 that says so, and when to come back.
    expect(report.coldPageDuring, context).toEqual({ status: 503, retryAfter: '5', saysUnavailable: true });
    expect(report.restMs).toBeLessThanOrEqual(2000);
    expect(report.restContentType).toBe('application/problem+json');
    expect(report.restRetryAfter).toBe('5');
    expect(report.restDetail).toMatch(/database is unavailable/);
    expect(report.restDuringOutage.length).toBeGreaterThan(8);
    expect(
      report.restDuringOutage.filter((p) => p.status !== 503 || p.ms > 2000),
      context,
    ).toEqual([]);
    // The log says what is wrong in a few short lines.
    const failures = report.logLines.filter((l) => /cannot write check results/.test(l.msg));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(3);
  }, 120_000);
});
