/** The drawing box in SVG units; CSS sets the size on screen. */
export const SPARKLINE_WIDTH = 60;
export const SPARKLINE_HEIGHT = 20;
/** Room for the stroke at the top and bottom edges. */
const PAD = 1.5;

/**
 * The polyline of response times, oldest on the left, scaled from 0 to the slowest; the x axis
 * is the strip's positions, so each point sits above its square's place in time order.
 * @example sparklinePoints([{ responseTime: 10 }, { responseTime: 20 }]) // '0,10.0 60,1.5'
 */
export function sparklinePoints(items: readonly { responseTime: number }[]): string {
  if (items.length === 0) return '';
  let max = 1;
  for (const item of items) if (item.responseTime > max) max = item.responseTime;
  const step = items.length > 1 ? SPARKLINE_WIDTH / (items.length - 1) : 0;
  const y = (ms: number) => (SPARKLINE_HEIGHT - PAD - (ms / max) * (SPARKLINE_HEIGHT - 2 * PAD)).toFixed(1);
  if (items.length === 1) return `0,${y(items[0]!.responseTime)} ${SPARKLINE_WIDTH},${y(items[0]!.responseTime)}`;
  return items.map((item, i) => `${Math.round(i * step * 10) / 10},${y(item.responseTime)}`).join(' ');
}
