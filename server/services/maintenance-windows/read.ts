import type { MaintenanceWindow, Page } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import { parseMaintenanceListQuery } from '../../domain/list-queries.ts';
import { covers, type HeldWindow } from '../../state/maintenance-calendar.ts';
import type { ServiceContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';

export function assertWindowId(id: string): void {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path: 'id', message: 'must be a UUID', code: 'invalid_uuid' }]);
}

/** A window as held in memory (every instance holds them all, kept in step through the relay). */
export function findWindow(ctx: Pick<ServiceContext, 'calendar'>, id: string): HeldWindow {
  const held = ctx.calendar.get(id.toLowerCase());
  if (!held) throw new NotFoundError('Maintenance window', id);
  return held;
}

export function getMaintenanceWindow(ctx: ServiceContext, id: string): MaintenanceWindow {
  assertWindowId(id);
  return ctx.calendar.toWindow(findWindow(ctx, id), new Date());
}

/**
 * Windows in creation order, optionally only those on now (`active`) or those covering one
 * endpoint (by id, by one of its tags, or all endpoints), a page at a time.
 */
export function listMaintenanceWindows(ctx: ServiceContext, raw: Record<string, string>): Page<MaintenanceWindow> {
  const query = parseMaintenanceListQuery(raw);
  const now = new Date();
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const endpoint = query.endpointId ? ctx.registry.get(query.endpointId.toLowerCase()) : undefined;
  if (query.endpointId && !endpoint) throw new NotFoundError('Endpoint', query.endpointId);
  const matching = [...ctx.calendar.values()]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .filter((w) => !after || w.createdAt > after.at || (w.createdAt.getTime() === after.at.getTime() && w.id > after.id))
    .filter((w) => !endpoint || covers(w, endpoint))
    .filter((w) => query.active === undefined || (ctx.calendar.stateAt(w, now).current !== null) === query.active);
  const page = matching.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((w) => ctx.calendar.toWindow(w, now)),
    nextCursor: matching.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}
