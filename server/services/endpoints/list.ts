import { and, arrayContains, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { endpoints } from '../../../db/schema/index.ts';
import type { Endpoint, Page } from '../../contract/types.ts';
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

/** Endpoints in creation order, filtered by status, tag, paused and a search text over name and URL. */
export async function listEndpoints(ctx: ServiceContext, rawQuery: Record<string, string>): Promise<Page<Endpoint>> {
  const query = parseEndpointListQuery(rawQuery);
  const where: (SQL | undefined)[] = [];
  if (query.status) where.push(inArray(endpoints.status, query.status));
  if (query.tag) where.push(arrayContains(endpoints.tags, [query.tag]));
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
  return pageOf(rows, query.limit, (r) => ({ at: r.createdAt, id: r.id }), toEndpoint);
}
