import { describe, expect, it } from 'vitest';
import type { Endpoint, Uptime } from '../server/contract/types.ts';
import { isNewer, lastFieldsOf, withNewerLiveFacts } from '../web/src/lib/newest-check.ts';
import { countCheck } from '../web/src/lib/uptime-live.ts';

const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 16, 0, second)).toISOString();

/** (A cast: the contract grows fields these rules need not know.) */
function endpoint(fields: Partial<Endpoint>): Endpoint {
  return {
    id: '0b7c7a4e-2d55-4a3f-9a43-2c1f3f0e7c11', name: 'API', url: 'http://127.0.0.1/', method: 'GET', headers: {}, secretHeaders: [], body: null,
    intervalSeconds: 60, timeoutMs: 10_000, expectedStatusCodes: ['200-299'], degradedThresholdMs: 2000, failureThreshold: 3, paused: false, tags: [],
    status: 'PENDING', lastCheckedAt: null, lastResponseTime: null, lastStatusCode: null, lastErrorMessage: null, consecutiveFailures: 0,
    createdAt: at(0), updatedAt: at(0), ...fields,
  } as Endpoint;
}

describe('which of a live check and a REST snapshot the page keeps', () => {
  it.each([
    { incoming: at(2), current: at(1), newer: true },
    { incoming: at(1), current: at(2), newer: false },
    { incoming: at(1), current: at(1), newer: false }, // the same check heard twice
    { incoming: at(1), current: null, newer: true }, // never checked before
    { incoming: null, current: at(1), newer: false },
  ])('a check at $incoming is newer than one at $current: $newer', ({ incoming, current, newer }) => {
    expect(isNewer(incoming, current)).toBe(newer);
  });

  it('keeps the live status, failures and last fields when the snapshot was read before the live check', () => {
    const live = endpoint({ status: 'DOWN', lastCheckedAt: at(5), lastResponseTime: 12, lastStatusCode: 500, lastErrorMessage: 'boom', consecutiveFailures: 2 });
    const fetched = endpoint({ status: 'UP', lastCheckedAt: at(3), lastResponseTime: 8, lastStatusCode: 200, name: 'Renamed' });
    expect(withNewerLiveFacts(fetched, live)).toMatchObject({ name: 'Renamed', status: 'DOWN', lastCheckedAt: at(5), lastStatusCode: 500, consecutiveFailures: 2 });
  });

  it('takes the snapshot when it is as new or newer, or when nothing was heard live', () => {
    const fetched = endpoint({ status: 'UP', lastCheckedAt: at(5) });
    expect(withNewerLiveFacts(fetched, endpoint({ status: 'DOWN', lastCheckedAt: at(5) }))).toBe(fetched);
    expect(withNewerLiveFacts(fetched, endpoint({ status: 'DOWN', lastCheckedAt: at(4) }))).toBe(fetched);
    expect(withNewerLiveFacts(fetched, undefined)).toBe(fetched);
  });

  it('a snapshot of an endpoint never checked does not undo a check heard live', () => {
    const live = endpoint({ status: 'DOWN', lastCheckedAt: at(1) });
    expect(withNewerLiveFacts(endpoint({}), live).status).toBe('DOWN');
  });

  it('maps each field of a check event to the endpoint’s last… field', () => {
    const fields = lastFieldsOf({ checkId: 'c', endpointId: 'e', status: 'DOWN', responseTime: 7, statusCode: 503, errorMessage: 'x', errorCode: null, errorParams: null, timestamp: at(9) } as never);
    expect(fields).toEqual({ lastCheckedAt: at(9), lastResponseTime: 7, lastStatusCode: 503, lastErrorMessage: 'x', lastErrorCode: null, lastErrorParams: null });
  });
});

describe('counting a live check into the uptime windows', () => {
  const none = { uptime: null, checks: 0, avgResponseTime: null };
  const empty: Uptime = { '24h': none, '7d': none, '30d': none };

  it('the first check of an endpoint: 100 % when up, 0 % when down', () => {
    expect(countCheck(empty, { status: 'UP', responseTime: 40 })['24h']).toEqual({ uptime: 100, checks: 1, avgResponseTime: 40 });
    expect(countCheck(empty, { status: 'DOWN', responseTime: 10_000 })['30d']).toEqual({ uptime: 0, checks: 1, avgResponseTime: null });
  });

  it('adds to what the server counted, as the server counts (DEGRADED is up; the average is over the up checks)', () => {
    const w = { uptime: 75, checks: 4, avgResponseTime: 100 };
    const next = countCheck({ '24h': w, '7d': w, '30d': w }, { status: 'DEGRADED', responseTime: 2600 });
    expect(next['7d']).toEqual({ uptime: 80, checks: 5, avgResponseTime: 725 });
  });
});
