import { SPARKLINE_HEIGHT, SPARKLINE_WIDTH, sparklinePoints } from '../lib/sparkline.ts';
import { stripItems } from '../stores/endpoints.store.ts';

/**
 * A card's response times over its recent checks: one SVG whose single attribute changes per
 * check. Decorative for screen readers: the card states the response time and the strip the statuses.
 */
export function Sparkline(props: { endpointId: string }) {
  return (
    <svg class="spark" viewBox={`0 0 ${SPARKLINE_WIDTH} ${SPARKLINE_HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
      <polyline points={sparklinePoints(stripItems(props.endpointId))} vector-effect="non-scaling-stroke" />
    </svg>
  );
}
