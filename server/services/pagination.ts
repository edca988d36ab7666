import { and, eq, gt, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { UUID_PATTERN } from '../domain/ids.ts';
import { ValidationError } from '../domain/errors.ts';
import { isStorableTime } from '../domain/list-queries.ts';

/** A keyset position: the sort time and the id of the last item of a page. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!id || !UUID_PATTERN.test(id) || !isStorableTime(at)) {
    throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by this API', code: 'invalid_cursor' }]);
  }
  return { at, id };
}

/**
 * The rows after `cursor` in a list ordered by (at, id), ascending (oldest first) or descending
 * (newest first): later in that order than the last item of the page before.
 */
export function afterCursor(cursor: string, order: 'asc' | 'desc', columns: { at: AnyColumn; id: AnyColumn }): SQL | undefined {
  const { at, id } = decodeCursor(cursor);
  const beyond = order === 'asc' ? gt : lt;
  return or(beyond(columns.at, at), and(eq(columns.at, at), beyond(columns.id, id)));
}

/** Given limit+1 rows, returns the page and the cursor of the next one. */
export function pageOf<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => { at: Date; id: string },
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  const key = hasMore && last ? keyOf(last) : null;
  return { items: pageRows.map(toItem), nextCursor: key ? encodeCursor(key.at, key.id) : null };
}

/**
 * Newest first, in the order the indexes are built (drizzle's `.desc()` is DESC NULLS LAST). A plain
 * DESC means NULLS FIRST, which no index can deliver: PostgreSQL would read and sort every row.
 */
export const descIndexed = (column: AnyColumn) => sql`${column} desc nulls last`;
