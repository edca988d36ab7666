import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/client.ts';
import { pgArray } from '../../../db/pg-array.ts';
import type { StatusPageRow } from '../../../db/schema/index.ts';
import type {
  IncidentUpdateState,
  PageOverallState,
  PublicDay,
  PublicEndpoint,
  PublicIncident,
  PublicMaintenance,
  PublicPageState,
  PublicStatusPage,
  StatusPageLanguage,
} from '../../contract/status-pages.ts';
import type { EndpointStatus } from '../../contract/types.ts';
import { covers } from '../../state/maintenance-calendar.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';
import type { ServiceContext } from '../context.ts';
import { rawResultsFrom, timestamptz } from '../checks/rollup-watermark.ts';
import { DAY_MS, HOUR_MS } from '../retention/hours.ts';

/** Days in an endpoint's bar. */
export const PAGE_DAYS = 90;
/** Resolved incidents a page lists. */
const PAST_INCIDENTS = 20;
/** Upcoming maintenance shown this far ahead. */
const MAINTENANCE_AHEAD_MS = 7 * DAY_MS;

type Ctx = Pick<ServiceContext, 'db' | 'registry' | 'board' | 'calendar' | 'smtp'>;

/** The endpoints a page shows, section by section (unknown ids left out, a tag's endpoints by name). */
export function pageSections(ctx: Pick<Ctx, 'registry'>, page: Pick<StatusPageRow, 'sections'>): { name: string; endpoints: MonitoredEndpoint[] }[] {
  // Every endpoint is walked only when a section goes by tag.
  let all: MonitoredEndpoint[] | undefined;
  return page.sections.map((section) => ({
    name: section.name,
    endpoints:
      section.tag === null
        ? section.endpointIds.flatMap((id) => ctx.registry.get(id) ?? [])
        : (all ??= [...ctx.registry.values()])
            .filter((e) => e.definition.tags.includes(section.tag as string))
            .sort((a, b) => a.definition.name.localeCompare(b.definition.name)),
  }));
}

/** The ids of every endpoint a page shows. */
export function pageEndpointIds(ctx: Pick<Ctx, 'registry'>, page: Pick<StatusPageRow, 'sections'>): Set<string> {
  return new Set(pageSections(ctx, page).flatMap((s) => s.endpoints.map((e) => e.id)));
}

/** An endpoint's status as shown, from whichever instance checks it. */
export function statusOf(ctx: Pick<Ctx, 'registry' | 'board'>, endpoint: MonitoredEndpoint): EndpointStatus {
  return ctx.board.statusOf(endpoint.id) ?? endpoint.state.status;
}

/** The worst of the statuses: any DOWN is an outage (major when half or more are DOWN). */
export function overallOf(statuses: readonly EndpointStatus[]): PageOverallState {
  const known = statuses.filter((s) => s !== 'PENDING');
  if (known.length === 0) return 'unknown';
  const down = known.filter((s) => s === 'DOWN').length;
  if (down > 0) return down * 2 >= known.length ? 'major_outage' : 'partial_outage';
  if (known.includes('DEGRADED')) return 'degraded';
  if (known.includes('MAINTENANCE')) return 'maintenance';
  return 'operational';
}

interface DayRow {
  endpoint_id: string;
  day: string;
  checks: number | string;
  up: number | string;
}

interface IncidentRowLite {
  id: string;
  endpoint_id: string;
  started_at: Date | string;
  resolved_at: Date | string | null;
}

