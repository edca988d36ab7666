import { For, Show, createMemo, createSignal } from 'solid-js';
import type { EndpointReport, UptimeReport } from '../../../server/contract/status-pages.ts';
import { EndpointChecklist, TagChecklist, toggled } from '../components/EndpointScopePicker.tsx';
import { FieldError } from '../components/Field.tsx';
import { PillChoice } from '../components/PillChoice.tsx';
import { locale } from '../i18n/index.ts';
import { type ReportMessageKey, trp } from '../i18n/report-messages.ts';
import { formatDateTime, formatDuration, formatMs, formatPercent } from '../lib/format.ts';
import { createPageResource, reportLoadFailure, useLiveData } from '../lib/page-data.ts';
import { REPORT_MAX_DAYS, REPORT_PERIODS, type ReportPeriod, dateInput, isReportPeriod, periodRange } from '../lib/report-period.ts';
import { searchParams, setSearchParams } from '../lib/router.ts';
import { type ReportQuery, reportsApi } from '../services/status-pages-api.ts';
import { endpoints, loadEndpoints } from '../stores/endpoints.store.ts';
import '../reports.css';

type Scope = 'all' | 'tags' | 'chosen';
const SCOPES: readonly Scope[] = ['all', 'tags', 'chosen'];

/** What the URL asks for (?period=30d&scope=tags&tags=db,web): a report can be linked, and survives a reload. */
interface Ask {
  period: ReportPeriod;
  from: string;
  to: string;
  scope: Scope;
  tags: string[];
  endpointIds: string[];
}

const listOf = (text: string | null) => (text ?? '').split(',').filter(Boolean);

/** The report asked for, the period made instants now; null when it cannot be asked (dates missing, nothing chosen). */
function queryOf(ask: Ask): ReportQuery | null {
  const range = periodRange(ask.period, ask.from, ask.to, new Date());
  if (!range) return null;
  if (ask.scope === 'tags' && ask.tags.length === 0) return null;
  if (ask.scope === 'chosen' && ask.endpointIds.length === 0) return null;
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    endpointIds: ask.scope === 'chosen' ? ask.endpointIds : undefined,
    tags: ask.scope === 'tags' ? ask.tags : undefined,
  };
}

const PERIOD_KEYS: Record<ReportPeriod, ReportMessageKey> = {
  '7d': 'rp.period.7d',
  '30d': 'rp.period.30d',
  '90d': 'rp.period.90d',
  month: 'rp.period.month',
  lastMonth: 'rp.period.lastMonth',
  custom: 'rp.period.custom',
};
const SCOPE_KEYS: Record<Scope, ReportMessageKey> = { all: 'rp.scope.all', tags: 'rp.scope.tags', chosen: 'rp.scope.chosen' };

/**
 * Uptime over a period: the period (presets or two dates) and the endpoints (all, by tag, chosen)
 * in the URL; totals, a row per endpoint with its SLA target and error budget, the incidents; a
 * CSV download of the same report and a print-ready layout (reports.css hides the rest on paper).
 */
