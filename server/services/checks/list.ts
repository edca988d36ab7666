import { and, eq, gte, lte, type SQL } from 'drizzle-orm';
import { checkResults } from '../../../db/schema/index.ts';
import type { Check, CheckStatus, Page } from '../../contract/types.ts';
import { parseCheckListQuery } from '../../domain/list-queries.ts';
import { codeOfCheckError } from '../../domain/check-errors.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';
import { afterCursor, descIndexed, pageOf } from '../pagination.ts';

/** An endpoint's checks, newest first, optionally between `from` and `to` (inclusive). */
export async function listChecks(ctx: ServiceContext, endpointId: string, rawQuery: Record<string, string>): Promise<Page<Check>> {
  const query = parseCheckListQuery(rawQuery);
  await findEndpointRow(ctx.db, endpointId);
  const where: (SQL | undefined)[] = [eq(checkResults.endpointId, endpointId)];
  if (query.from) where.push(gte(checkResults.checkedAt, query.from));
  if (query.to) where.push(lte(checkResults.checkedAt, query.to));
  if (query.cursor) where.push(afterCursor(query.cursor, 'desc', { at: checkResults.checkedAt, id: checkResults.id }));
  const rows = await ctx.db
    .select()
    .from(checkResults)
    .where(and(...where))
    .orderBy(descIndexed(checkResults.checkedAt), descIndexed(checkResults.id))
    .limit(query.limit + 1);
  return pageOf(
    rows,
    query.limit,
    (r) => ({ at: r.checkedAt, id: r.id }),
    (r): Check => ({
      id: r.id,
      endpointId: r.endpointId,
      status: r.status as CheckStatus,
      responseTime: r.responseTime,
      statusCode: r.statusCode,
      errorMessage: r.errorMessage,
      ...codeOfCheckError(r.errorMessage),
      failedAssertions: r.failedAssertions ?? [],
      bodyExcerpt: r.bodyExcerpt,
      certificate: r.certificate ?? null,
      maintenance: r.maintenance,
      checkedAt: r.checkedAt.toISOString(),
    }),
  );
}
