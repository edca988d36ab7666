import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { Check, IncidentCause } from '../contract/types.ts';
import type { OutboxEntry } from '../notifications/outbox-entry.ts';

export type QueuedEvent = { [K in ServerEventName]: [K, ServerEvents[K]] }[ServerEventName];

/** Everything one check changes, ready to be written. */
export interface PendingWrite {
  check: Check;
  consecutiveFailures: number;
  /** When the certificate this check saw expires; null: it saw none (the endpoint keeps the last one seen). */
  certificateExpiresAt: string | null;
  /** push: the check is a ping (its time is the endpoint's last ping). */
  pingAt?: string | null;
  incident:
    | { kind: 'opened'; id: string; startedAt: Date; failureCount: number; errorMessage: string | null; causedBy?: IncidentCause | null }
    | { kind: 'continued'; id: string; failureCount: number }
    | { kind: 'resolved'; id: string; resolvedAt: Date; failureCount: number }
    | null;
  events: QueuedEvent[];
  /** The notifications it causes, one per channel told: written to the outbox in the same transaction. */
  notifications?: OutboxEntry[];
  /** Resolves the check's caller: with the Check once its events went out, or null (endpoint deleted, shutdown). */
  settle: (check: Check | null, error?: unknown) => void;
  /** Set once its events went out (after the commit, or earlier while the database is away). */
  published?: boolean;
}

/** Nothing but a check result: no status change, no incident opened or resolved. */
export function isPlain(write: PendingWrite): boolean {
  return write.events.length === 1 && (write.incident === null || write.incident.kind === 'continued');
}