export default function ReportsPage() {
  const ask = createMemo<Ask>(() => {
    const p = searchParams();
    const scope = p.get('scope');
    return {
      period: isReportPeriod(p.get('period')) ? (p.get('period') as ReportPeriod) : '30d',
      from: p.get('from') ?? '',
      to: p.get('to') ?? '',
      scope: SCOPES.includes(scope as Scope) ? (scope as Scope) : 'all',
      tags: listOf(p.get('tags')),
      endpointIds: listOf(p.get('endpoints')),
    };
  });
  // Keyed on what is asked: an answer for an earlier choice never lands over a newer one.
  const report = createPageResource(
    () => JSON.stringify(ask()),
    async () => {
      const query = queryOf(ask());
      if (!query) return null;
      return { query, report: await reportsApi.uptime(query) };
    },
    { initialValue: null as { query: ReportQuery; report: UptimeReport } | null, failed: reportLoadFailure },
  );
  useLiveData({
    load: () => {
      report.reload();
      return loadEndpoints();
    },
  });

  const set = (values: Record<string, string | undefined>) => setSearchParams(values);
  const pickPeriod = (period: ReportPeriod) => {
    if (period !== 'custom') return set({ period, from: undefined, to: undefined });
    // Custom starts from the period shown.
    const shown = periodRange(ask().period, ask().from, ask().to, new Date());
    const to = shown ? new Date(shown.to.getTime() - 1) : new Date();
    set({ period, from: ask().from || dateInput(shown?.from ?? new Date()), to: ask().to || dateInput(to) });
  };
  const datesWrong = () => ask().period === 'custom' && periodRange('custom', ask().from, ask().to, new Date()) === null;
  /** Why the custom dates ask for nothing: a span over the API's longest, or dates missing or reversed. */
  const datesError = () => {
    if (!datesWrong()) return undefined;
    const from = Date.parse(ask().from);
    const to = Date.parse(ask().to);
    return to >= from && to - from >= REPORT_MAX_DAYS * 86_400_000 ? trp('rp.err.tooLong', { max: REPORT_MAX_DAYS }) : trp('rp.err.dates');
  };
  const toggle = (list: 'tags' | 'endpoints', value: string, on: boolean) => {
    const current = list === 'tags' ? ask().tags : ask().endpointIds;
    set({ [list]: toggled(current, value, on).join(',') || undefined });
  };
  const data = () => report.value();
  const csvHref = () => {
    const d = data();
    return d ? reportsApi.csvUrl({ ...d.query, from: d.report.from, to: d.report.to }) : undefined;
  };

  const coversText = () => {
    const a = ask();
    if (a.scope === 'tags') return trp('rp.covers.tags', { tags: a.tags.join(', ') });
    if (a.scope === 'chosen') return trp('rp.covers.endpoints', { count: a.endpointIds.length });
    return trp('rp.covers.all');
  };

  return (
    <section class="rp-page" aria-labelledby="rp-title">
      <div class="page-head">
        <h1 id="rp-title">{trp('rp.title')}</h1>
        <div class="rp-actions">
          <a class="button rp-csv" href={csvHref()} download="" aria-disabled={csvHref() ? undefined : 'true'} data-external>
            <span aria-hidden="true">⤓</span> {trp('rp.csv')}
          </a>
          <button type="button" class="rp-print" onClick={() => window.print()}>
            {trp('rp.print')}
          </button>
        </div>
      </div>
      <p class="muted rp-intro">{trp('rp.intro')}</p>
      <div class="rp-controls">
        <PillChoice
          name="period"
          legend={trp('rp.period')}
          options={REPORT_PERIODS.map((value) => ({ value, label: trp(PERIOD_KEYS[value]) }))}
          value={ask().period}
          onChange={pickPeriod}
        />
        <Show when={ask().period === 'custom'}>
          <div class="rp-dates" data-invalid={datesWrong() ? 'true' : undefined}>
            <div class="field" data-field="from">
              <label for="f-from">{trp('rp.from')}</label>
              <input
                id="f-from"
                type="date"
                value={ask().from}
                max={dateInput(new Date())}
                aria-invalid={datesWrong() ? true : undefined}
                aria-describedby={datesWrong() ? 'f-dates-error' : undefined}
                onChange={(e) => set({ from: e.currentTarget.value || undefined })}
              />
            </div>
            <div class="field" data-field="to">
              <label for="f-to">{trp('rp.to')}</label>
              <input
                id="f-to"
                type="date"
                value={ask().to}
                aria-invalid={datesWrong() ? true : undefined}
                aria-describedby={datesWrong() ? 'f-dates-error' : undefined}
                onChange={(e) => set({ to: e.currentTarget.value || undefined })}
              />
            </div>
            <FieldError id="f-dates-error" error={datesError()} />
          </div>
        </Show>
        <PillChoice
          name="scope"
          legend={trp('rp.scope')}
          options={SCOPES.map((value) => ({ value, label: trp(SCOPE_KEYS[value]) }))}
          value={ask().scope}
          onChange={(scope) => set({ scope: scope === 'all' ? undefined : scope })}
        />
        <Show when={ask().scope === 'tags'}>
          <TagChecklist
            tags={ask().tags}
            hint={trp('rp.tags.hint')}
            onToggle={(tag, on) => toggle('tags', tag, on)}
            error={ask().tags.length === 0 ? trp('rp.scope.pickTags') : undefined}
          />
        </Show>
        <Show when={ask().scope === 'chosen'}>
          <EndpointPicker chosen={ask().endpointIds} onToggle={(id, on) => toggle('endpoints', id, on)} />
        </Show>
      </div>

      <div class="rp-report" aria-busy={report.value.loading ? 'true' : undefined}>
        <Show when={data()} fallback={<p class="muted rp-loading">{queryOf(ask()) ? trp('rp.loading') : ''}</p>} keyed>
          {(d) => <ReportBody report={d.report} covers={coversText()} />}
        </Show>
      </div>
    </section>
  );
}

