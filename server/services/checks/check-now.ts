import type { Check } from '../../contract/types.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';
import { runCheck } from './run-check.ts';

/** Runs one check of an endpoint now (paused or not) and answers the stored result. */
export async function checkNow(ctx: ServiceContext, endpointId: string): Promise<Check> {
  await findEndpointRow(ctx.db, endpointId);
  // Another instance checks this endpoint and holds its live state: start from what it stored.
  if (!ctx.scheduler.checksHere(endpointId)) await ctx.registry.reload(ctx.db, [endpointId]);
  const check = await runCheck(ctx, endpointId);
  if (!check) throw new NotFoundError('Endpoint', endpointId);
  return check;
}
