/**
 * The bench's endpoints, created through POST /api/endpoints, `concurrency` in flight, each on its
 * own target path: /e/<i> (plain), or /j/<i> answering JSON, with 3 assertions that hold.
 */
import { isAborting } from '../support/cleanup.ts';
import { progress } from '../support/report.ts';
import type { CheckKind } from './options.ts';

const ASSERTIONS = [
  { source: 'status', comparison: 'equals', target: 200 },
  { source: 'header', property: 'content-type', comparison: 'contains', target: 'json' },
  { source: 'json', property: '$.status', comparison: 'equals', target: 'ok' },
];

export async function createEndpoints(
  base: string,
  origin: string,
  count: number,
  intervalSeconds: number,
  paused: boolean,
  concurrency: number,
  checks: CheckKind = 'plain',
): Promise<number> {
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (next < count && !isAborting()) {
      const i = next++;
      const res = await fetch(`${base}/api/endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          checks === 'plain'
            ? { name: `bench ${i}`, url: `${origin}/e/${i}`, intervalSeconds, paused }
            : { name: `bench ${i}`, url: `${origin}/j/${i}`, intervalSeconds, paused, assertions: ASSERTIONS },
        ),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/endpoints #${i} answered ${res.status}: ${body.slice(0, 300)}`);
      done++;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`  created ${done}/${count}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (isAborting()) throw new Error('aborted');
  return (Date.now() - t0) / 1000;
}
