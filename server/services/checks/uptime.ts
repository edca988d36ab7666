import { eq, sql, type SQL } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { endpoints, retentionState } from '../../../db/schema/index.ts';
import type { Uptime, UptimeWindow } from '../../contract/types.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { assertEndpointId } from '../endpoints/get.ts';
import { DAY_MS, floorHour, HOUR_MS } from '../retention/hours.ts';
import { rawResultsFrom, timestamptz } from './rollup-watermark.ts';

const WINDOWS = { '24h': 1, '7d': 7, '30d': 30 } as const;
type WindowName = keyof typeof WINDOWS;

/** A window's share of one source: times in [from, to), or (from, …) / (…, to] as marked. */
interface Span {
  name: WindowName;
  from: Date;
  to: Date;
  fromExclusive?: boolean;
  toInclusive?: boolean;
}

interface PartRow {
  name: WindowName;
  checks: number | string;
  up: number | string;
  response_time_sum: number | string;
}

/**
 * Uptime over the last 24 hours, 7 and 30 days. A check counts as up unless it is DOWN (DEGRADED
 * answered, slowly); the average response time is over those same checks. Checks made in
 * maintenance windows are left out (the rollups hold none of them).
 *
 * Each window (since, now] is added up from three parts that never overlap:
 * 1. raw results of its first, partial hour: (since, first whole hour);
 * 2. hourly rollups from there to the rollup watermark W (retention_state.rolled_up_to);
 * 3. raw results from W (or the first whole hour, if later) to now.
 * While raw results are kept this gives exactly what counting them all would. Once the first hour's
 * raw results are pruned, that whole hour's rollup is counted instead: beyond CHECK_RETENTION_DAYS
 * a window starts on an hour boundary.
 *
 * Two round trips: the watermarks first, so that the second query's time ranges are constants the
 * planner can see (as values joined in, it would prefer the BRIN index to the endpoint's B-tree).
 * The second scans each source once: three first hours, the rollups, and the raw results since W.
 */
export async function getUptime(ctx: Pick<ServiceContext, 'db'>, endpointId: string, now = new Date()): Promise<Uptime> {
  assertEndpointId(endpointId);
  const [state] = await ctx.db
    .select({ rolledUpTo: retentionState.rolledUpTo, rawPrunedBefore: retentionState.rawPrunedBefore })
    .from(endpoints)
    .leftJoin(retentionState, sql`true`)
    .where(eq(endpoints.id, endpointId));
  if (!state) throw new NotFoundError('Endpoint', endpointId);

  const parts: SQL[] = [];
  const rollups: Span[] = [];
  const recent: Span[] = [];
  for (const [name, days] of Object.entries(WINDOWS) as [WindowName, number][]) {
    const since = new Date(now.getTime() - days * DAY_MS);
    const firstHour = floorHour(since);
    const rawKept = !state.rawPrunedBefore || firstHour >= state.rawPrunedBefore;
    const rollupsFrom = rawKept ? new Date(firstHour.getTime() + HOUR_MS) : firstHour;
    const rawFrom = rawResultsFrom(state.rolledUpTo, rollupsFrom, now);
    if (rawKept) parts.push(rawPart(endpointId, [{ name, from: since, fromExclusive: true, to: rollupsFrom }]));
    if (rawFrom > rollupsFrom) rollups.push({ name, from: rollupsFrom, to: rawFrom });
    recent.push({ name, from: rawFrom, to: now, toInclusive: true });
  }
  if (rollups.length > 0) parts.push(rollupPart(endpointId, rollups));
  parts.push(rawPart(endpointId, recent));

  const result = await ctx.db.execute(sql`
    select name, sum(checks)::float8 as checks, sum(up)::float8 as up, sum(response_time_sum)::float8 as response_time_sum
    from (${sql.join(parts, sql` union all `)}) as parts
    group by name`);
  const rows = rowsOf<PartRow>(result);
  const windowOf = (name: WindowName): UptimeWindow => {
    const row = rows.find((r) => r.name === name);
    const checks = Number(row?.checks ?? 0);
    const up = Number(row?.up ?? 0);
    return {
      uptime: checks === 0 ? null : Math.round((up / checks) * 100_000) / 1000,
      checks,
      avgResponseTime: up === 0 ? null : Math.round(Number(row?.response_time_sum ?? 0) / up),
    };
  };
  return { '24h': windowOf('24h'), '7d': windowOf('7d'), '30d': windowOf('30d') };
}

/** Whether `column` falls in the span. */
function within(column: SQL, span: Span): SQL {
  return sql`${column} ${sql.raw(span.fromExclusive ? '>' : '>=')} ${timestamptz(span.from)} and ${column} ${sql.raw(span.toInclusive ? '<=' : '<')} ${timestamptz(span.to)}`;
}

/** One scan of the endpoint's raw results covering every span; a row (name, checks, up, response_time_sum) per span. */
function rawPart(endpointId: string, spans: Span[]): SQL {
  return onePass(
    spans,
    (span, i) => {
      const mine = sql`${within(sql.raw('checked_at'), span)} and not maintenance`;
      return sql`count(*) filter (where ${mine}) as c${sql.raw(String(i))},
        count(*) filter (where ${mine} and status <> 'DOWN') as u${sql.raw(String(i))},
        coalesce(sum(response_time) filter (where ${mine} and status <> 'DOWN'), 0) as s${sql.raw(String(i))}`;
    },
    (from, to) => sql`from check_results where endpoint_id = ${endpointId}::uuid and checked_at >= ${timestamptz(from)} and checked_at <= ${timestamptz(to)}`,
  );
}

/** The same over the endpoint's hourly rollups. */
function rollupPart(endpointId: string, spans: Span[]): SQL {
  return onePass(
    spans,
    (span, i) => {
      const mine = within(sql.raw('hour'), span);
      return sql`coalesce(sum(checks) filter (where ${mine}), 0) as c${sql.raw(String(i))},
        coalesce(sum(checks - down) filter (where ${mine}), 0) as u${sql.raw(String(i))},
        coalesce(sum(response_time_sum) filter (where ${mine}), 0) as s${sql.raw(String(i))}`;
    },
    (from, to) => sql`from check_rollups_hourly where endpoint_id = ${endpointId}::uuid and hour >= ${timestamptz(from)} and hour <= ${timestamptz(to)}`,
  );
}

function onePass(spans: Span[], measures: (span: Span, i: number) => SQL, source: (from: Date, to: Date) => SQL): SQL {
  const from = new Date(Math.min(...spans.map((s) => s.from.getTime())));
  const to = new Date(Math.max(...spans.map((s) => s.to.getTime())));
  const rows = spans.map((span, i) => sql`(${span.name}::text, c${sql.raw(String(i))}, u${sql.raw(String(i))}, s${sql.raw(String(i))})`);
  return sql`
    select v.name, v.checks, v.up, v.response_time_sum
    from (select ${sql.join(spans.map(measures), sql`, `)} ${source(from, to)}) as t
      cross join lateral (values ${sql.join(rows, sql`, `)}) as v(name, checks, up, response_time_sum)`;
}
