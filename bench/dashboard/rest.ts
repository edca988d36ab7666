/** Vigil's REST API as the dashboard bench uses it: one call, many in flight, every endpoint. */
import { assertNotAborting } from '../support/cleanup.ts';
import { progress } from '../support/report.ts';
import { withTimeout } from '../support/waits.ts';

export interface EndpointRow {
  id: string;
  status: string;
  paused: boolean;
  lastCheckedAt: string | null;
}

export async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs `fn` over 0..count-1 with `concurrency` in flight; progress every 5 s. */
export async function inParallel(count: number, concurrency: number, what: string, fn: (i: number) => Promise<void>): Promise<number> {
  const t0 = Date.now();
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const worker = async () => {
    while (next < count) {
      assertNotAborting();
      const i = next++;
      await fn(i);
      done++;
      if (Date.now() - lastReport > 5_000) {
        lastReport = Date.now();
        progress(`  ${what} ${done}/${count}`);
      }
    }
  };
  await withTimeout(Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker)), 600_000, what);
  return (Date.now() - t0) / 1000;
}

export async function allEndpoints(base: string): Promise<EndpointRow[]> {
  const all: EndpointRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body: { items: EndpointRow[]; nextCursor: string | null } = await api(base, 'GET', `/api/endpoints?limit=500${q}`);
    all.push(...body.items);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  return all;
}
