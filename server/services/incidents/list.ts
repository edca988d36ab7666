import { and, eq, isNotNull, isNull, type SQL } from 'drizzle-orm';
import { endpoints, incidents, type IncidentRow } from '../../../db/schema/index.ts';
import type { Incident, Page } from '../../contract/types.ts';
import { parseIncidentListQuery } from '../../domain/list-queries.ts';
import { codeOfCheckError } from '../../domain/check-errors.ts';
import type { ServiceContext } from '../context.ts';
import { causeOf } from '../../state/stored-monitors.ts';
import { afterCursor, descIndexed, pageOf } from '../pagination.ts';

/** Incidents, newest first, optionally only open or resolved ones, or one endpoint's. */
export async function listIncidents(ctx: ServiceContext, rawQuery: Record<string, string>): Promise<Page<Incident>> {
  const query = parseIncidentListQuery(rawQuery);
  const where: (SQL | undefined)[] = [];
  if (query.status === 'open') where.push(isNull(incidents.resolvedAt));
  if (query.status === 'resolved') where.push(isNotNull(incidents.resolvedAt));
  if (query.endpointId) where.push(eq(incidents.endpointId, query.endpointId));
  if (query.cursor) where.push(afterCursor(query.cursor, 'desc', { at: incidents.startedAt, id: incidents.id }));
  const rows = await ctx.db
    .select({ incident: incidents, endpointName: endpoints.name })
    .from(incidents)
    .innerJoin(endpoints, eq(endpoints.id, incidents.endpointId))
    .where(and(...where))
    .orderBy(descIndexed(incidents.startedAt), descIndexed(incidents.id))
    .limit(query.limit + 1);
  return pageOf(rows, query.limit, (r) => ({ at: r.incident.startedAt, id: r.incident.id }), toIncident);
}

export function toIncident({ incident, endpointName }: { incident: IncidentRow; endpointName: string }): Incident {
  return {
    id: incident.id,
    endpointId: incident.endpointId,
    endpointName,
    startedAt: incident.startedAt.toISOString(),
    resolvedAt: incident.resolvedAt?.toISOString() ?? null,
    failureCount: incident.failureCount,
    errorMessage: incident.errorMessage,
    ...codeOfCheckError(incident.errorMessage),
    causedBy: causeOf(incident),
  };
}
