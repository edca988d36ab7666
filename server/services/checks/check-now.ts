import type { Check } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';
import { runCheck } from './run-check.ts';

/** Runs one check of an endpoint now (paused or not) and answers the stored result. */
export async function checkNow(ctx: ServiceContext, endpointId: string): Promise<Check> {
  // The registry knows every endpoint: a manual check needs no database (it may be away).
  if (!ctx.registry.has(endpointId)) await findEndpointRow(ctx.db, endpointId);
  if (ctx.registry.get(endpointId)?.definition.type === 'push') {
    throw new ValidationError([
      {
        path: 'id',
        message: 'is a push endpoint: it is not called, its checks come from its pings (GET …/push-url)',
        code: 'not_for_type',
        params: { type: 'push' },
      },
    ]);
  }
  // Another instance checks this endpoint and holds its live state: start from what it stored,
  // unless a check of ours is still on its way there (our memory is newer then).
  if (ctx.placement.needsStoredState(endpointId) && !ctx.writer.hasPending(endpointId)) {
    await ctx.registry.reload(ctx.db, [endpointId], (id) => ctx.writer.hasPending(id));
  }
  return ctx.placement.checkingNow(endpointId, async () => {
    const check = await runCheck(ctx, endpointId);
    if (!check) throw new NotFoundError('Endpoint', endpointId);
    return check;
  });
}
