import type { CheckStatus, Uptime, UptimeWindow } from '../../../server/contract/types.ts';

/**
 * Uptime with one more check counted in every window, as the server counts it (a check is up
 * unless DOWN; the average response time is over the up checks). The page shows it the moment the
 * check arrives; a re-read from REST later moves the windows' starts on.
 * @example countCheck(uptime, { status: 'UP', responseTime: 120 })
 */
export function countCheck(uptime: Uptime, check: { status: CheckStatus; responseTime: number }): Uptime {
  const add = (w: UptimeWindow): UptimeWindow => {
    const up = w.uptime === null ? 0 : Math.round((w.uptime / 100) * w.checks);
    const responseTimeSum = (w.avgResponseTime ?? 0) * up;
    const checks = w.checks + 1;
    const upNow = check.status === 'DOWN' ? up : up + 1;
    const sumNow = check.status === 'DOWN' ? responseTimeSum : responseTimeSum + check.responseTime;
    return {
      uptime: Math.round((upNow / checks) * 100_000) / 1000,
      checks,
      avgResponseTime: upNow === 0 ? null : Math.round(sumNow / upNow),
    };
  };
  return { '24h': add(uptime['24h']), '7d': add(uptime['7d']), '30d': add(uptime['30d']) };
}
