import { describe, expect, it } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../../contract/endpoint-limits.ts';
import type { EndpointDefinition } from '../../contract/types.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';
import { missedDeadline } from './watch-deadline.ts';
import { PushRuns } from './push-runs.ts';

/** Times as minutes after 2026-12-06T00:00:00Z: the tests move their own clock. */
const at = (minutes: number) => new Date(Date.UTC(2026, 11, 6) + minutes * 60_000);

function pushEndpoint(fields: Partial<EndpointDefinition>, lastPingAt: Date | null, updatedAt = at(0)): MonitoredEndpoint {
  const definition = { ...structuredClone(ENDPOINT_DEFAULTS), name: 'job', type: 'push', url: 'push:x', ...fields } as EndpointDefinition;
  return { id: 'e', definition, state: { status: 'UP', consecutiveFailures: 0, openIncident: null }, lastPingAt, updatedAt };
}

describe('a push endpoint expecting a ping every interval', () => {
  const hourly = { intervalSeconds: 3600, graceSeconds: 300 };

  it('is on time until the interval and the grace have passed since the last ping', () => {
    const entry = pushEndpoint(hourly, at(10));
    expect(missedDeadline(entry, new PushRuns(), at(75))).toBeNull();
    expect(missedDeadline(entry, new PushRuns(), at(75.01))).toMatchObject({ deadline: at(75), expectedAt: at(70) });
  });

  it('counts from its creation (or last change) before the first ping, and from a change after the last ping', () => {
    expect(missedDeadline(pushEndpoint(hourly, null, at(0)), new PushRuns(), at(66))).toMatchObject({ deadline: at(65) });
    expect(missedDeadline(pushEndpoint(hourly, at(10), at(30)), new PushRuns(), at(80))).toBeNull();
  });

  it('reports each missed ping once: the next deadline counts from the missed one', () => {
    const runs = new PushRuns();
    const entry = pushEndpoint(hourly, at(0));
    const first = missedDeadline(entry, runs, at(66))!;
    runs.missed('e', first.expectedAt);
    expect(missedDeadline(entry, runs, at(100))).toBeNull();
    expect(missedDeadline(entry, runs, at(126))).toMatchObject({ deadline: at(125), expectedAt: at(120) });
  });

  it('reports only the latest of many missed pings after a long stop, so the next deadline is ahead', () => {
    const missed = missedDeadline(pushEndpoint(hourly, at(0)), new PushRuns(), at(10 * 60 + 30))!;
    expect(missed).toMatchObject({ expectedAt: at(600), deadline: at(605) });
  });

  it('is DOWN when a started run does not end within the grace', () => {
    const runs = new PushRuns();
    runs.started('e', at(20));
    const entry = pushEndpoint(hourly, at(10));
    expect(missedDeadline(entry, runs, at(24))).toBeNull();
    expect(missedDeadline(entry, runs, at(26))).toMatchObject({ deadline: at(25), runStartedAt: at(20) });
  });
});

describe('a push endpoint expecting pings on a cron schedule', () => {
  it('expects the next time of the expression in its time zone, plus the grace', () => {
    // 03:00 in Seoul is 18:00 UTC the day before.
    const nightly = { cron: '0 3 * * *', timezone: 'Asia/Seoul', graceSeconds: 1800 };
    const entry = pushEndpoint(nightly, at(18 * 60 + 5));
    expect(missedDeadline(entry, new PushRuns(), at(24 * 60 + 18 * 60 + 29))).toBeNull();
    expect(missedDeadline(entry, new PushRuns(), at(24 * 60 + 18 * 60 + 31))).toMatchObject({ expectedAt: at(24 * 60 + 18 * 60) });
  });
});
