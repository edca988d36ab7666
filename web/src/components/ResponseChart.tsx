import { Show, createEffect, createMemo, createSignal, on, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Check, Endpoint, ResponseSeries, SeriesRange } from '../../../server/contract/types.ts';
import { locale, t } from '../i18n/index.ts';
import { tp } from '../i18n/push-messages.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { marksPlugin } from '../lib/chart-marks.ts';
import {
  bucketsOf,
  CHART_RANGES_MS,
  chartColumns,
  downBands,
  gapSecondsFor,
  maintenanceBands,
  withLiveChecks,
  type ChartColumns,
} from '../lib/chart-series.ts';
import { tm } from '../i18n/maintenance-messages.ts';
import { formatChartClock, formatChartDate, timeAxisLabels } from '../lib/chart-time-labels.ts';
import { formatDuration, formatMs } from '../lib/format.ts';
import { theme } from '../lib/theme.ts';
import { api } from '../services/api.ts';
import { addToast } from '../stores/toast.store.ts';

const HEIGHT = 240;
/** How often the time axis moves on with the clock when no check arrives. */
const SLIDE_MS = 15_000;
/** The series is read again now and then: checks missed while away, hours rolled up meanwhile. */
const REFRESH_MS = 5 * 60_000;
/** Points are drawn when they are at least this far apart on average (and always when alone). */
const POINT_SPACING_PX = 10;
/** The threshold is kept in view unless the response times are this many times below it. */
const THRESHOLD_IN_VIEW_FACTOR = 4;

const cssVar = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/**
 * Response time over the chosen range up to now (uPlot, loaded with the endpoint page only): the
 * line breaks where there were no checks, DOWN stretches are shaded red, the degraded threshold is
 * a dashed line. Reads GET /api/endpoints/:id/series and folds in the live checks the page holds.
 */
