import { randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import { type IncidentUpdateRow, incidents, incidentUpdates } from '../../../db/schema/index.ts';
import { INCIDENT_UPDATE_LIMITS, type IncidentUpdate, type IncidentUpdateState } from '../../contract/status-pages.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { parseIncidentUpdateCreate, parseIncidentUpdatePatch } from '../../domain/incident-update-input.ts';
import type { ServiceContext } from '../context.ts';

type Ctx = Pick<ServiceContext, 'db' | 'bus'>;

function assertId(path: string, id: string): void {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path, message: 'must be a UUID', code: 'invalid_uuid' }]);
}

export function toIncidentUpdate(row: IncidentUpdateRow): IncidentUpdate {
  return {
    id: row.id,
    incidentId: row.incidentId,
    endpointId: row.endpointId,
    state: row.state as IncidentUpdateState,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function incidentOf(ctx: Ctx, incidentId: string): Promise<{ id: string; endpointId: string }> {
  assertId('id', incidentId);
  const [incident] = await ctx.db.select({ id: incidents.id, endpointId: incidents.endpointId }).from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) throw new NotFoundError('Incident', incidentId);
  return incident;
}

/** An incident's updates, oldest first. */
export async function listIncidentUpdates(ctx: Ctx, incidentId: string): Promise<{ items: IncidentUpdate[] }> {
  const incident = await incidentOf(ctx, incidentId);
  const rows = await ctx.db
    .select()
    .from(incidentUpdates)
    .where(eq(incidentUpdates.incidentId, incident.id))
    .orderBy(asc(incidentUpdates.createdAt), asc(incidentUpdates.id));
  return { items: rows.map(toIncidentUpdate) };
}

export async function createIncidentUpdate(ctx: Ctx, incidentId: string, input: unknown): Promise<IncidentUpdate> {
  const incident = await incidentOf(ctx, incidentId);
  const { state, message } = parseIncidentUpdateCreate(input);
  const [counted] = await ctx.db.select({ n: count() }).from(incidentUpdates).where(eq(incidentUpdates.incidentId, incident.id));
  if ((counted?.n ?? 0) >= INCIDENT_UPDATE_LIMITS.perIncident) {
    throw new ValidationError([
      {
        path: '',
        message: `at most ${INCIDENT_UPDATE_LIMITS.perIncident} updates on one incident`,
        code: 'too_many_updates',
        params: { max: INCIDENT_UPDATE_LIMITS.perIncident },
      },
    ]);
  }
  const now = new Date();
  const [row] = await ctx.db
    .insert(incidentUpdates)
    .values({ id: randomUUID(), incidentId: incident.id, endpointId: incident.endpointId, state, message, createdAt: now, updatedAt: now })
    .returning();
  const update = toIncidentUpdate(row!);
  ctx.bus.emit('incident-update:created', update);
  return update;
}

export async function updateIncidentUpdate(ctx: Ctx, incidentId: string, updateId: string, input: unknown): Promise<IncidentUpdate> {
  assertId('id', incidentId);
  assertId('updateId', updateId);
  const patch = parseIncidentUpdatePatch(input);
  const [row] = await ctx.db
    .update(incidentUpdates)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, incidentId)))
    .returning();
  if (!row) throw new NotFoundError('Incident update', updateId);
  const update = toIncidentUpdate(row);
  ctx.bus.emit('incident-update:updated', update);
  return update;
}

export async function deleteIncidentUpdate(ctx: Ctx, incidentId: string, updateId: string): Promise<void> {
  assertId('id', incidentId);
  assertId('updateId', updateId);
  const [row] = await ctx.db
    .delete(incidentUpdates)
    .where(and(eq(incidentUpdates.id, updateId), eq(incidentUpdates.incidentId, incidentId)))
    .returning({ id: incidentUpdates.id, endpointId: incidentUpdates.endpointId });
  if (!row) throw new NotFoundError('Incident update', updateId);
  ctx.bus.emit('incident-update:deleted', { id: row.id, incidentId, endpointId: row.endpointId });
}
