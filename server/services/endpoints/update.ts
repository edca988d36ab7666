import { eq } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import type { Endpoint } from '../../contract/types.ts';
import { mergeEndpointPatch, parseEndpointPatch } from '../../domain/endpoint-input.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { redactDefinition, withStoredSecrets } from '../../domain/secrets.ts';
import type { ServiceContext } from '../context.ts';
import { definitionOf } from '../../state/stored-monitors.ts';
import { findEndpointRow } from './get.ts';
import { followSchedule, isFailing } from './monitoring.ts';
import { assertPushTokensFree, assertTargetsAllowed } from './target-check.ts';
import { toEndpoint } from './to-endpoint.ts';
import { assertParentValid } from './parent-check.ts';
import { parentsOfEndpoints } from './known-endpoints.ts';

/**
 * Applies a partial update; the schedule follows at once:
 * pausing stops checks, resuming checks now, a new interval takes effect from the last check.
 * A sent `headers` map replaces the stored one: a header left out is removed, a header whose value
 * is the redaction marker keeps its stored value (as does a URL whose password is the marker).
 */
export async function updateEndpoint(ctx: ServiceContext, id: string, input: unknown): Promise<Endpoint> {
  const patch = parseEndpointPatch(input);
  const current = await findEndpointRow(ctx.db, id);
  const before = definitionOf(current);
  // A field left out counts as sent back as a read shows it: its secrets as the redaction marker,
  // which keeps them only while the URL keeps its origin (see domain/secrets.ts).
  const definition = withStoredSecrets(mergeEndpointPatch(redactDefinition(before), patch), before);
  // Only a changed URL is judged: an endpoint stored before its target was blocked can still be
  // edited, the URL sent back as it is (its checks fail, saying the target is blocked by policy).
  if (definition.parentId !== null && definition.parentId !== before.parentId) {
    const nameOf = (other: string) => ctx.registry.get(other)?.definition.name;
    assertParentValid(await parentsOfEndpoints(ctx.db, ctx.registry, [definition.parentId]), id, definition.parentId, nameOf);
  }
  if (definition.url !== before.url) {
    assertTargetsAllowed(ctx.targets, [{ path: 'url', url: definition.url }]);
    assertPushTokensFree(ctx.pushDirectory, [{ path: 'url', url: definition.url, id }]);
  }
  const [row] = await ctx.db
    .update(endpoints)
    .set({ ...definition, updatedAt: new Date() })
    .where(eq(endpoints.id, id))
    .returning();
  if (!row) throw new NotFoundError('Endpoint', id);

  ctx.registry.updateDefinition(row);
  followSchedule(ctx.placement, id, before, definition, 'now', isFailing(ctx.registry, id));
  const endpoint = toEndpoint(row, ctx.calendar);
  ctx.bus.emit('endpoint:updated', endpoint);
  return endpoint;
}

export function setPaused(ctx: ServiceContext, id: string, paused: boolean): Promise<Endpoint> {
  return updateEndpoint(ctx, id, { paused });
}
