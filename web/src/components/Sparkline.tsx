import { stripItems, type StripItem } from '../stores/endpoints.store.ts';

const WIDTH = 60;
const HEIGHT = 20;
/** Room for the stroke at the top and bottom edges. */
const PAD = 1.5;

/**
 * The polyline of response times, oldest on the left, scaled from 0 to the slowest; the x axis
 * is the strip's positions, so each point sits above its square's place in time order.
 * @example sparklinePoints([{ responseTime: 10 }, { responseTime: 20 }]) // '0,10.0 60,1.5'
 */
export function sparklinePoints(items: readonly Pick<StripItem, 'responseTime'>[]): string {
  if (items.length === 0) return '';
  let max = 1;
  for (const item of items) if (item.responseTime > max) max = item.responseTime;
  const step = items.length > 1 ? WIDTH / (items.length - 1) : 0;
  const y = (ms: number) => (HEIGHT - PAD - (ms / max) * (HEIGHT - 2 * PAD)).toFixed(1);
  if (items.length === 1) return `0,${y(items[0]!.responseTime)} ${WIDTH},${y(items[0]!.responseTime)}`;
  return items.map((item, i) => `${Math.round(i * step * 10) / 10},${y(item.responseTime)}`).join(' ');
}

/**
 * A card's response times over its recent checks: one SVG whose single attribute changes per
 * check. Decorative for screen readers: the card states the response time and the strip the statuses.
 */
export function Sparkline(props: { endpointId: string }) {
  return (
    <svg class="spark" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
      <polyline points={sparklinePoints(stripItems(props.endpointId))} vector-effect="non-scaling-stroke" />
    </svg>
  );
}
