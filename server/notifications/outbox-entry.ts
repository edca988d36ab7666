import { createHash } from 'node:crypto';
import type { Notice, NotificationEvent } from '../contract/notifications.ts';

/**
 * One notification for one channel: a row of the outbox, and its live state while this instance
 * holds it. Written with the check that caused it (same transaction); delivered after the commit,
 * or from memory when the database is away (its row is written once it is back).
 */
export interface OutboxEntry {
  id: string;
  channelId: string;
  event: NotificationEvent | 'reminder';
  endpointId: string | null;
  incidentId: string | null;
  notice: Notice;
  createdAt: Date;
  /** Not sent before then (flood control, a retry's backoff). */
  dueAt: Date;
  attempts: number;
  deliveredAt: Date | null;
  failedAt: Date | null;
  lastError: string | null;
  threadRef: string | null;
  /** Its row is committed (false while it waits in memory for the database). */
  stored: boolean;
  /** Its id is derived from what it says (idOfKey): made twice, it is stored once. */
  keyed?: boolean;
  /** Keyed, and stored already (made before a restart, or by another instance): not sent again. */
  duplicate?: boolean;
}

/** A new notification for a channel, not yet tried nor stored; `keyed`: its id is derived from what it says. */
export function newEntry(channelId: string, notice: Notice, at: Date, keyed: boolean): OutboxEntry {
  return {
    id: notice.id,
    channelId,
    event: notice.event,
    endpointId: notice.endpoint.id,
    incidentId: notice.incidentId,
    notice,
    createdAt: at,
    dueAt: at,
    attempts: 0,
    deliveredAt: null,
    failedAt: null,
    lastError: null,
    threadRef: null,
    stored: false,
    ...(keyed ? { keyed: true } : {}),
  };
}

/**
 * A UUID derived from a key: the same notification made twice (after a restart, on another
 * instance) gets the same id, and the outbox keeps one.
 */
export function idOfKey(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  // Shaped as an RFC 9562 version 8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