export function ResponseChart(props: { endpoint: Endpoint; range: SeriesRange; checks: Check[] }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;
  const [series, setSeries] = createSignal<ResponseSeries | null>(null);
  const [clock, setClock] = createSignal(Date.now());

  let latestRequest = 0;
  const load = () => {
    const request = ++latestRequest;
    api.series(props.endpoint.id, props.range).then(
      (s) => request === latestRequest && setSeries(s),
      (error: Error) => request === latestRequest && addToast('error', t('toast.loadFailed', { message: describeRequestError(error) })),
    );
  };
  createEffect(
    on([() => props.endpoint.id, () => props.range], () => {
      setSeries(null);
      load();
    }),
  );
  const timers = [setInterval(() => setClock(Date.now()), SLIDE_MS), setInterval(load, REFRESH_MS)];
  onCleanup(() => timers.forEach(clearInterval));

  const bucketSeconds = () => series()?.bucketSeconds ?? 60;
  const buckets = createMemo(() => {
    const s = series();
    return s ? withLiveChecks(bucketsOf(s), s.bucketSeconds, s.to, props.checks) : [];
  });
  const columns = createMemo(() => chartColumns(buckets(), bucketSeconds(), gapSecondsFor(bucketSeconds(), props.endpoint.intervalSeconds)));
  /** Checks in view: the first bucket may start before the range, and the range moves on with the clock. */
  const totals = createMemo(() => {
    const from = clock() / 1000 - CHART_RANGES_MS[props.range] / 1000;
    return buckets()
      .filter((b) => b.at + bucketSeconds() > from)
      .reduce((sum, b) => ({ checks: sum.checks + b.checks, down: sum.down + b.down }), { checks: 0, down: 0 });
  });

  // What uPlot's callbacks read; refreshed before every setData.
  /** A push endpoint's checks are the runs of a job, never DEGRADED by their time: no threshold. */
  const push = () => props.endpoint.type === 'push';
  const threshold = () => (push() ? null : props.endpoint.degradedThresholdMs);
  const maintenance = createMemo(() => maintenanceBands(props.checks));
  let view = { from: 0, to: 0, threshold: threshold(), bands: [] as [number, number][], maintenance: [] as [number, number][], columns: columns() };

  const xLabels: string[] = [];
  onMount(() => {
    const tip = document.createElement('div');
    tip.className = 'chart-tip';
    plot = new uPlot(
      {
        width: host.clientWidth || 600,
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false, setScale: false } },
        scales: {
          x: { time: true, range: () => [view.from, view.to] },
          y: { range: (_u, _min, max) => [0, yTop(Number.isFinite(max) ? max : 0, view.threshold ?? 0)] },
        },
        axes: [
          {
            space: 72,
            size: 52,
            stroke: () => cssVar('--muted', '#5b636e'),
            grid: { stroke: () => cssVar('--border', '#d8dde3'), width: 1 },
            ticks: { stroke: () => cssVar('--border', '#d8dde3'), width: 1 },
            values: (u, splits, _axis, _space, increment) => {
              const labels = timeAxisLabels(locale(), splits, increment, u.scales.x?.min ?? splits[0]);
              xLabels.splice(0, xLabels.length, ...labels);
              return labels;
            },
          },
          {
            size: (_u, values) => yAxisSize(values),
            stroke: () => cssVar('--muted', '#5b636e'),
            grid: { stroke: () => cssVar('--border', '#d8dde3'), width: 1 },
            ticks: { stroke: () => cssVar('--border', '#d8dde3'), width: 1 },
            values: (_u, splits) => splits.map((v) => formatMs(v)),
          },
        ],
        series: [
          {},
          {
            label: t('ep.chart'),
            stroke: () => cssVar('--accent', '#2563eb'),
            width: 1.5,
            spanGaps: false,
            points: { size: 7, fill: () => cssVar('--accent', '#2563eb'), show: sparse, filter: isolatedPoints },
          },
          {
            label: t('chart.legend.degraded'),
            stroke: () => cssVar('--degraded', '#b45309'),
            width: 0,
            paths: () => null,
            points: { show: true, size: 6, fill: () => cssVar('--degraded', '#b45309') },
          },
        ],
        plugins: [
          marksPlugin(() => ({
            bands: view.bands,
            maintenance: view.maintenance,
            threshold: view.threshold,
            thresholdLabel: (offScale) => t(offScale ? 'chart.threshold.above' : 'chart.threshold', { value: formatMs(view.threshold) }),
          })),
        ],
        hooks: {
          init: [(u) => u.over.appendChild(tip)],
          setCursor: [(u) => showTip(u, tip, view.columns)],
          draw: [
            (u) => {
              // What the chart shows, for the browser tests (and anyone curious in the console).
              host.dataset.xFrom = new Date((u.scales.x!.min ?? 0) * 1000).toISOString();
              host.dataset.xTo = new Date((u.scales.x!.max ?? 0) * 1000).toISOString();
              host.dataset.xLabels = xLabels.join('|');
              host.dataset.yMax = String(u.scales.y!.max);
            },
          ],
        },
      },
      [[], [], []],
      host,
    );
    (host as HTMLDivElement & { uplot?: uPlot }).uplot = plot;
    const resize = new ResizeObserver(() => plot?.setSize({ width: host.clientWidth, height: HEIGHT }));
    resize.observe(host);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
      plot = undefined;
    });
  });

  createEffect(() => {
    const to = Math.max(clock(), Date.now()) / 1000;
    view = {
      from: to - CHART_RANGES_MS[props.range] / 1000,
      to,
      threshold: threshold(),
      bands: downBands(buckets(), bucketSeconds()),
      maintenance: maintenance(),
      columns: columns(),
    };
    locale();
    const c = view.columns;
    plot?.setData([c.xs, c.response, c.degraded]);
  });

  // The colours come from the theme's CSS variables, read as the canvas is drawn: draw again once it switched.
  createEffect(on(theme, () => requestAnimationFrame(() => plot?.redraw(true, true)), { defer: true }));

  const summary = () =>
    t('chart.summary', {
      range: t(`ep.chart.${props.range}`),
      checks: t('chart.checks', { count: totals().checks }),
      down: totals().down,
    });

  return (
    <figure class="response-chart" data-range={props.range} data-loaded={series() ? 'true' : 'false'}>
      <div class="chart" ref={host} role="img" aria-label={summary()} />
      <figcaption class="chart-legend">
        <span class="chart-key chart-key-line">
          {push()
            ? tp('chart.legend.runTime', { bucket: formatDuration(bucketSeconds() * 1000) })
            : t('chart.legend.response', { bucket: formatDuration(bucketSeconds() * 1000) })}
        </span>
        <Show when={!push()}>
          <span class="chart-key chart-key-degraded">{t('chart.legend.degraded')}</span>
        </Show>
        <span class="chart-key chart-key-down">{t('chart.legend.down')}</span>
        <Show when={maintenance().length > 0}>
          <span class="chart-key chart-key-maint">{tm('mw.chart.key')}</span>
        </Show>
        <span class="chart-key chart-key-gap">{t('chart.legend.gap')}</span>
        <span class="chart-total muted">{summary()}</span>
      </figcaption>
    </figure>
  );
}

