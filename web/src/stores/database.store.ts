import { createSignal } from 'solid-js';

/** REST said the database is away (503): since when, and when it suggested trying again. */
export interface DatabaseOutage {
  since: number;
  retryAfterMs: number;
  /** The server's own words (problem+json detail). */
  detail: string;
}

/** Bounds of the recheck while the database is away, whatever Retry-After says. */
const MIN_RECHECK_MS = 2000;
const MAX_RECHECK_MS = 30_000;

const [databaseOutage, setDatabaseOutage] = createSignal<DatabaseOutage | null>(null);
export { databaseOutage };

const recheckListeners = new Set<() => void>();
let recheckTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * A REST answer was 503 because of the database. While it lasts, the page's data is reloaded
 * after each Retry-After: with live events and no other request, nothing else would notice that
 * the database is back.
 */
export function reportDatabaseUnavailable(detail: string, retryAfterSeconds: number | null) {
  const retryAfterMs = Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, (retryAfterSeconds ?? 5) * 1000));
  setDatabaseOutage((current) => ({ since: current?.since ?? Date.now(), retryAfterMs, detail }));
  clearTimeout(recheckTimer);
  recheckTimer = setTimeout(() => {
    for (const listener of recheckListeners) listener();
  }, retryAfterMs);
}

/** A REST request succeeded: the database answers. */
export function reportRestAnswered() {
  if (!databaseOutage()) return;
  clearTimeout(recheckTimer);
  setDatabaseOutage(null);
}

/** Called after each Retry-After while the database is away. Returns the unsubscribe function. */
export function onDatabaseRecheck(listener: () => void): () => void {
  recheckListeners.add(listener);
  return () => recheckListeners.delete(listener);
}

/** A 503 problem that says the database is away: its code (server/http/problem.ts), not its English words. */
export function isDatabaseUnavailable(status: number, problem: { code?: string } | null): boolean {
  return status === 503 && problem?.code === 'database_unavailable';
}
