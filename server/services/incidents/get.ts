import { and, count, eq, gt, lte, type SQL } from 'drizzle-orm';
import { checkResults, endpoints, incidents } from '../../../db/schema/index.ts';
import type { Check, IncidentDetail } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { listChecks } from '../checks/list.ts';
import type { ServiceContext } from '../context.ts';
import { toIncident } from './list.ts';

/** Checks shown up to the one that opened the incident: the failures that opened it and what came before. */
export const CHECKS_BEFORE_INCIDENT = 10;
/** Checks shown from the incident's start to its end (the newest ones when there were more). */
export const CHECKS_DURING_INCIDENT = 200;

/**
 * One incident with the timeline of its endpoint's checks, oldest first:
 * 1. up to CHECKS_BEFORE_INCIDENT checks up to its start (the one that opened it included);
 * 2. the checks after that, up to the one that resolved it (or now, while open): the newest
 *    CHECKS_DURING_INCIDENT, `omittedChecks` counting the older ones left out.
 */
export async function getIncident(ctx: ServiceContext, id: string): Promise<IncidentDetail> {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path: 'id', message: 'must be a UUID', code: 'invalid_uuid' }]);
  const [row] = await ctx.db
    .select({ incident: incidents, endpointName: endpoints.name })
    .from(incidents)
    .innerJoin(endpoints, eq(endpoints.id, incidents.endpointId))
    .where(eq(incidents.id, id));
  if (!row) throw new NotFoundError('Incident', id);
  const { incident } = row;

  const startedAt = incident.startedAt.toISOString();
  const resolvedAt = incident.resolvedAt?.toISOString() ?? null;
  const before = await listChecks(ctx, incident.endpointId, { to: startedAt, limit: String(CHECKS_BEFORE_INCIDENT) });
  const duringQuery: Record<string, string> = { from: startedAt, limit: String(CHECKS_DURING_INCIDENT + 1) };
  if (resolvedAt) duringQuery.to = resolvedAt;
  const during = (await listChecks(ctx, incident.endpointId, duringQuery)).items.filter((c) => c.checkedAt > startedAt).slice(0, CHECKS_DURING_INCIDENT);

  const inWindow: SQL[] = [eq(checkResults.endpointId, incident.endpointId), gt(checkResults.checkedAt, incident.startedAt)];
  if (incident.resolvedAt) inWindow.push(lte(checkResults.checkedAt, incident.resolvedAt));
  const [counted] = await ctx.db
    .select({ n: count() })
    .from(checkResults)
    .where(and(...inWindow));

  const checks: Check[] = [...during, ...before.items].reverse();
  return { ...toIncident(row), checks, omittedChecks: Math.max(0, (counted?.n ?? 0) - during.length) };
}
