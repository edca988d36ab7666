import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { pgArray } from '../../../db/pg-array.ts';
import type { EndpointReport, ReportIncident, UptimeReport } from '../../contract/status-pages.ts';
import { parseUptimeReportQuery } from '../../domain/list-queries.ts';
import type { ServiceContext } from '../context.ts';
import { rawResultsFrom, timestamptz } from '../checks/rollup-watermark.ts';
import { floorHour, HOUR_MS } from '../retention/hours.ts';

const MAX_INCIDENTS = 1000;

interface CountRow {
  endpoint_id: string;
  checks: number | string;
  up: number | string;
  response_time_sum: number | string;
}

interface IncidentLite {
  id: string;
  endpoint_id: string;
  started_at: Date | string;
  resolved_at: Date | string | null;
}

/**
 * Uptime, response time, incidents and downtime of a set of endpoints over [from, to), with each
 * one's SLA target and what is left of its error budget. Counted like GET …/uptime: hourly rollups
 * where the results are rolled up, raw results at the edges and after the rollups; checks made in
 * maintenance windows left out. An edge hour whose raw results are pruned counts whole.
 */
export async function uptimeReport(ctx: Pick<ServiceContext, 'db' | 'registry'>, query: Record<string, string>, now = new Date()): Promise<UptimeReport> {
  const q = parseUptimeReportQuery(query);
  const from = q.from;
  const to = q.to && q.to < now ? q.to : now;
  const chosen = [...ctx.registry.values()]
    .filter((e) => (q.endpointIds === undefined || q.endpointIds.includes(e.id)) && (q.tags === undefined || q.tags.some((t) => e.definition.tags.includes(t))))
    .sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  const ids = sql`${pgArray(chosen.map((e) => e.id))}::uuid[]`;

  const [state] = rowsOf<{ rolled_up_to: string | Date | null; raw_pruned_before: string | Date | null }>(
    await ctx.db.execute(sql`select rolled_up_to, raw_pruned_before from retention_state limit 1`),
  );
  const prunedBefore = state?.raw_pruned_before ? new Date(state.raw_pruned_before) : null;
  const firstWhole = new Date(floorHour(new Date(from.getTime() - 1)).getTime() + HOUR_MS);
  const rawKept = (t: Date) => !prunedBefore || t >= prunedBefore;
  // Where the rollups start: the first whole hour, or the edge hour itself when its raw results are gone.
  const rollupsFrom = rawKept(from) ? firstWhole : floorHour(from);
  const rawFrom = rawResultsFrom(state?.rolled_up_to ? new Date(state.rolled_up_to) : null, rollupsFrom, now);
  const rollupsTo = rawFrom < to ? rawFrom : rawKept(floorHour(to)) ? floorHour(to) : new Date(floorHour(to).getTime() + HOUR_MS);
  const tailFrom = new Date(Math.max(rollupsTo.getTime(), rollupsFrom.getTime()));

  const parts = [
    rawKept(from) && from < rollupsFrom ? raw(ids, from, new Date(Math.min(rollupsFrom.getTime(), to.getTime()))) : null,
    rollupsTo > rollupsFrom
      ? sql`
      select endpoint_id, sum(checks) as checks, sum(checks - down) as up, sum(response_time_sum) as response_time_sum
      from check_rollups_hourly where endpoint_id = any(${ids}) and hour >= ${timestamptz(rollupsFrom)} and hour < ${timestamptz(rollupsTo)}
      group by endpoint_id`
      : null,
    tailFrom < to ? raw(ids, tailFrom, to) : null,
  ].filter((p) => p !== null);
  const counts =
    chosen.length === 0 || parts.length === 0
      ? []
      : rowsOf<CountRow>(
          await ctx.db.execute(sql`
            select endpoint_id, sum(checks)::float8 as checks, sum(up)::float8 as up, sum(response_time_sum)::float8 as response_time_sum
            from (${sql.join(parts, sql` union all `)}) as parts group by endpoint_id`),
        );
  const incidentRows =
    chosen.length === 0
      ? []
      : rowsOf<IncidentLite>(
          await ctx.db.execute(sql`
            select id, endpoint_id, started_at, resolved_at from incidents
            where endpoint_id = any(${ids}) and started_at < ${timestamptz(to)} and (resolved_at is null or resolved_at > ${timestamptz(from)})
            order by started_at, id limit ${MAX_INCIDENTS + 1}`),
        );

  const periodMs = to.getTime() - from.getTime();
  const within = (r: IncidentLite) =>
    Math.max(
      0,
      Math.min(to.getTime(), r.resolved_at === null ? now.getTime() : new Date(r.resolved_at).getTime()) -
        Math.max(from.getTime(), new Date(r.started_at).getTime()),
    );
  const countsOf = new Map(counts.map((r) => [r.endpoint_id, r]));
  const endpoints: EndpointReport[] = chosen.map((e) => {
    const row = countsOf.get(e.id);
    const checks = Number(row?.checks ?? 0);
    const up = Number(row?.up ?? 0);
    const own = incidentRows.filter((r) => r.endpoint_id === e.id);
    const downtimeMs = own.reduce((sum, r) => sum + within(r), 0);
    const uptime = checks === 0 ? null : Math.round((up / checks) * 100_000) / 1000;
    const target = e.definition.slaTarget;
    const budget = target === null ? null : Math.round(((100 - target) / 100) * periodMs);
    // Spent as uptime counts it (the share of checks DOWN, over the period), so that what is left and
    // whether the target is met always agree; incident time is the separate downtimeMs.
    const spent = uptime === null ? null : Math.round(((100 - uptime) / 100) * periodMs);
    return {
      endpointId: e.id,
      name: e.definition.name,
      tags: e.definition.tags,
      checks,
      uptime,
      avgResponseTime: up === 0 ? null : Math.round(Number(row?.response_time_sum ?? 0) / up),
      incidents: own.length,
      downtimeMs,
      slaTarget: target,
      errorBudgetMs: budget,
      errorBudgetRemainingMs: budget === null || spent === null ? null : budget - spent,
      slaMet: target === null || uptime === null ? null : uptime >= target,
    };
  });
  const names = new Map(chosen.map((e) => [e.id, e.definition.name]));
  const incidents: ReportIncident[] = incidentRows.slice(0, MAX_INCIDENTS).map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    endpointName: names.get(r.endpoint_id) ?? '',
    startedAt: new Date(r.started_at).toISOString(),
    resolvedAt: r.resolved_at === null ? null : new Date(r.resolved_at).toISOString(),
    durationMs: within(r),
  }));
  const totalChecks = endpoints.reduce((n, e) => n + e.checks, 0);
  const totalUp = counts.reduce((n, r) => n + Number(r.up), 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    endpoints,
    incidents,
    incidentsTruncated: incidentRows.length > MAX_INCIDENTS,
    total: {
      checks: totalChecks,
      uptime: totalChecks === 0 ? null : Math.round((totalUp / totalChecks) * 100_000) / 1000,
      downtimeMs: endpoints.reduce((n, e) => n + e.downtimeMs, 0),
      incidents: endpoints.reduce((n, e) => n + e.incidents, 0),
    },
  };
}

function raw(ids: ReturnType<typeof sql>, from: Date, to: Date) {
  return sql`
    select endpoint_id, count(*) as checks, count(*) filter (where status <> 'DOWN') as up,
      coalesce(sum(response_time) filter (where status <> 'DOWN'), 0) as response_time_sum
    from check_results where endpoint_id = any(${ids}) and checked_at >= ${timestamptz(from)} and checked_at < ${timestamptz(to)} and not maintenance
    group by endpoint_id`;
}

const CSV_COLUMNS = [
  'endpointId',
  'name',
  'tags',
  'checks',
  'uptime',
  'avgResponseTime',
  'incidents',
  'downtimeMs',
  'slaTarget',
  'errorBudgetMs',
  'errorBudgetRemainingMs',
  'slaMet',
] as const;

/** The report's endpoints as CSV (RFC 4180), one row each; cells that a spreadsheet would run as a formula are quoted with a leading '. */
export function reportCsv(report: UptimeReport): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    let text = Array.isArray(value) ? value.join(' ') : String(value);
    if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of report.endpoints) lines.push(CSV_COLUMNS.map((k) => cell(e[k])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
