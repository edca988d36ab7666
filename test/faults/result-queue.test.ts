import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import type { Check, Endpoint } from '../../server/contract/types.ts';
import { startFaultTarget } from '../support/fault-target.ts';
import { startThrowawayPostgres } from '../support/throwaway-postgres.ts';
import { startTestVigil, waitFor } from '../support/vigil.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('the result queue while the database is away', () => {
  it('overflows by dropping the oldest plain results, never a status change or an incident change, and counts them', async () => {
    const pg = await startThrowawayPostgres();
    cleanups.push(() => pg.destroy());
    const target = await startFaultTarget();
    cleanups.push(() => target.close());
    const vigil = await startTestVigil({ DATABASE_URL: pg.url, RESULT_QUEUE_LIMIT: '100', LOG_LEVEL: 'silent' });
    cleanups.push(() => vigil.dispose());
    const statusChanges: string[] = [];
    vigil.bus.on('endpoint:status-changed', (e) => statusChanges.push(`${e.endpointId}:${e.currentStatus}:${e.timestamp}`));

    // Paused: only the manual checks below produce results.
    const endpoints: Endpoint[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await vigil.api('POST', '/api/endpoints', { name: `q${i}`, url: target.url(`/q/${i}`), paused: true, failureThreshold: 3 });
      expect(created.status).toBe(201);
      endpoints.push(created.body);
    }
    const check = async (endpoint: Endpoint) => {
      const answer = await vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body;
    };
    for (const endpoint of endpoints) await check(endpoint);
    await waitFor(() => vigil.writer.pending === 0);

    await pg.stop('immediate');
    // 4 × 50 checks into a queue of 100; q0 goes DOWN (incident at the 3rd failure) and UP again.
    const checks: Check[] = [];
    for (let round = 0; round < 50; round++) {
      if (round === 10) target.failing('/q/0');
      if (round === 30) target.up('/q/0');
      for (const endpoint of endpoints) checks.push(await check(endpoint));
    }
    const during = (await vigil.api<string>('GET', '/metrics')).body;
    expect(metric(during, 'vigil_check_results_pending')).toBeLessThanOrEqual(100 + 8);
    expect(metric(during, 'vigil_check_results_dropped_total')).toBeGreaterThanOrEqual(200 - 108);
    expect(metric(during, 'vigil_check_result_write_failing')).toBe(1);

    await pg.start();
    await waitFor(() => vigil.writer.pending === 0 && !vigil.writer.failing, 30_000, 'the queue to drain');
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    cleanups.push(() => sql.end());
    const stored = await sql<{ id: string; endpoint_id: string; status: string }[]>`select id, endpoint_id, status from check_results`;
    const storedIds = new Set(stored.map((r) => r.id));
    const dropped = metric((await vigil.api<string>('GET', '/metrics')).body, 'vigil_check_results_dropped_total');
    expect(stored.length).toBe(4 + checks.length - dropped);

    // Every check that changed a status is stored (q0: UP → DOWN at round 10, DOWN → UP at round 30)…
    const q0 = checks.filter((c) => c.endpointId === endpoints[0]!.id);
    expect(statusChanges.filter((s) => s.startsWith(endpoints[0]!.id))).toHaveLength(2 + 1);
    expect(storedIds.has(q0[10]!.id)).toBe(true);
    expect(storedIds.has(q0[30]!.id)).toBe(true);
    // …and so is the one that opened the incident; the incident counts all 20 failures and is resolved.
    expect(storedIds.has(q0[12]!.id)).toBe(true);
    const incidents = await sql<
      { failure_count: number; resolved_at: Date | null }[]
    >`select failure_count, resolved_at from incidents where endpoint_id = ${endpoints[0]!.id}`;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.failure_count).toBe(20);
    expect(incidents[0]!.resolved_at).not.toBeNull();
    // The newest result of every endpoint is stored, and the endpoint's row says what it said.
    for (const endpoint of endpoints) {
      const last = checks.filter((c) => c.endpointId === endpoint.id).at(-1)!;
      expect(storedIds.has(last.id)).toBe(true);
      const [row] = await sql<{ last_checked_at: Date; status: string }[]>`select last_checked_at, status from endpoints where id = ${endpoint.id}`;
      expect(row!.last_checked_at.toISOString()).toBe(last.checkedAt);
      expect(row!.status).toBe('UP');
    }
    // What was dropped went first from the oldest: the newest results are all there.
    const newest = checks.slice(-60);
    expect(newest.every((c) => storedIds.has(c.id))).toBe(true);
  }, 90_000);
});
