import { eq } from 'drizzle-orm';
import { maintenanceWindows } from '../../../db/schema/index.ts';
import type { MaintenanceWindow } from '../../contract/types.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { mergeMaintenancePatch, parseMaintenancePatch } from '../../domain/maintenance-input.ts';
import type { ServiceContext } from '../context.ts';
import { assertEndpointsKnown, rowValuesOf } from './create.ts';
import { assertWindowId, findWindow } from './read.ts';

/** Applies a partial change to a window; endpoints entering or leaving it are announced at once. */
export async function updateMaintenanceWindow(ctx: ServiceContext, id: string, input: unknown): Promise<MaintenanceWindow> {
  assertWindowId(id);
  const patch = parseMaintenancePatch(input);
  const current = findWindow(ctx, id);
  const definition = mergeMaintenancePatch(current.definition, patch);
  if (patch.endpointIds) await assertEndpointsKnown(ctx, definition);
  const now = new Date();
  const [row] = await ctx.db
    .update(maintenanceWindows)
    .set({ ...rowValuesOf(definition), updatedAt: now })
    .where(eq(maintenanceWindows.id, id))
    .returning();
  if (!row) {
    ctx.calendar.remove(id);
    throw new NotFoundError('Maintenance window', id);
  }
  const window = ctx.calendar.toWindow(ctx.calendar.put(row), now);
  ctx.bus.emit('maintenance:updated', window);
  return window;
}
