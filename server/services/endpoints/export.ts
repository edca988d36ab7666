import { asc } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import type { EndpointsFile } from '../../contract/types.ts';
import { TRANSFER_FORMAT } from '../../domain/endpoint-transfer.ts';
import type { ServiceContext } from '../context.ts';
import { definitionOf } from '../monitor-registry.ts';

/** Every endpoint's id and definition, in creation order: the file POST /api/import reads. */
export async function exportEndpoints(ctx: ServiceContext): Promise<EndpointsFile> {
  const rows = await ctx.db.select().from(endpoints).orderBy(asc(endpoints.createdAt), asc(endpoints.id));
  return {
    ...TRANSFER_FORMAT,
    exportedAt: new Date().toISOString(),
    endpoints: rows.map((row) => ({ id: row.id, ...definitionOf(row) })),
  };
}
