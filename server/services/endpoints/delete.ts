import { eq } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { dropEndpointsFromWindows } from '../maintenance-windows/drop-endpoints.ts';
import { releaseChildren } from './release-children.ts';
import { assertEndpointId } from './get.ts';
import { endpointDeleted, forgetEndpoint, rememberEndpoint } from './monitoring.ts';

/** Stops checking an endpoint and deletes it with its checks and incidents. */
export async function deleteEndpoint(ctx: ServiceContext, id: string): Promise<void> {
  assertEndpointId(id);
  // Forget it first: results still in flight for it are then dropped, not written or announced.
  const entry = forgetEndpoint(ctx, id);
  let deleted: { id: string }[];
  try {
    deleted = await ctx.db.transaction(async (tx) => {
      await dropEndpointsFromWindows(tx, [id]);
      return tx.delete(endpoints).where(eq(endpoints.id, id)).returning({ id: endpoints.id });
    });
  } catch (error) {
    rememberEndpoint(ctx, entry);
    throw error;
  }
  endpointDeleted(ctx, id);
  if (deleted.length === 0) throw new NotFoundError('Endpoint', id);
  ctx.bus.emit('endpoint:deleted', { endpointId: id });
  await releaseChildren(ctx, [id]);
}
