import { inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { endpoints } from '../../../db/schema/index.ts';
import type { MonitorRegistry } from '../../state/monitor-registry.ts';

/**
 * Every endpoint's parent as known here, plus those of `ids` the registry does not hold yet, read
 * from the database: on several instances, an endpoint created on another one a moment ago may
 * not have reached this registry (its change travels as an event), yet it exists.
 */
export async function parentsOfEndpoints(db: Database, registry: Pick<MonitorRegistry, 'values' | 'has'>, ids: string[]): Promise<Map<string, string | null>> {
  const parents = new Map<string, string | null>();
  for (const entry of registry.values()) parents.set(entry.id, entry.definition.parentId);
  const missing = [...new Set(ids)].filter((id) => !registry.has(id));
  if (missing.length > 0) {
    for (const row of await db.select({ id: endpoints.id, parentId: endpoints.parentId }).from(endpoints).where(inArray(endpoints.id, missing))) {
      parents.set(row.id, row.parentId);
    }
  }
  return parents;
}
