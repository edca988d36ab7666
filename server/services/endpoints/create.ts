import { randomUUID } from 'node:crypto';
import { endpoints } from '../../../db/schema/index.ts';
import type { Endpoint } from '../../contract/types.ts';
import { parseEndpointCreate } from '../../domain/endpoint-input.ts';
import { withStoredSecrets } from '../../domain/secrets.ts';
import type { ServiceContext } from '../context.ts';
import { followSchedule } from './monitoring.ts';
import { assertPushTokensFree, assertTargetsAllowed } from './target-check.ts';
import { toEndpoint } from './to-endpoint.ts';
import { assertParentValid } from './parent-check.ts';
import { parentsOfEndpoints } from './known-endpoints.ts';

/** Validates, stores, starts checking (at once) and announces a new endpoint. */
export async function createEndpoint(ctx: ServiceContext, input: unknown): Promise<Endpoint> {
  // A new endpoint has no stored secret: a redaction marker in it is refused, naming the field.
  const definition = withStoredSecrets(parseEndpointCreate(input), null);
  assertTargetsAllowed(ctx.targets, [{ path: 'url', url: definition.url }]);
  assertPushTokensFree(ctx.pushDirectory, [{ path: 'url', url: definition.url }]);
  if (definition.parentId !== null) assertParentValid(await parentsOfEndpoints(ctx.db, ctx.registry, [definition.parentId]), null, definition.parentId);
  const now = new Date();
  const [row] = await ctx.db
    .insert(endpoints)
    .values({ id: randomUUID(), ...definition, createdAt: now, updatedAt: now })
    .returning();
  ctx.registry.add(row!);
  followSchedule(ctx.placement, row!.id, null, definition);
  const endpoint = toEndpoint(row!, ctx.calendar);
  ctx.bus.emit('endpoint:created', endpoint);
  return endpoint;
}
