import { randomUUID } from 'node:crypto';
import { endpoints } from '../../../db/schema/index.ts';
import type { Endpoint } from '../../contract/types.ts';
import { parseEndpointCreate } from '../../domain/endpoint-input.ts';
import type { ServiceContext } from '../context.ts';
import { followSchedule } from './monitoring.ts';
import { assertTargetsAllowed } from './target-check.ts';
import { toEndpoint } from './to-endpoint.ts';

/** Validates, stores, starts checking (at once) and announces a new endpoint. */
export async function createEndpoint(ctx: ServiceContext, input: unknown): Promise<Endpoint> {
  const definition = parseEndpointCreate(input);
  assertTargetsAllowed(ctx.targets, [{ path: 'url', url: definition.url }]);
  const now = new Date();
  const [row] = await ctx.db
    .insert(endpoints)
    .values({ id: randomUUID(), ...definition, createdAt: now, updatedAt: now })
    .returning();
  ctx.registry.add(row!);
  followSchedule(ctx.scheduler, row!.id, null, definition);
  const endpoint = toEndpoint(row!);
  ctx.bus.emit('endpoint:created', endpoint);
  return endpoint;
}
