/**
 * The bench's endpoints, created through POST /api/endpoints, `concurrency` in flight, each on its
 * own target path: /e/<i> (plain), or /j/<i> answering JSON, with 3 assertions that hold; or a TCP
 * endpoint sending `PING e<i>` and expecting `+PONG`, or a DNS endpoint looking up e<i>.bench.test
 * (A) through the target's resolver. `mix`: assertions, tcp and dns in turn.
 */
import { isAborting } from '../support/cleanup.ts';
import { progress } from '../support/report.ts';
import type { CheckKind } from './options.ts';

const ASSERTIONS = [
  { source: 'status', comparison: 'equals', target: 200 },
  { source: 'header', property: 'content-type', comparison: 'contains', target: 'json' },
  { source: 'json', property: '$.status', comparison: 'equals', target: 'ok' },
];

/** Where the target process listens. */
export interface BenchTarget {
  origin: string;
  tcpPort?: number;
  dnsPort?: number;
}

const KINDS_OF_MIX = ['assertions', 'tcp', 'dns'] as const;

function endpointOf(target: BenchTarget, i: number, kind: CheckKind, intervalSeconds: number, paused: boolean): Record<string, unknown> {
  // Every other endpoint carries the tag an always-on maintenance window covers (--maintenance).
  const common = { name: `bench ${i}`, intervalSeconds, paused, tags: i % 2 === 0 ? ['maint'] : [`t${i % 10}`] };
  switch (kind) {
    case 'plain':
      return { ...common, url: `${target.origin}/e/${i}` };
    case 'assertions':
      return { ...common, url: `${target.origin}/j/${i}`, assertions: ASSERTIONS };
    case 'tcp':
      return {
        ...common,
        url: `tcp://127.0.0.1:${target.tcpPort}`,
        body: `PING e${i}\r\n`,
        assertions: [{ source: 'body', comparison: 'contains', target: '+PONG' }],
      };
    case 'dns':
      return { ...common, url: `dns://127.0.0.1:${target.dnsPort}/e${i}.bench.test?type=A` };
    case 'mix':
      return endpointOf(target, i, KINDS_OF_MIX[i % KINDS_OF_MIX.length]!, intervalSeconds, paused);
  }
}

export async function createEndpoints(
  base: string,
  target: BenchTarget,
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
        body: JSON.stringify(endpointOf(target, i, checks, intervalSeconds, paused)),
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

/**
 * --maintenance=N: N maintenance windows. The first is always on over the tag `maint` (half the
 * endpoints: their checks are marked and their statuses MAINTENANCE); the others cover other tags
 * and are not on (once, a year from now), so every check looks at all N.
 */
export async function createMaintenanceWindows(base: string, count: number): Promise<void> {
  const inAYear = Date.now() + 365 * 86_400_000;
  for (let i = 0; i < count; i++) {
    const window =
      i === 0
        ? { name: 'bench always on', tags: ['maint'], cron: '* * * * *', durationMinutes: 1440 }
        : { name: `bench later ${i}`, tags: [`t${i % 10}`], startsAt: new Date(inAYear).toISOString(), endsAt: new Date(inAYear + 3_600_000).toISOString() };
    const res = await fetch(`${base}/api/maintenance-windows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(window),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 201) throw new Error(`POST /api/maintenance-windows #${i} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}
