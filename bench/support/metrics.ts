/** Vigil's /metrics (Prometheus text): parsed into `name{labels}` → value. */

/** `name{labels} value` lines → a map; comments and blank lines skipped. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

export interface MetricsReading {
  /** Date.now() when the answer arrived (the counters are read just before it is sent). */
  t: number;
  /** From the request to the whole answer. */
  latencyMs: number;
  values: Map<string, number>;
  /** The value of `key`; throws when /metrics lacks it. */
  need(key: string): number;
}

/** GET `${base}/metrics` (at most 15 s). */
export async function readMetrics(base: string): Promise<MetricsReading> {
  const t0 = Date.now();
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  const t = Date.now();
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const values = parseMetrics(text);
  const need = (key: string) => {
    const v = values.get(key);
    if (v === undefined) throw new Error(`/metrics lacks ${key}`);
    return v;
  };
  return { t, latencyMs: t - t0, values, need };
}
