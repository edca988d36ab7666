/** What the check bench reads straight from the database: rows stored, leases held, the PostgreSQL backends' CPU. */
import { adminSql, type BenchDatabase } from '../support/databases.ts';
import { processCpuSeconds } from '../support/proc.ts';
import { withTimeout } from '../support/waits.ts';

/** CPU seconds of the PostgreSQL backends serving `database`, and of the shared writer processes. */
export async function postgresCpu(database: string): Promise<{ backends: Map<number, number>; aux: Map<number, number> }> {
  const rows = await withTimeout(
    adminSql()<{ pid: number; datname: string | null; backend_type: string }[]>`
      select pid, datname, backend_type from pg_stat_activity
      where datname = ${database} or backend_type in ('walwriter', 'checkpointer', 'background writer')`,
    10_000,
    'pg_stat_activity',
  );
  const backends = new Map<number, number>();
  const aux = new Map<number, number>();
  for (const row of rows) {
    const cpu = processCpuSeconds(row.pid);
    if (cpu === null) continue;
    (row.datname === database ? backends : aux).set(row.pid, cpu);
  }
  return { backends, aux };
}

export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, cpu] of after) sum += cpu - (before.get(pid) ?? cpu); // a backend born mid-window counts from its first sight
  return sum;
}

export async function countRows(db: BenchDatabase, unpause: boolean): Promise<number> {
  return db.direct(async (query) => {
    if (unpause) await query('update endpoints set paused = false');
    const [row] = await query('select count(*)::int as n from check_results');
    return Number(row?.n ?? NaN);
  });
}

/** Lease rows per instance (PostgreSQL, while the instances run). */
export async function leasesByInstance(db: BenchDatabase): Promise<Map<string, number>> {
  return db.direct(async (query) => {
    const rows = await query("select coalesce(instance_id, '(free)') as id, count(*)::int as n from endpoint_leases group by 1");
    return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
  });
}
