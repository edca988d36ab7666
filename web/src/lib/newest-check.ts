import type { ServerEvents } from '../../../server/contract/events.ts';
import type { Endpoint } from '../../../server/contract/types.ts';

/**
 * Whether a check at `incoming` is newer than one at `current` (ISO-8601 UTC times as the server
 * writes them, so they compare as strings; null: never checked). Equal is not newer: it is the
 * same check heard twice.
 */
export function isNewer(incoming: string | null | undefined, current: string | null | undefined): boolean {
  return Boolean(incoming) && (!current || incoming! > current);
}

/** The fields a check writes on its endpoint: the status, the failure count and every `last…` field. */
function checkFieldsOf(endpoint: Endpoint): Partial<Endpoint> {
  const fields: Record<string, unknown> = { status: endpoint.status, consecutiveFailures: endpoint.consecutiveFailures };
  for (const [key, value] of Object.entries(endpoint)) if (key.startsWith('last')) fields[key] = value;
  return fields as Partial<Endpoint>;
}

/**
 * A fetched endpoint, except where the live one has heard of a newer check than the snapshot
 * (the snapshot was read before it): then the live check's fields stay.
 * @example withNewerLiveFacts(fetchedPending, liveDownSince10s) // DOWN, unless the snapshot is newer
 */
export function withNewerLiveFacts(fetched: Endpoint, live: Endpoint | undefined): Endpoint {
  if (!live || !isNewer(live.lastCheckedAt, fetched.lastCheckedAt)) return fetched;
  const merged = { ...fetched, ...checkFieldsOf(live) };
  // Maintenance is the snapshot's (no check changes it): a status shown for it goes with it.
  if (fetched.maintenance || live.status === 'MAINTENANCE') merged.status = fetched.status;
  return merged;
}

/**
 * The endpoint fields one `check:completed` sets: each field X of the event is the endpoint's
 * `lastX` (responseTime → lastResponseTime, errorMessage → lastErrorMessage…), its time is
 * `lastCheckedAt`. Fields added to both later follow without a change here; `failedAssertions`
 * stays with the check, and a certificate gives only `certificateExpiresAt`.
 */
export function lastFieldsOf(e: ServerEvents['check:completed']): Partial<Endpoint> {
  const fields: Record<string, unknown> = { lastCheckedAt: e.timestamp };
  for (const [key, value] of Object.entries(e)) {
    // failedAssertions belong to the check alone: an endpoint has no lastFailedAssertions (its lastErrorMessage is the first).
    // maintenance: whether the check was made in a window (the endpoint's own `maintenance` is the window it is in).
    if (key === 'checkId' || key === 'endpointId' || key === 'timestamp' || key === 'status' || key === 'failedAssertions' || key === 'maintenance') continue;
    // A TLS check's certificate: the endpoint keeps only when it expires.
    if (key === 'certificate') {
      if (value) fields.certificateExpiresAt = (value as { validTo: string }).validTo;
      continue;
    }
    fields[`last${key[0]!.toUpperCase()}${key.slice(1)}`] = value;
  }
  return fields as Partial<Endpoint>;
}
