import { randomUUID } from 'node:crypto';
import { maintenanceWindows } from '../../../db/schema/index.ts';
import { MAINTENANCE_LIMITS } from '../../contract/maintenance-limits.ts';
import type { MaintenanceWindow, MaintenanceWindowDefinition } from '../../contract/types.ts';
import { ValidationError } from '../../domain/errors.ts';
import { parseMaintenanceCreate } from '../../domain/maintenance-input.ts';
import type { ServiceContext } from '../context.ts';
import { parentsOfEndpoints } from '../endpoints/known-endpoints.ts';

/** Validates, stores and announces a new maintenance window; the endpoints it covers enter maintenance at once if a period is on. */
export async function createMaintenanceWindow(ctx: ServiceContext, input: unknown): Promise<MaintenanceWindow> {
  const definition = parseMaintenanceCreate(input);
  await assertEndpointsKnown(ctx, definition);
  if (ctx.calendar.size >= MAINTENANCE_LIMITS.windows) {
    throw new ValidationError([
      {
        path: '',
        message: `at most ${MAINTENANCE_LIMITS.windows} maintenance windows: delete some first`,
        code: 'too_many_windows',
        params: { max: MAINTENANCE_LIMITS.windows },
      },
    ]);
  }
  const now = new Date();
  const [row] = await ctx.db
    .insert(maintenanceWindows)
    .values({ id: randomUUID(), ...rowValuesOf(definition), createdAt: now, updatedAt: now })
    .returning();
  const window = ctx.calendar.toWindow(ctx.calendar.put(row!), now);
  ctx.bus.emit('maintenance:created', window);
  return window;
}

/** Every endpoint a window names by id must exist (here, or just created on another instance). */
export async function assertEndpointsKnown(
  ctx: Pick<ServiceContext, 'registry' | 'db'>,
  definition: Pick<MaintenanceWindowDefinition, 'endpointIds'>,
): Promise<void> {
  const known = await parentsOfEndpoints(ctx.db, ctx.registry, definition.endpointIds);
  const errors = definition.endpointIds.flatMap((id, i) =>
    known.has(id) ? [] : [{ path: `endpointIds.${i}`, message: `is not an endpoint (${id})`, code: 'unknown_endpoint', params: { id } }],
  );
  if (errors.length > 0) throw new ValidationError(errors);
}

/** The columns of a definition (times as Dates). */
export function rowValuesOf(definition: MaintenanceWindowDefinition) {
  return {
    ...definition,
    startsAt: definition.startsAt === null ? null : new Date(definition.startsAt),
    endsAt: definition.endsAt === null ? null : new Date(definition.endsAt),
  };
}
