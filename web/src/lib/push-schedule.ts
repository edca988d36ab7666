import type { Endpoint } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { formatInterval } from './format.ts';

export type Schedule = Pick<Endpoint, 'intervalSeconds' | 'cron' | 'timezone'>;

/**
 * When a push endpoint expects its pings, as plain text (UTC for a cron schedule without a zone).
 * @example scheduleText({ intervalSeconds: 3600, cron: null, timezone: null }) // "Every 1 h"
 * @example scheduleText({ intervalSeconds: 60, cron: '30 3 * * *', timezone: 'Asia/Seoul' }) // "cron 30 3 * * * · Asia/Seoul"
 */
export function scheduleText(e: Schedule): string {
  return e.cron ? `cron ${e.cron} · ${e.timezone ?? 'UTC'}` : t('ep.schedule.every', { interval: formatInterval(e.intervalSeconds) });
}
