import { Show } from 'solid-js';
import type { Endpoint } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { tp } from '../i18n/push-messages.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { useNow } from '../lib/now.ts';
import { scheduleText, type Schedule } from '../lib/push-schedule.ts';
import { Fact } from './Fact.tsx';

/** A span of time, counted down in whole units: "42 s", "4 min" (until 90), "5 h" (until 48), "3 d". */
export function formatSpan(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return t('time.duration.s', { value: s });
  if (s < 90 * 60) return t('time.duration.m', { value: Math.floor(s / 60) });
  if (s < 48 * 3600) return t('time.duration.h', { value: Math.floor(s / 3600) });
  return t('time.duration.d', { value: Math.floor(s / 86_400) });
}

/**
 * How far a time is from `now`: "in 4 min", "3 min ago", "now" (within a second).
 * @example formatRelative('2025-01-01T10:04:00Z', Date.parse('2025-01-01T10:00:00Z')) // "in 4 min"
 */
export function formatRelative(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Math.abs(ms) < 1000) return tp('time.now');
  return tp(ms > 0 ? 'time.in' : 'time.ago', { time: formatSpan(ms) });
}

/** When a push endpoint expects its pings ("Every 1 h"), a cron expression set as code: "cron `30 3 * * *` · Asia/Seoul". */
export function ScheduleText(props: { endpoint: Schedule }) {
  return (
    <Show when={props.endpoint.cron} fallback={scheduleText(props.endpoint)}>
      {(cron) => (
        <span class="schedule">
          cron <code class="cron">{cron()}</code> · {props.endpoint.timezone ?? 'UTC'}
        </span>
      )}
    </Show>
  );
}

/**
 * A push endpoint's clock on its page: when the last ping came (how long ago, and when) and when it
 * turns DOWN unless one comes ("in 4 min", "overdue by 2 min"). Ticks every second.
 */
export function PushTimes(props: { endpoint: Endpoint }) {
  const now = useNow(() => true, 1000);
  const deadlineText = (at: string) => {
    const ms = Date.parse(at) - now();
    return ms > 0 ? tp('time.in', { time: formatSpan(ms) }) : tp('ep.deadline.overdue', { time: formatSpan(ms) });
  };
  return (
    <>
      <Fact label={tp('ep.lastPing')}>
        <Show when={props.endpoint.lastPingAt} fallback={t('card.never')}>
          {(at) => (
            <>
              <time class="push-last" datetime={at()}>
                {formatRelative(at(), now())}
              </time>{' '}
              <span class="muted push-last-at">({formatDateTime(at())})</span>
            </>
          )}
        </Show>
      </Fact>
      <Fact label={tp('ep.nextDeadline')}>
        <Show when={props.endpoint.nextDeadlineAt} fallback={props.endpoint.paused ? tp('ep.deadline.none') : '—'}>
          {(at) => (
            <>
              <time class="push-deadline" datetime={at()} data-overdue={Date.parse(at()) <= now() ? 'true' : undefined}>
                {deadlineText(at())}
              </time>{' '}
              <span class="muted push-deadline-at">({formatTime(at())})</span>
            </>
          )}
        </Show>
      </Fact>
    </>
  );
}