interface UpdateRowLite {
  id: string;
  incident_id: string;
  state: string;
  message: string;
  created_at: Date | string;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * Everything a status page shows, built from memory (statuses, maintenance) and the database
 * (90 days of hourly rollups and the raw results not yet rolled up, incidents and their updates):
 * only names, statuses, figures and what people wrote for the public — never a URL, header,
 * error text or anything else an endpoint holds.
 */
export async function buildPublicPage(ctx: Ctx, page: StatusPageRow, now = new Date(), history = new PastDays()): Promise<PublicStatusPage> {
  const sections = pageSections(ctx, page);
  const shown = new Map(sections.flatMap((s) => s.endpoints.map((e) => [e.id, e] as const)));
  const ids = [...shown.keys()];
  const todayStart = Date.parse(`${dayOf(now.getTime())}T00:00:00.000Z`);
  const firstDay = todayStart - (PAGE_DAYS - 1) * DAY_MS;
  const idArray = sql`${pgArray(ids)}::uuid[]`;

  const [dayRows, incidentRows, responseRows] =
    ids.length === 0
      ? [[], [], []]
      : await Promise.all([
          daysOf(ctx, idArray, ids, new Date(firstDay), now, history),
          ctx.db
            .execute(sql`
              select id, endpoint_id, started_at, resolved_at from incidents
              where endpoint_id = any(${idArray}) and (resolved_at is null or resolved_at >= ${timestamptz(new Date(firstDay))})
              order by started_at desc limit 2000`)
            .then((r) => rowsOf<IncidentRowLite>(r)),
          page.showResponseTimes
            ? ctx.db
                .execute(sql`
                  select endpoint_id, round(avg(response_time))::int as avg from check_results
                  where endpoint_id = any(${idArray}) and checked_at > ${timestamptz(new Date(now.getTime() - DAY_MS))} and status <> 'DOWN' and not maintenance
                  group by endpoint_id`)
                .then((r) => rowsOf<{ endpoint_id: string; avg: number | null }>(r))
            : Promise.resolve([]),
        ]);

  const listed = incidentRows.filter((r) => r.resolved_at === null).concat(incidentRows.filter((r) => r.resolved_at !== null).slice(0, PAST_INCIDENTS));
  const updates =
    listed.length === 0
      ? []
      : rowsOf<UpdateRowLite>(
          await ctx.db.execute(sql`
            select id, incident_id, state, message, created_at from incident_updates
            where incident_id = any(${pgArray(listed.map((r) => r.id))}::uuid[]) order by created_at desc`),
        );
  const updatesOf = new Map<string, PublicIncident['updates']>();
  for (const u of updates) {
    const list = updatesOf.get(u.incident_id) ?? [];
    list.push({ id: u.id, state: u.state as IncidentUpdateState, message: u.message, createdAt: iso(u.created_at) });
    updatesOf.set(u.incident_id, list);
  }
  const toPublicIncident = (r: IncidentRowLite): PublicIncident => ({
    id: r.id,
    endpointId: r.endpoint_id,
    endpointName: shown.get(r.endpoint_id)?.definition.name ?? '',
    startedAt: iso(r.started_at),
    resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
    updates: updatesOf.get(r.id) ?? [],
  });

  const days = dayTable(ids, dayRows, incidentRows, firstDay, now);
  const averages = new Map(responseRows.map((r) => [r.endpoint_id, r.avg === null ? null : Number(r.avg)]));
  const publicEndpoint = (e: MonitoredEndpoint): PublicEndpoint => {
    const own = days.get(e.id) ?? [];
    const checks = own.reduce((n, d) => n + d.checks, 0);
    const up = own.reduce((n, d) => n + d.up, 0);
    return {
      id: e.id,
      name: e.definition.name,
      status: statusOf(ctx, e),
      uptime90d: checks === 0 ? null : percent(up, checks),
      ...(page.showResponseTimes ? { avgResponseTime: averages.get(e.id) ?? null } : {}),
      days: own.map(({ date, uptime, incidents, downMinutes }) => ({ date, uptime, incidents, downMinutes })),
    };
  };

  return {
    slug: page.slug,
    title: page.title,
    description: page.description,
    logoUrl: page.logoUrl,
    footer: page.footer,
    defaultLanguage: page.defaultLanguage as StatusPageLanguage | null,
    sections: sections.map((s) => ({ name: s.name, endpoints: s.endpoints.map(publicEndpoint) })),
    ...liveState(ctx, shown, listed.filter((r) => r.resolved_at === null).map(toPublicIncident), now),
    pastIncidents: listed.filter((r) => r.resolved_at !== null).map(toPublicIncident),
    subscriptions: { email: page.subscribeEmail && ctx.smtp !== undefined, webhook: page.subscribeWebhook },
  };
}

/** The part that changes from moment to moment, from memory given the open incidents. */
export function liveState(
  ctx: Pick<Ctx, 'registry' | 'board' | 'calendar'>,
  shown: ReadonlyMap<string, MonitoredEndpoint>,
  activeIncidents: PublicIncident[],
  now: Date,
): PublicPageState {
  const statuses: Record<string, EndpointStatus> = {};
  for (const [id, e] of shown) statuses[id] = statusOf(ctx, e);
  return {
    overall: overallOf(Object.values(statuses)),
    statuses,
    activeIncidents,
    maintenance: maintenanceOf(ctx, shown, now),
    generatedAt: now.toISOString(),
  };
}

/** Windows covering the page's endpoints: going on now, or starting within a week. */
function maintenanceOf(ctx: Pick<Ctx, 'calendar'>, shown: ReadonlyMap<string, MonitoredEndpoint>, now: Date): PublicMaintenance[] {
  const list: PublicMaintenance[] = [];
  for (const window of ctx.calendar.values()) {
    const names = [...shown.values()].filter((e) => covers(window, e)).map((e) => e.definition.name);
    if (names.length === 0) continue;
    const { current, next } = ctx.calendar.stateAt(window, now);
    const period = current ?? (next && next.startsAt.getTime() - now.getTime() <= MAINTENANCE_AHEAD_MS ? next : null);
    if (!period) continue;
    list.push({
      name: window.definition.name,
      description: window.definition.description,
      startsAt: period.startsAt.toISOString(),
      endsAt: period.endsAt.toISOString(),
      endpointNames: names,
      active: current !== null,
    });
  }
  return list.sort((a, b) => Number(b.active) - Number(a.active) || a.startsAt.localeCompare(b.startsAt));
}

const percent = (up: number, checks: number) => Math.round((up / checks) * 100_000) / 1000;

/**
 * The days before today of a set of endpoints, once they are all rolled up: they no longer change,
 * so a page's rebuilds read only today (summing 90 days of hourly rollups for 100 endpoints took
 * 200–335 ms, and on PGlite that is Vigil's own thread).
 */
export class PastDays {
  private readonly held = new Map<string, DayRow[]>();
  private firstDay = '';

