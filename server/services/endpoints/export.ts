import { asc } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import type { EndpointsFile } from '../../contract/types.ts';
import { TRANSFER_FORMAT, type ExportOptions } from '../../domain/endpoint-transfer.ts';
import { redactDefinition } from '../../domain/secrets.ts';
import type { ServiceContext } from '../context.ts';
import { definitionOf } from '../../state/stored-monitors.ts';

/**
 * Every endpoint's and maintenance window's id and definition, in creation order: the file POST /api/import reads.
 * Secrets are redacted unless `secrets: 'include'` (who may ask for that is the caller's to decide).
 */
export async function exportEndpoints(ctx: ServiceContext, options: ExportOptions = { secrets: 'redact' }): Promise<EndpointsFile> {
  const rows = await ctx.db.select().from(endpoints).orderBy(asc(endpoints.createdAt), asc(endpoints.id));
  const shown = options.secrets === 'include' ? definitionOf : (row: (typeof rows)[number]) => redactDefinition(definitionOf(row));
  return {
    ...TRANSFER_FORMAT,
    exportedAt: new Date().toISOString(),
    endpoints: rows.map((row) => ({ id: row.id, ...shown(row) })),
    maintenanceWindows: [...ctx.calendar.values()]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
      .map((w) => ({ id: w.id, ...w.definition })),
  };
}
