/**
 * The REST calls of the fault bench: endpoints created in one import (ids chosen here, so that each
 * endpoint's target path is known), the results visible through REST, one timed probe of a URL.
 */
import { randomUUID } from 'node:crypto';

export interface EndpointSpec {
  path: string;
  intervalSeconds?: number;
  failureThreshold?: number;
  timeoutMs?: number;
}

/** Creates the endpoints through POST /api/import; returns endpoint id → target path. */
export async function importEndpoints(base: string, targetOrigin: string, specs: EndpointSpec[]): Promise<Map<string, string>> {
  const pathOf = new Map<string, string>();
  const endpoints = specs.map((spec) => {
    const id = randomUUID();
    pathOf.set(id, spec.path);
    return {
      id,
      name: `fault ${spec.path}`,
      url: `${targetOrigin}${spec.path}`,
      intervalSeconds: spec.intervalSeconds ?? 1,
      failureThreshold: spec.failureThreshold ?? 3,
      timeoutMs: spec.timeoutMs ?? 2000,
    };
  });
  const res = await fetch(`${base}/api/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ vigil: 'endpoints', version: 1, endpoints }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/import answered ${res.status}: ${text.slice(0, 300)}`);
  return pathOf;
}

/** `endpointId|checkedAtMs` of every result GET /api/checks/recent shows (the newest `perEndpoint` of each endpoint). */
export async function visibleResults(base: string, perEndpoint: number): Promise<string[]> {
  const res = await fetch(`${base}/api/checks/recent?perEndpoint=${perEndpoint}`, { signal: AbortSignal.timeout(15_000) });
  if (res.status !== 200) throw new Error(`GET /api/checks/recent answered ${res.status}`);
  const body = (await res.json()) as { items: Record<string, { checkedAt: string }[]> };
  const keys: string[] = [];
  for (const [endpointId, checks] of Object.entries(body.items)) for (const c of checks) keys.push(`${endpointId}|${Date.parse(c.checkedAt)}`);
  return keys;
}

export interface Probe {
  /** Date.now() when it was sent. */
  at: number;
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  ms: number;
  contentType: string | null;
  retryAfter: string | null;
  body: string;
  error?: string;
}

/** One GET with a timeout, timed; never throws. The body is cut to 300 characters unless `wholeBody`. */
export async function probe(url: string, timeoutMs = 5_000, wholeBody = false): Promise<Probe> {
  const at = Date.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return {
      at,
      status: res.status,
      ms: Date.now() - at,
      contentType: res.headers.get('content-type'),
      retryAfter: res.headers.get('retry-after'),
      body: wholeBody ? body : body.slice(0, 300),
    };
  } catch (error) {
    return { at, status: 0, ms: Date.now() - at, contentType: null, retryAfter: null, body: '', error: String((error as Error).cause ?? error) };
  }
}

/**
 * Probes `url` every `everyMs` until stop() is called, without waiting for the previous answer (a
 * hanging answer must not hide the ones after it); the probes in order of sending in `probes`.
 */
export function probeEvery(url: string, everyMs: number, timeoutMs = 5_000, wholeBody = false): { probes: Probe[]; stop(): Promise<void> } {
  const probes: Probe[] = [];
  const pending = new Set<Promise<void>>();
  const send = () => {
    const i = probes.length;
    probes.push({ at: Date.now(), status: 0, ms: NaN, contentType: null, retryAfter: null, body: '', error: 'pending' });
    const p = probe(url, timeoutMs, wholeBody).then((answer) => void (probes[i] = answer));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  send();
  const timer = setInterval(send, everyMs);
  return {
    probes,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
    },
  };
}

/** The first sample of a Prometheus metric whose name starts with `prefix` (names still move while the server changes). */
export function metricValue(text: string, prefix: string): number | null {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(prefix)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) return value;
  }
  return null;
}
