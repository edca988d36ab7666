import type { ServiceContext } from '../context.ts';
import { readEndpointRows } from '../../state/stored-monitors.ts';
import { toEndpoint } from './to-endpoint.ts';

/**
 * After endpoints are deleted, those that depended on them have no parent any more (the database
 * set it to null): the registry takes their rows again and each is announced as updated.
 */
export async function releaseChildren(ctx: ServiceContext, deletedIds: Iterable<string>): Promise<void> {
  const deleted = new Set(deletedIds);
  const children = [...ctx.registry.values()].filter((e) => e.definition.parentId !== null && deleted.has(e.definition.parentId)).map((e) => e.id);
  if (children.length === 0) return;
  for (const row of await readEndpointRows(ctx.db, children)) {
    ctx.registry.updateDefinition(row);
    ctx.bus.emit('endpoint:updated', toEndpoint(row, ctx.calendar));
  }
}
