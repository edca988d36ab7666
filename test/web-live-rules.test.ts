import { describe, expect, it } from 'vitest';
import type { Endpoint, Uptime } from '../server/contract/types.ts';
import { isNewer, lastFieldsOf, withNewerLiveFacts } from '../web/src/lib/newest-check.ts';
import { createLiveReads } from '../web/src/lib/live-reads.ts';
import { countCheck } from '../web/src/lib/uptime-live.ts';
import { endpointFixture } from './support/endpoints.ts';

const at = (second: number) => new Date(Date.UTC(2026, 11, 4, 16, 0, second)).toISOString();

/** A fresh endpoint, created at(0), with `fields` set. */
const endpoint = (fields: Partial<Endpoint>): Endpoint => endpointFixture({ createdAt: at(0), updatedAt: at(0), ...fields });

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
    const live = endpoint({
      status: 'DOWN',
      lastCheckedAt: at(5),
      lastResponseTime: 12,
      lastStatusCode: 500,
      lastErrorMessage: 'boom',
      consecutiveFailures: 2,
    });
    const fetched = endpoint({ status: 'UP', lastCheckedAt: at(3), lastResponseTime: 8, lastStatusCode: 200, name: 'Renamed' });
    expect(withNewerLiveFacts(fetched, live)).toMatchObject({
      name: 'Renamed',
      status: 'DOWN',
      lastCheckedAt: at(5),
      lastStatusCode: 500,
      consecutiveFailures: 2,
    });
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
    const fields = lastFieldsOf({
      checkId: 'c',
      endpointId: 'e',
      status: 'DOWN',
      responseTime: 7,
      statusCode: 503,
      errorMessage: 'x',
      errorCode: null,
      errorParams: null,
      timestamp: at(9),
    } as never);
    expect(fields).toEqual({
      lastCheckedAt: at(9),
      lastResponseTime: 7,
      lastStatusCode: 503,
      lastErrorMessage: 'x',
      lastErrorCode: null,
      lastErrorParams: null,
    });
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

describe('a list read over REST while its events come (createLiveReads)', () => {
  /** A read whose answer the test gives when it likes: the server read before the events that overtake it. */
  const pending = <T>() => {
    let answer!: (value: T) => void;
    const promise = new Promise<T>((resolve) => {
      answer = resolve;
    });
    return { promise, answer };
  };

  it('keeps a delete and an add that overtook the answer, and applies a later change once', async () => {
    let list: string[] = [];
    const reads = createLiveReads();
    const read = pending<string[]>();
    const loaded = reads.read(
      () => read.promise,
      (value) => (list = [...value]),
    );
    reads.change(() => (list = list.filter((x) => x !== 'ops')));
    reads.change(() => (list = [...list.filter((x) => x !== 'new'), 'new']));
    expect(list).toEqual(['new']);
    read.answer(['ops', 'shop']); // read before both changes
    expect(await loaded).toEqual(['ops', 'shop']);
    expect(list).toEqual(['shop', 'new']);
    // After the answer, a change is applied once, and kept for no read.
    reads.change(() => (list = list.filter((x) => x !== 'shop')));
    expect(list).toEqual(['new']);
  });

  it('sets only the newest read, and nothing after stop', async () => {
    let list: string[] = [];
    const reads = createLiveReads();
    const first = pending<string[]>();
    const second = pending<string[]>();
    const one = reads.read(
      () => first.promise,
      (value) => (list = value),
    );
    const two = reads.read(
      () => second.promise,
      (value) => (list = value),
    );
    second.answer(['b']);
    first.answer(['a']);
    expect([await one, await two, list]).toEqual([undefined, ['b'], ['b']]);
    const third = pending<string[]>();
    const three = reads.read(
      () => third.promise,
      (value) => (list = value),
    );
    reads.stop();
    third.answer(['c']);
    expect([await three, list]).toEqual([undefined, ['b']]);
  });

  it('drops the failure of a read a newer one replaced, and throws the newest one’s', async () => {
    const reads = createLiveReads();
    const first = pending<string[]>();
    const replaced = reads.read(
      () => first.promise.then(() => Promise.reject(new Error('old 503'))),
      () => {},
    );
    const newest = reads.read(
      () => Promise.reject(new Error('new 503')),
      () => {},
    );
    first.answer([]);
    expect(await replaced).toBeUndefined();
    await expect(newest).rejects.toThrow('new 503');
  });

  it('lets a failed read go without setting anything or keeping changes for it', async () => {
    let list = ['a'];
    const reads = createLiveReads();
    const failed = reads.read(
      () => Promise.reject(new Error('503')),
      () => (list = []),
    );
    await expect(failed).rejects.toThrow('503');
    let applied = 0;
    reads.change(() => applied++);
    const ok = reads.read(
      () => Promise.resolve(['x']),
      (value) => (list = value),
    );
    expect([await ok, list, applied]).toEqual([['x'], ['x'], 1]);
  });
});
