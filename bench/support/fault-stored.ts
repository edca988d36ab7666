/**
 * What a Vigil stored, read straight from its database once it has stopped, and compared with what
 * the probe target saw: results per endpoint, their order of writing, duplicates, open incidents.
 */
import postgres from 'postgres';
import type { FaultTarget } from '../../test/support/fault-target.ts';
import { onCleanup } from './cleanup.ts';
import { withTimeout } from './waits.ts';

export type Query = (text: string) => Promise<Record<string, unknown>[]>;

/** Runs `fn` with a short-lived postgres.js connection to `url` (a throwaway cluster, say). */
export async function withPostgres<T>(url: string, fn: (query: Query) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const close = () => withTimeout(sql.end({ timeout: 2 }), 5_000, 'closing a direct connection').catch(() => {});
  const done = onCleanup('handles', close);
  try {
    return await fn(async (text) => [...(await withTimeout(sql.unsafe(text), 120_000, text))] as Record<string, unknown>[]);
  } finally {
    done();
    await close();
  }
}

export interface StoredResult {
  /** checked_at in ms since the epoch. */
  at: number;
  /** The transaction that wrote it (xmin): never smaller than that of an earlier check of the endpoint if written in order. */
  tx: number;
}

export interface Stored {
  /** endpoint id → its results by checked_at. */
  results: Map<string, StoredResult[]>;
  rows: number;
  /** Rows whose id appears more than once (cannot happen with a primary key; counted anyway). */
  duplicateIds: number;
  /** Two results of one endpoint with the same checked_at: one check stored twice. */
  sameInstantPairs: number;
  /** Endpoints with more than one open incident. */
  doubleOpenIncidents: number;
  openIncidents: number;
}

export async function readStored(query: Query): Promise<Stored> {
  const rows = await query(
    `select endpoint_id as e, round(extract(epoch from checked_at) * 1000)::bigint::text as at, xmin::text as tx
     from check_results order by endpoint_id, checked_at, id`,
  );
  const results = new Map<string, StoredResult[]>();
  let sameInstantPairs = 0;
  for (const row of rows) {
    const list = results.get(row.e as string) ?? [];
    if (!results.has(row.e as string)) results.set(row.e as string, list);
    const result = { at: Number(row.at), tx: Number(row.tx) };
    if (list.length && list.at(-1)!.at === result.at) sameInstantPairs++;
    list.push(result);
  }
  const [dup] = await query('select (count(*) - count(distinct id))::int as n from check_results');
  const [double] = await query('select count(*)::int as n from (select endpoint_id from incidents where resolved_at is null group by 1 having count(*) > 1) t');
  const [open] = await query('select count(*)::int as n from incidents where resolved_at is null');
  return {
    results,
    rows: rows.length,
    duplicateIds: Number(dup?.n ?? 0),
    sameInstantPairs,
    doubleOpenIncidents: Number(double?.n ?? 0),
    openIncidents: Number(open?.n ?? 0),
  };
}

/** Results written in a transaction before that of an earlier check of the same endpoint: written out of order. */
export function outOfOrderWrites(stored: Stored): number {
  let n = 0;
  for (const list of stored.results.values()) for (let i = 1; i < list.length; i++) if (list[i]!.tx < list[i - 1]!.tx) n++;
  return n;
}

export interface Comparison {
  endpoints: number;
  /** Requests the target answered (over the endpoints compared). */
  answered: number;
  stored: number;
  /** Σ over endpoints of answered − stored where positive, beyond `tolerance` each. */
  missing: number;
  /** Σ over endpoints of stored − (answered + abandoned) where positive, beyond `tolerance` each. */
  extra: number;
  /** Endpoints off by more than the tolerance, first few. */
  examples: { endpointId: string; answered: number; stored: number }[];
}

/**
 * For each endpoint (id → its target path): the requests the target answered that arrived in
 * [from, to) against the results stored with checked_at in [from, to); `tolerance`: checks in
 * flight at either edge of the window may fall on either side.
 */
export function compareWithTarget(stored: Stored, target: FaultTarget, pathOf: Map<string, string>, from = 0, to = Infinity, tolerance = 0): Comparison {
  const out: Comparison = { endpoints: 0, answered: 0, stored: 0, missing: 0, extra: 0, examples: [] };
  for (const [endpointId, path] of pathOf) {
    const log = target.log(path);
    let answered = 0;
    let unanswered = 0;
    log.receivedAt.forEach((at, i) => {
      if (at < from || at >= to) return;
      if (log.status[i]! > 0) answered++;
      else unanswered++;
    });
    // checked_at is taken just before the request leaves: allow a little clock slack at `from`.
    const storedHere = (stored.results.get(endpointId) ?? []).filter((r) => r.at >= from - 50 && r.at < to).length;
    out.endpoints++;
    out.answered += answered;
    out.stored += storedHere;
    const missing = Math.max(0, answered - storedHere - tolerance);
    const extra = Math.max(0, storedHere - answered - unanswered - tolerance);
    out.missing += missing;
    out.extra += extra;
    if ((missing || extra) && out.examples.length < 5) out.examples.push({ endpointId, answered, stored: storedHere });
  }
  return out;
}
