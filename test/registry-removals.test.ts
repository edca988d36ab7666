import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { endpoints } from '../db/schema/index.ts';
import { endpointRow } from './support/pending-writes.ts';
import { useTestDatabase } from './support/test-database.ts';
import { MonitorRegistry } from '../server/state/monitor-registry.ts';

// An endpoint being deleted must not come back through a read of the database that raced the
// delete (an ownership claim, a check-now reload, a remote change): its check results would then
// be written against a row that is gone. Seen in CI as a foreign-key failure after a quick
// create, update and delete on PostgreSQL.
describe('an endpoint removed from the registry stays removed', () => {
  const database = useTestDatabase();

  async function storedEndpoint(): Promise<string> {
    const id = randomUUID();
    await database.db.insert(endpoints).values(endpointRow(id, { name: `removal ${id}` }));
    return id;
  }

  async function loadedRegistry(): Promise<MonitorRegistry> {
    const registry = new MonitorRegistry();
    await registry.load(database.db);
    return registry;
  }

  it('a reload begun before the removal does not bring it back', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    const reading = registry.reload(database.db, [id]);
    registry.beginRemoval(id);
    expect(await reading).toEqual([]);
    expect(registry.has(id)).toBe(false);
  });

  it('a reload begun while the delete is not committed does not bring it back', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    registry.beginRemoval(id);
    // The row is still there: the delete has not reached the database yet.
    expect(await registry.reload(database.db, [id])).toEqual([]);
    expect(await registry.reloadDefinitions(database.db, [id])).toEqual([id]);
    expect(registry.has(id)).toBe(false);
  });

  it('a reload begun before the delete committed does not bring it back afterwards', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    registry.beginRemoval(id);
    const reading = registry.reload(database.db, [id]);
    registry.remove(id);
    await reading;
    expect(registry.has(id)).toBe(false);
  });

  it('a failed delete puts it back, and reloads see it again', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    const entry = registry.get(id)!;
    registry.beginRemoval(id);
    registry.restore(entry);
    expect(await registry.reload(database.db, [id])).toEqual([id]);
    expect(registry.get(id)?.definition.name).toBe(`removal ${id}`);
  });

  it('an endpoint created again under the same id (an import) is read again', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    const reading = registry.reload(database.db, [id]);
    registry.remove(id);
    await reading;
    const [row] = await database.db.select().from(endpoints).where(eq(endpoints.id, id));
    registry.add(row!);
    expect(await registry.reload(database.db, [id])).toEqual([id]);
    expect(registry.has(id)).toBe(true);
  });

  it('a removal with no read in flight leaves nothing behind, and later reads find a re-created row', async () => {
    const id = await storedEndpoint();
    const registry = await loadedRegistry();
    registry.remove(id);
    // Another instance re-created it (its row is here): a later read is not held back.
    expect(await registry.reload(database.db, [id])).toEqual([id]);
    expect(registry.has(id)).toBe(true);
  });
});
