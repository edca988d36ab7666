/**
 * An ownership claim racing a delete on PostgreSQL: the endpoint is deleted by another
 * connection while the claim runs. The claim must skip it, not fail on the lease's foreign key
 * (seen in CI as "endpoint ownership tick failed: 23503" after a create, change and delete).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle, rowsOf } from '../../db/client.ts';
import { endpoints } from '../../db/schema/index.ts';
import { clusterPlacement } from '../../server/cluster/cluster-placement.ts';
import { parseEndpointCreate } from '../../server/domain/endpoint-input.ts';
import { MonitorRegistry } from '../../server/state/monitor-registry.ts';
import { createTestDatabase, type TestDatabase } from '../support/vigil.ts';

let created: TestDatabase;
let handle: DatabaseHandle;
let other: postgres.Sql;

beforeAll(async () => {
  created = await createTestDatabase();
  handle = await createDatabase({ databaseUrl: created.env.DATABASE_URL, dataDir: 'memory://' });
  await handle.migrate();
  other = postgres(created.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await other?.end();
  await handle?.close();
  await created?.dispose();
});

it('skips an endpoint whose delete commits while the claim waits for it, and claims the others', async () => {
  const now = new Date();
  const [gone, kept] = [randomUUID(), randomUUID()];
  await handle.db.insert(endpoints).values(
    [gone, kept].map((id) => ({
      id,
      ...parseEndpointCreate({ name: id, url: 'http://example.test/', intervalSeconds: 3600 }),
      createdAt: now,
      updatedAt: now,
    })),
  );
  const registry = new MonitorRegistry();
  await registry.load(handle.db);
  const errors: unknown[] = [];
  const { placement, ownership } = clusterPlacement({
    db: handle.db,
    instanceId: 'claimer',
    leaseTtlMs: 60_000,
    registry,
    writer: { drain: async () => true, hasPending: () => false },
    checks: { run: async () => {} },
    onTickError: (error) => errors.push(error),
  });

  // The delete is not committed yet when the claim reads the endpoints; it commits while the claim runs.
  let claiming: Promise<void> | undefined;
  await other.begin(async (tx) => {
    await tx`delete from endpoints where id = ${gone}`;
    claiming = placement.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
  await claiming;
  await ownership.settled();

  expect(errors).toEqual([]);
  const leases = rowsOf<{ endpoint_id: string; instance_id: string }>(await handle.db.execute(sql`select endpoint_id, instance_id from endpoint_leases`));
  expect(leases).toEqual([{ endpoint_id: kept, instance_id: 'claimer' }]);
  await placement.stop(0);
});