/** The top of the y axis: the threshold kept in view unless response times are far below it. */
function yTop(dataMax: number, threshold: number): number {
  const top = dataMax === 0 || threshold <= dataMax * THRESHOLD_IN_VIEW_FACTOR ? Math.max(dataMax, threshold) : dataMax;
  return Math.max(10, top * 1.15);
}

/** Whether the points in view are few enough to draw each one. */
function sparse(u: uPlot, seriesIdx: number, idx0: number, idx1: number): boolean {
  const ys = u.data[seriesIdx]!;
  let shown = 0;
  for (let i = idx0; i <= idx1; i++) if (ys[i] != null) shown++;
  return shown * POINT_SPACING_PX <= u.over.clientWidth;
}

/** When the points are not all drawn, still those with no neighbour: a line needs two, and a lone check must be seen. */
function isolatedPoints(u: uPlot, seriesIdx: number, show: boolean): number[] | null {
  if (show) return null;
  const ys = u.data[seriesIdx]!;
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) if (ys[i] != null && ys[i - 1] == null && ys[i + 1] == null) out.push(i);
  return out;
}

function showTip(u: uPlot, tip: HTMLDivElement, columns: ChartColumns) {
  const i = u.cursor.idx;
  const checks = i == null ? null : columns.checks[i];
  if (i == null || checks == null) {
    tip.hidden = true;
    return;
  }
  const at = columns.xs[i]!;
  const down = columns.down[i] ?? 0;
  const response = columns.response[i];
  const lang = locale();
  const parts = [
    `${formatChartDate(lang, at)} ${formatChartClock(lang, at)}`,
    response == null ? t('chart.tip.allDown') : formatMs(response),
    t('chart.checks', { count: checks }),
  ];
  if (down > 0 && response != null) parts.push(t('chart.tip.down', { count: down }));
  tip.textContent = parts.join(' · ');
  tip.hidden = false;
  const left = u.valToPos(at, 'x');
  const width = tip.offsetWidth;
  tip.style.left = `${Math.min(Math.max(0, left - width / 2), u.over.clientWidth - width)}px`;
}

let measuring: CanvasRenderingContext2D | null = null;

/** Room for the widest y label ("10000 ms" needs more than "500 ms"), its tick and gap: no label is cut off at the left. */
function yAxisSize(values: string[] | null): number {
  if (!values?.length) return 64;
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return 64;
  measuring.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';
  const widest = Math.max(...values.map((v) => measuring!.measureText(v).width));
  return Math.max(48, Math.ceil(widest) + 10 + 5 + 6);
}