  /** `firstDay` starts the key: the day it moves on, every entry of the day before goes. */
  get(firstDay: string, key: string): DayRow[] | undefined {
    return firstDay === this.firstDay ? this.held.get(key) : undefined;
  }

  set(firstDay: string, key: string, rows: DayRow[]): void {
    if (firstDay !== this.firstDay) {
      this.held.clear();
      this.firstDay = firstDay;
    }
    // One entry per page (at most 100) and a few of pages just edited.
    if (this.held.size >= 120) this.held.delete(this.held.keys().next().value as string);
    this.held.set(key, rows);
  }
}

/** Checks per endpoint and UTC day: rollups up to the watermark, raw results after it. */
async function daysOf(ctx: Pick<Ctx, 'db'>, ids: ReturnType<typeof sql>, idList: string[], from: Date, now: Date, history: PastDays): Promise<DayRow[]> {
  const [state] = rowsOf<{ rolled_up_to: Date | string | null }>(await ctx.db.execute(sql`select rolled_up_to from retention_state limit 1`));
  const rolledUpTo = state?.rolled_up_to ? new Date(state.rolled_up_to) : null;
  const todayStart = new Date(Date.parse(`${dayOf(now.getTime())}T00:00:00.000Z`));
  if (rolledUpTo === null || rolledUpTo < todayStart) return countDays(ctx, ids, from, rawResultsFrom(rolledUpTo, from, now));
  const key = [...idList].sort().join(',');
  let past = history.get(from.toISOString(), key);
  if (!past) {
    past = await countDays(ctx, ids, from, todayStart, todayStart);
    history.set(from.toISOString(), key, past);
  }
  return [...past, ...(await countDays(ctx, ids, todayStart, rawResultsFrom(rolledUpTo, todayStart, now)))];
}

/** Rollups in [from, rawFrom), raw results from rawFrom (before `until`, if given), per endpoint and day. */
async function countDays(ctx: Pick<Ctx, 'db'>, ids: ReturnType<typeof sql>, from: Date, rawFrom: Date, until?: Date): Promise<DayRow[]> {
  const rawUntil = until ? sql` and checked_at < ${timestamptz(until)}` : sql``;
  const rawPart =
    until && rawFrom >= until
      ? sql``
      : sql`
      union all
      select endpoint_id, to_char(checked_at at time zone 'UTC', 'YYYY-MM-DD') as day, 1, case when status <> 'DOWN' then 1 else 0 end
      from check_results
      where endpoint_id = any(${ids}) and checked_at >= ${timestamptz(rawFrom)}${rawUntil} and not maintenance`;
  const result = await ctx.db.execute(sql`
    select endpoint_id, day, sum(checks)::float8 as checks, sum(up)::float8 as up from (
      select endpoint_id, to_char(hour at time zone 'UTC', 'YYYY-MM-DD') as day, checks, checks - down as up
      from check_rollups_hourly
      where endpoint_id = any(${ids}) and hour >= ${timestamptz(from)} and hour < ${timestamptz(rawFrom)}
      ${rawPart}
    ) as parts
    group by endpoint_id, day`);
  return rowsOf<DayRow>(result);
}

interface DayCell extends PublicDay {
  checks: number;
  up: number;
}

/** Each endpoint's PAGE_DAYS days, oldest first, with the incidents that started and lasted in each. */
function dayTable(ids: string[], dayRows: DayRow[], incidents: IncidentRowLite[], firstDay: number, now: Date): Map<string, DayCell[]> {
  const table = new Map<string, DayCell[]>();
  const indexOf = (date: string) => Math.round((Date.parse(`${date}T00:00:00.000Z`) - firstDay) / DAY_MS);
  for (const id of ids) {
    table.set(
      id,
      Array.from({ length: PAGE_DAYS }, (_, i) => ({ date: dayOf(firstDay + i * DAY_MS), uptime: null, incidents: 0, downMinutes: 0, checks: 0, up: 0 })),
    );
  }
  for (const row of dayRows) {
    const cell = table.get(row.endpoint_id)?.[indexOf(row.day)];
    if (!cell) continue;
    cell.checks += Number(row.checks);
    cell.up += Number(row.up);
  }
  for (const cells of table.values()) for (const cell of cells) cell.uptime = cell.checks === 0 ? null : percent(cell.up, cell.checks);
  for (const incident of incidents) {
    const cells = table.get(incident.endpoint_id);
    if (!cells) continue;
    const start = new Date(incident.started_at).getTime();
    const end = incident.resolved_at === null ? now.getTime() : new Date(incident.resolved_at).getTime();
    const startCell = cells[indexOf(dayOf(start))];
    if (startCell) startCell.incidents++;
    // Its minutes, day by day.
    for (let day = Math.max(firstDay, start - (start % DAY_MS)); day < end; day += DAY_MS) {
      const cell = cells[Math.round((day - firstDay) / DAY_MS)];
      if (!cell) continue;
      const overlap = Math.min(end, day + DAY_MS) - Math.max(start, day);
      if (overlap > 0) cell.downMinutes += Math.round(overlap / (HOUR_MS / 60));
    }
  }
  return table;
}