/** The chosen endpoints' picker; its search is the component's own (nothing of it goes in the URL). */
function EndpointPicker(props: { chosen: string[]; onToggle: (id: string, on: boolean) => void }) {
  const [search, setSearch] = createSignal('');
  return (
    <EndpointChecklist
      name="endpointIds"
      endpointIds={props.chosen}
      search={search()}
      onSearch={setSearch}
      onToggle={props.onToggle}
      error={props.chosen.length === 0 ? trp('rp.scope.pickEndpoints') : undefined}
    />
  );
}

function ReportBody(props: { report: UptimeReport; covers: string }) {
  const r = () => props.report;
  const number = (n: number) => n.toLocaleString(locale());
  return (
    <>
      <p class="rp-covers">
        <strong class="rp-period">{trp('rp.covers', { from: formatDateTime(r().from), to: formatDateTime(r().to) })}</strong>
        <span class="rp-scope">{props.covers}</span>
      </p>
      <h2 id="rp-totals-title" class="sr-only">
        {trp('rp.totals')}
      </h2>
      <ul class="counts rp-totals" aria-labelledby="rp-totals-title">
        <li class="count" data-total="uptime">
          <span class="count-value">{formatPercent(r().total.uptime)}</span>
          <span class="count-label">{trp('rp.total.uptime')}</span>
        </li>
        <li class="count" data-total="checks">
          <span class="count-value">{number(r().total.checks)}</span>
          <span class="count-label">{trp('rp.total.checks')}</span>
        </li>
        <li class="count" data-total="incidents">
          <span class="count-value">{number(r().total.incidents)}</span>
          <span class="count-label">{trp('rp.total.incidents')}</span>
        </li>
        <li class="count" data-total="downtime">
          <span class="count-value">{formatDuration(r().total.downtimeMs)}</span>
          <span class="count-label">{trp('rp.total.downtime')}</span>
        </li>
      </ul>

      <h2 id="rp-endpoints-title">{trp('rp.endpoints')}</h2>
      <Show when={r().endpoints.length > 0} fallback={<p class="empty">{trp('rp.none')}</p>}>
        <div class="table-wrap">
          <table class="table rp-table" aria-labelledby="rp-endpoints-title">
            <thead>
              <tr>
                <th scope="col">{trp('rp.col.endpoint')}</th>
                <th scope="col" class="num">
                  {trp('rp.col.uptime')}
                </th>
                <th scope="col" class="num">
                  {trp('rp.col.checks')}
                </th>
                <th scope="col" class="num">
                  {trp('rp.col.avg')}
                </th>
                <th scope="col" class="num">
                  {trp('rp.col.incidents')}
                </th>
                <th scope="col" class="num">
                  {trp('rp.col.downtime')}
                </th>
                <th scope="col" class="num">
                  {trp('rp.col.sla')}
                </th>
                <th scope="col">{trp('rp.col.budget')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={r().endpoints}>{(e) => <EndpointRow e={e} />}</For>
            </tbody>
          </table>
        </div>
      </Show>

      <h2 id="rp-incidents-title">{trp('rp.incidents')}</h2>
      <Show when={r().incidents.length > 0} fallback={<p class="muted rp-incidents-none">{trp('rp.incidents.none')}</p>}>
        <div class="table-wrap">
          <table class="table rp-incidents" aria-labelledby="rp-incidents-title">
            <thead>
              <tr>
                <th scope="col">{trp('rp.inc.endpoint')}</th>
                <th scope="col">{trp('rp.inc.started')}</th>
                <th scope="col">{trp('rp.inc.resolved')}</th>
                <th scope="col" class="num">
                  {trp('rp.inc.duration')}
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={r().incidents}>
                {(i) => (
                  <tr data-incident-id={i.id}>
                    <td>
                      <a href={`/incidents/${i.id}`}>{i.endpointName}</a>
                    </td>
                    <td data-label={trp('rp.inc.started')}>{formatDateTime(i.startedAt)}</td>
                    <td data-label={trp('rp.inc.resolved')}>{i.resolvedAt ? formatDateTime(i.resolvedAt) : trp('rp.inc.ongoing')}</td>
                    <td class="num" data-label={trp('rp.inc.duration')}>
                      {formatDuration(i.durationMs)}
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <Show when={r().incidentsTruncated}>
          <p class="muted">{trp('rp.incidents.truncated', { count: r().incidents.length })}</p>
        </Show>
      </Show>
    </>
  );
}

function EndpointRow(props: { e: EndpointReport }) {
  const e = () => props.e;
  const known = () => endpoints.byId[e().endpointId];
  return (
    <tr data-endpoint-id={e().endpointId} data-sla-met={e().slaMet === null ? undefined : String(e().slaMet)}>
      <td class="rp-name">
        <Show when={known()} fallback={e().name}>
          <a href={`/endpoints/${e().endpointId}`}>{e().name}</a>
        </Show>
      </td>
      <td class="num rp-uptime" data-label={trp('rp.col.uptime')}>
        {e().uptime === null ? <span class="muted">{trp('rp.noChecks')}</span> : formatPercent(e().uptime)}
      </td>
      <td class="num" data-label={trp('rp.col.checks')}>
        {e().checks.toLocaleString(locale())}
      </td>
      <td class="num" data-label={trp('rp.col.avg')}>
        {formatMs(e().avgResponseTime)}
      </td>
      <td class="num" data-label={trp('rp.col.incidents')}>
        {e().incidents}
      </td>
      <td class="num" data-label={trp('rp.col.downtime')}>
        {formatDuration(e().downtimeMs)}
      </td>
      <td class="num rp-sla" data-label={trp('rp.col.sla')}>
        <Show when={e().slaTarget !== null} fallback={<span class="muted">—</span>}>
          {e().slaTarget} %
          <Show when={e().slaMet !== null}>
            {' '}
            <span class="rp-sla-met" data-met={String(e().slaMet)}>
              {e().slaMet ? `✓ ${trp('rp.sla.met')}` : `✗ ${trp('rp.sla.missed')}`}
            </span>
          </Show>
        </Show>
      </td>
      <td class="rp-budget-cell" data-label={trp('rp.col.budget')}>
        <Budget e={e()} />
      </td>
    </tr>
  );
}

/** What is left of the error budget, in words and as a bar: green while some is left, red once overspent (or the target missed). */
function Budget(props: { e: EndpointReport }) {
  const budget = () => props.e.errorBudgetMs;
  const left = () => props.e.errorBudgetRemainingMs;
  const fraction = () => {
    const b = budget() ?? 0;
    const l = left() ?? 0;
    if (b <= 0) return l >= 0 ? 1 : 0;
    return Math.min(1, Math.max(0, l / b));
  };
  const ok = () => (left() ?? 0) >= 0 && props.e.slaMet !== false;
  return (
    <Show when={budget() !== null && left() !== null} fallback={<span class="muted">{trp('rp.noTarget')}</span>}>
      <span class="rp-budget" data-ok={ok() ? 'true' : 'false'}>
        <span class="rp-bar" role="img" aria-label={trp('rp.budget.label', { percent: Math.round(fraction() * 100) })}>
          <span class="rp-bar-fill" style={{ width: `${(fraction() * 100).toFixed(1)}%` }} />
        </span>
        <span class="rp-budget-text">
          {left()! >= 0
            ? trp('rp.budget.left', { left: formatDuration(left()!), budget: formatDuration(budget()!) })
            : trp('rp.budget.over', { over: formatDuration(-left()!) })}
        </span>
      </span>
    </Show>
  );
}
