import { createEffect, onCleanup, onMount } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Check } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';

/** Response time over time (uPlot, loaded with the endpoint page only); failed checks as red marks. */
export function ResponseChart(props: { checks: Check[] }) {
  let host!: HTMLDivElement;
  let plot: uPlot | undefined;

  const data = (): uPlot.AlignedData => {
    // The API answers newest first; the chart wants time ascending.
    const checks = props.checks;
    const n = checks.length;
    const xs = new Array<number>(n);
    const ok = new Array<number | null>(n);
    const down = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const c = checks[n - 1 - i]!;
      xs[i] = Date.parse(c.checkedAt) / 1000;
      ok[i] = c.status === 'DOWN' ? null : c.responseTime;
      down[i] = c.status === 'DOWN' ? c.responseTime : null;
    }
    return [xs, ok, down];
  };

  onMount(() => {
    const style = getComputedStyle(document.documentElement);
    const accent = style.getPropertyValue('--accent').trim() || '#2563eb';
    const red = style.getPropertyValue('--down').trim() || '#dc2626';
    plot = new uPlot(
      {
        width: host.clientWidth || 600,
        height: 220,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
        axes: [{}, { label: 'ms', size: 56 }],
        series: [
          {},
          { label: t('ep.chart'), stroke: accent, width: 1.5, spanGaps: false, points: { show: false } },
          { label: 'DOWN', stroke: red, width: 0, points: { show: true, size: 6, fill: red } },
        ],
      },
      data(),
      host,
    );
    const resize = new ResizeObserver(() => plot?.setSize({ width: host.clientWidth, height: 220 }));
    resize.observe(host);
    onCleanup(() => {
      resize.disconnect();
      plot?.destroy();
    });
  });

  createEffect(() => {
    const next = data();
    plot?.setData(next);
  });

  return <div class="chart" ref={host} role="img" aria-label={t('ep.chart')} />;
}
