import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRealtime } from '../../bench/support/fuzz-realtime.ts';
import { fuzzRest } from '../../bench/support/fuzz-rest.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * The short form of `npm run bench:fuzz`: a few thousand mutated REST requests and a few hundred
 * realtime messages against a real Vigil, with and without API_KEY. Not one may answer a 5xx, log
 * an error, or stop Vigil from answering. Fixed seeds: a failure replays exactly.
 */

let target: http.Server;
let targetUrl: string;
beforeAll(async () => {
  target = http.createServer((req, res) => {
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}/ok`;
});
afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
});

describe.each([
  ['without API_KEY', undefined, 7],
  ['with API_KEY', 'fuzz-short-key-0123456789abcdef', 8],
])('a short fuzz %s', (_label, apiKey, seed) => {
  let vigil: TestVigil;
  beforeAll(async () => {
    vigil = await startTestVigil(apiKey ? { API_KEY: apiKey } : {});
  });
  afterAll(async () => {
    await vigil?.dispose();
  });

  it('answers 1,000 mutated REST requests (types, sizes, depth, Unicode, methods, paths, content types, cut bodies) without a 5xx', async () => {
    const report = await fuzzRest({ base: `http://127.0.0.1:${vigil.port}`, apiKey, targetUrl, requests: 1000, timeLimitMs: 20_000, seed, concurrency: 6 });
    expect(report.offenders, JSON.stringify(report.offenders, null, 2)).toEqual([]);
    expect(report.fiveXX).toBe(0);
    expect(report.sent).toBeGreaterThanOrEqual(900);
    // Mostly refusals, some successes: the fuzz reached the validators and got past them.
    expect(Object.keys(report.byStatus)).toEqual(expect.arrayContaining(['400', '404']));
    expect(report.byStatus['200'] ?? 0).toBeGreaterThan(0);
    expect((await vigil.api('GET', '/healthz')).status).toBe(200);
    expect(vigil.errors.splice(0)).toEqual([]);
  }, 60_000);

  it('answers a few hundred odd realtime messages (Socket.io, Engine.IO, /ws, SSE, raw upgrades) without a 5xx or a crash', async () => {
    const report = await fuzzRealtime({ base: `http://127.0.0.1:${vigil.port}`, apiKey, messages: 600, timeLimitMs: 8_000, seed, concurrency: 4 });
    expect(report.offenders, JSON.stringify(report.offenders, null, 2)).toEqual([]);
    expect(report.fiveXX).toBe(0);
    expect(report.connections).toBeGreaterThan(5);
    expect((await vigil.api('GET', '/healthz')).status).toBe(200);
    expect(vigil.errors.splice(0)).toEqual([]);
  }, 60_000);
});
