/**
 * Watching several Vigil instances through their shared PostgreSQL while a bench runs: every
 * `everyMs`, how old each instance's heartbeat is (vigil_instances) and how many endpoint leases it
 * holds (endpoint_leases). A heartbeat older than the lease TTL lets the others take that instance's
 * endpoints, alive or not — so its maximum age says whether the instances stayed fenced apart.
 */
import postgres from 'postgres';
import { onCleanup } from './cleanup.ts';
import { sleep, withTimeout } from './waits.ts';

export interface ClusterSample {
  /** Date.now() when the answer arrived. */
  t: number;
  /** instance id → heartbeat age in ms, as PostgreSQL's clock sees it. */
  heartbeatAgeMs: Record<string, number>;
  /** instance id → leases held; `(free)` for leases nobody holds. */
  leases: Record<string, number>;
}

export interface ClusterWatch {
  samples: ClusterSample[];
  /** The oldest heartbeat seen per instance, optionally only between `from` and `to` (Date.now()). */
  maxHeartbeatAge(from?: number, to?: number): Record<string, { ageMs: number; at: number }>;
  stop(): Promise<void>;
}

/** Starts sampling the cluster tables of the database at `databaseUrl`. */
export function watchCluster(databaseUrl: string, everyMs = 500): ClusterWatch {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const samples: ClusterSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const tick = Date.now();
      try {
        const rows = await withTimeout(
          sql<{ id: string | null; age: number | null; leases: number }[]>`
            select i.id, (extract(epoch from (clock_timestamp() - i.heartbeat_at)) * 1000)::int as age,
                   (select count(*)::int from endpoint_leases l where l.instance_id = i.id) as leases
            from vigil_instances i
            union all
            select null, null, count(*)::int from endpoint_leases where instance_id is null`,
          10_000,
          'reading vigil_instances',
        );
        const sample: ClusterSample = { t: Date.now(), heartbeatAgeMs: {}, leases: {} };
        for (const row of rows) {
          if (row.id === null) sample.leases['(free)'] = row.leases;
          else {
            sample.heartbeatAgeMs[row.id] = row.age ?? NaN;
            sample.leases[row.id] = row.leases;
          }
        }
        samples.push(sample);
      } catch {
        /* the tables do not exist yet (migrations running) or the database is going away */
      }
      await sleep(Math.max(0, everyMs - (Date.now() - tick)));
    }
  })();
  const close = async () => {
    running = false;
    await withTimeout(loop, 15_000, 'the cluster watcher to finish').catch(() => {});
    await withTimeout(sql.end({ timeout: 2 }), 5_000, 'closing the cluster watcher connection').catch(() => {});
    done();
  };
  const done = onCleanup('handles', close);
  return {
    samples,
    maxHeartbeatAge: (from = 0, to = Infinity) => {
      const out: Record<string, { ageMs: number; at: number }> = {};
      for (const s of samples) {
        if (s.t < from || s.t > to) continue;
        for (const [id, age] of Object.entries(s.heartbeatAgeMs)) if (Number.isFinite(age) && age > (out[id]?.ageMs ?? -1)) out[id] = { ageMs: age, at: s.t };
      }
      return out;
    },
    stop: close,
  };
}
