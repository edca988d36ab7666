import { eq } from 'drizzle-orm';
import { maintenanceWindows } from '../../../db/schema/index.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { assertWindowId } from './read.ts';

/** Deletes a window: the endpoints it covered leave maintenance at once. */
export async function deleteMaintenanceWindow(ctx: ServiceContext, id: string): Promise<void> {
  assertWindowId(id);
  const deleted = await ctx.db.delete(maintenanceWindows).where(eq(maintenanceWindows.id, id)).returning({ id: maintenanceWindows.id });
  ctx.calendar.remove(id);
  if (deleted.length === 0) throw new NotFoundError('Maintenance window', id);
  ctx.bus.emit('maintenance:deleted', { windowId: id });
}
