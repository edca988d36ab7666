import type { Check } from '../../contract/types.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';
import { runCheck } from './run-check.ts';

/** Manual checks in progress here, per context and endpoint. */
const inProgress = new WeakMap<ServiceContext, Map<string, number>>();

/** Runs one check of an endpoint now (paused or not) and answers the stored result. */
export async function checkNow(ctx: ServiceContext, endpointId: string): Promise<Check> {
  // The registry knows every endpoint: a manual check needs no database (it may be away).
  if (!ctx.registry.has(endpointId)) await findEndpointRow(ctx.db, endpointId);
  let running = inProgress.get(ctx);
  if (!running) inProgress.set(ctx, (running = new Map()));
  // Another instance checks this endpoint and holds its live state: start from what it stored,
  // unless a check of ours is still on its way there (our memory is newer then).
  if (!ctx.scheduler.checksHere(endpointId) && !running.get(endpointId) && !ctx.writer.hasPending(endpointId)) {
    await ctx.registry.reload(ctx.db, [endpointId], (id) => ctx.writer.hasPending(id));
  }
  running.set(endpointId, (running.get(endpointId) ?? 0) + 1);
  try {
    const check = await runCheck(ctx, endpointId);
    if (!check) throw new NotFoundError('Endpoint', endpointId);
    return check;
  } finally {
    const left = running.get(endpointId)! - 1;
    if (left > 0) running.set(endpointId, left);
    else running.delete(endpointId);
  }
}
