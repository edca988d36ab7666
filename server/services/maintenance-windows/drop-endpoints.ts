import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { pgArray } from '../../../db/pg-array.ts';

/**
 * Takes deleted endpoints out of the maintenance windows and notification channels that name
 * them, in the transaction that deletes them: an array cannot have a foreign key.
 */
export async function dropEndpointsFromWindows(tx: Database, endpointIds: string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  await tx.execute(sql`
    update maintenance_windows
    set endpoint_ids = array(select id from unnest(endpoint_ids) as id where id <> all(${pgArray(endpointIds)}::uuid[]))
    where endpoint_ids && ${pgArray(endpointIds)}::uuid[]`);
  await tx.execute(sql`
    update notification_channels
    set endpoint_ids = array(select id from unnest(endpoint_ids) as id where id <> all(${pgArray(endpointIds)}::uuid[]))
    where endpoint_ids && ${pgArray(endpointIds)}::uuid[]`);
}
