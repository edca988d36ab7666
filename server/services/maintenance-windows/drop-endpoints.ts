import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { pgArray } from '../../../db/pg-array.ts';

/**
 * Takes deleted endpoints out of the maintenance windows, notification channels and status page
 * sections that name them, in the transaction that deletes them: an array cannot have a foreign key.
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
  const gone = sql`${pgArray(endpointIds)}::text[]`;
  await tx.execute(sql`
    update status_pages
    set sections = (
      select coalesce(jsonb_agg(jsonb_set(s, '{endpointIds}', coalesce(
        (select jsonb_agg(e order by n) from jsonb_array_elements_text(s->'endpointIds') with ordinality as x(e, n) where e <> all(${gone})),
        '[]'::jsonb)) order by i), '[]'::jsonb)
      from jsonb_array_elements(sections) with ordinality as t(s, i))
    where exists (
      select 1 from jsonb_array_elements(sections) as s, jsonb_array_elements_text(s->'endpointIds') as e where e = any(${gone}))`);
}
