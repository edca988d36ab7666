import type uPlot from 'uplot';

export interface ChartMarks {
  /** DOWN stretches [start, end) in seconds. */
  bands: [number, number][];
  /** Stretches of checks made in a maintenance window [start, end) in seconds (drawn under the DOWN bands). */
  maintenance?: [number, number][];
  /** The degraded threshold in ms, drawn as a dashed line; null: none (a push endpoint's run is never slow). */
  threshold: number | null;
  /** Its label; `offScale` when every response time is far below it and the line sits above the plot. */
  thresholdLabel: (offScale: boolean) => string;
}

/** The narrowest band drawn: a single DOWN bucket on a 30-day chart is still seen. */
const MIN_BAND_PX = 2;

/**
 * A uPlot plugin that draws the DOWN stretches as red bands and the degraded threshold as a
 * dashed, labelled line: elements over the plot rather than canvas pixels, so that they follow the
 * theme's colours and can be read and measured like the rest of the page.
 */
export function marksPlugin(marks: () => ChartMarks): uPlot.Plugin {
  let layer: HTMLDivElement | undefined;
  return {
    hooks: {
      init: (u) => {
        layer = document.createElement('div');
        layer.className = 'chart-marks';
        u.over.appendChild(layer);
      },
      draw: (u) => layer?.replaceChildren(...renderMarks(u, marks())),
    },
  };
}

function renderMarks(u: uPlot, marks: ChartMarks): HTMLElement[] {
  const width = u.over.clientWidth;
  const out: HTMLElement[] = [];
  const bands = [...(marks.maintenance ?? []).map((b) => [...b, 1] as const), ...marks.bands.map((b) => [...b, 0] as const)];
  for (const [start, end, maintenance] of bands) {
    const left = Math.max(0, u.valToPos(start, 'x'));
    const right = Math.min(width, u.valToPos(end, 'x'));
    if (right <= 0 || left >= width) continue;
    const band = element('div', maintenance ? 'chart-maint-band' : 'chart-down-band');
    band.style.left = `${Math.min(left, width - MIN_BAND_PX)}px`;
    band.style.width = `${Math.max(MIN_BAND_PX, right - left)}px`;
    out.push(band);
  }
  if (marks.threshold === null) return out;
  const offScale = marks.threshold > (u.scales.y!.max ?? 0);
  const line = element('div', 'chart-threshold');
  line.dataset.offScale = String(offScale);
  line.style.top = `${offScale ? 0 : u.valToPos(marks.threshold, 'y')}px`;
  const label = element('span', 'chart-threshold-label');
  label.textContent = marks.thresholdLabel(offScale);
  line.append(label);
  out.push(line);
  return out;
}

function element<K extends 'div' | 'span'>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  return el;
}
