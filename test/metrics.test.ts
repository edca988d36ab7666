import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Endpoint } from '../server/contract/types.ts';
import { startTargetServer, type TargetServer } from './support/target-server.ts';
import { startTestVigil, type TestVigil } from './support/vigil.ts';

let target: TargetServer;
let vigil: TestVigil;

beforeAll(async () => {
  [target, vigil] = await Promise.all([startTargetServer(), startTestVigil()]);
});
afterAll(async () => {
  await vigil?.dispose();
  await target?.close();
});

const scrape = async () => (await vigil.api<string>('GET', '/metrics')).body;
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function checkedEndpoint(path: string, mode: Parameters<TargetServer['setMode']>[1], extra: Partial<Endpoint> = {}) {
  target.setMode(path, mode);
  const created = await vigil.api<Endpoint>('POST', '/api/endpoints', { name: path, url: target.url(path), paused: true, ...extra });
  return (await vigil.api('POST', `/api/endpoints/${created.body.id}/check`)).body;
}

it('histograms check durations by result, in seconds, with cumulative buckets', async () => {
  await checkedEndpoint('/fast', { kind: 'ok' });
  // Far apart, so that a loaded machine does not push the fast check past the slow one's bucket.
  await checkedEndpoint('/slow', { kind: 'slow', delayMs: 400 });
  await checkedEndpoint('/broken', { kind: 'ok', status: 500 });
  const text = await scrape();

  expect(sample(text, 'vigil_check_duration_seconds_count{status="UP"}')).toBe(2);
  expect(sample(text, 'vigil_check_duration_seconds_count{status="DOWN"}')).toBe(1);
  expect(sample(text, 'vigil_check_duration_seconds_bucket{status="UP",le="+Inf"}')).toBe(2);
  expect(sample(text, 'vigil_check_duration_seconds_bucket{status="UP",le="0.25"}'), 'the 400 ms check is above 0.25 s').toBe(1);
  expect(sample(text, 'vigil_check_duration_seconds_bucket{status="UP",le="0.5"}')).toBe(2);
  expect(sample(text, 'vigil_check_duration_seconds_sum{status="UP"}')).toBeGreaterThanOrEqual(0.4);
  const upBuckets = text
    .split('\n')
    .filter((l) => l.startsWith('vigil_check_duration_seconds_bucket{status="UP"'))
    .map((l) => Number(l.split(' ')[1]));
  expect(upBuckets).toEqual([...upBuckets].sort((a, b) => a - b));
  expect(text).toMatch(/^# TYPE vigil_check_duration_seconds histogram$/m);
});

it('reports the event-loop delay since the previous scrape', async () => {
  await scrape();
  // A scrape resets the monitor, whose first timer run after a reset only sets its baseline.
  await new Promise((resolve) => setTimeout(resolve, 40));
  const until = Date.now() + 150;
  while (Date.now() < until) {
    /* block this process's loop, which is Vigil's */
  }
  // The monitor records the delay when its next timer runs, which may be after a request arrives.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const blocked = await scrape();
  expect(sample(blocked, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThanOrEqual(0.1);
  expect(sample(blocked, 'nodejs_eventloop_lag_p50_seconds')).toBeGreaterThan(0);
});

it('counts open incidents, endpoints by status and realtime clients in one scrape', async () => {
  const text = await scrape();
  for (const series of [
    'vigil_incidents_open',
    'vigil_endpoints{status="UP"}',
    'vigil_endpoints_paused',
    'vigil_realtime_clients{transport="socketio"}',
    'vigil_checks_started_total',
    'vigil_auth_failures_total',
    'process_resident_memory_bytes',
  ]) {
    expect(sample(text, series), series).toBeTypeOf('number');
  }
  // The three checked endpoints of the first test are paused: counted as paused only, as in /api/summary.
  expect(sample(text, 'vigil_endpoints{status="UP"}')).toBe(0);
  expect(sample(text, 'vigil_endpoints_paused')).toBe(3);
});
