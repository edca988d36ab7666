import { and, arrayContains, asc, eq, ilike, inArray, not, or, sql, type SQL } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import { pgArray } from '../../../db/pg-array.ts';
import type { Endpoint, EndpointStatus, Page } from '../../contract/types.ts';
import { parseEndpointListQuery } from '../../domain/list-queries.ts';
import type { ServiceContext } from '../context.ts';
import { afterCursor, pageOf } from '../pagination.ts';
import { toEndpoint } from './to-endpoint.ts';

/**
 * The URL as a search sees it: without its user info (up to the last "@" before the path, as URL
 * parsers read it) and without its query and fragment, so that searching cannot find a password
 * or a secret query value letter by letter.
 */
const searchableUrl = sql`regexp_replace(regexp_replace(${endpoints.url}, ${'^([^:]*:[/\\\\]*)[^/?#\\\\]*@'}, ${'\\1'}), ${'[?#].*$'}, '')`;

/**
 * Endpoints in creation order, filtered by status, tag, parent, paused and a search text over name and URL.
 * The status filter reads statuses as shown: an endpoint in a maintenance window is MAINTENANCE only.
 */
export async function listEndpoints(ctx: ServiceContext, rawQuery: Record<string, string>): Promise<Page<Endpoint>> {
  const query = parseEndpointListQuery(rawQuery);
  const now = new Date();
  const where: (SQL | undefined)[] = [];
  if (query.status) where.push(statusIn(query.status, ctx.calendar.coveredIds(ctx.registry.values(), now)));
  if (query.tag) where.push(arrayContains(endpoints.tags, [query.tag]));
  if (query.parentId) where.push(eq(endpoints.parentId, query.parentId));
  if (query.paused !== undefined) where.push(eq(endpoints.paused, query.paused));
  if (query.q) {
    const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(endpoints.name, pattern), ilike(searchableUrl, pattern)));
  }
  if (query.cursor) where.push(afterCursor(query.cursor, 'asc', { at: endpoints.createdAt, id: endpoints.id }));
  const rows = await ctx.db
    .select()
    .from(endpoints)
    .where(and(...where))
    .orderBy(asc(endpoints.createdAt), asc(endpoints.id))
    .limit(query.limit + 1);
  return pageOf(
    rows,
    query.limit,
    (r) => ({ at: r.createdAt, id: r.id }),
    (r) => toEndpoint(r, ctx.calendar, now),
  );
}

/** Endpoints shown with one of `statuses`: their stored status, unless a window covers them (`covered`). */
function statusIn(statuses: EndpointStatus[], covered: string[]): SQL | undefined {
  const inMaintenance = sql`${endpoints.id} = any(${pgArray(covered)}::uuid[])`;
  const stored = statuses.filter((s) => s !== 'MAINTENANCE');
  const parts: SQL[] = [];
  if (stored.length > 0) parts.push(covered.length > 0 ? and(inArray(endpoints.status, stored), not(inMaintenance))! : inArray(endpoints.status, stored));
  if (stored.length < statuses.length) parts.push(covered.length > 0 ? inMaintenance : sql`false`);
  return or(...parts);
}
