import type {
  CertificateSummary,
  CheckErrorCode,
  CheckStatus,
  Endpoint,
  EndpointStatus,
  FailedAssertion,
  IncidentCause,
  MaintenanceWindow,
  MessageParams,
} from './types.ts';
import type { NotificationChannel, NotificationDelivery } from './notifications.ts';
import type { IncidentUpdate, StatusPage } from './status-pages.ts';

/** Payloads of the server → client events, exactly as CONTRACT.md words them. */
export interface ServerEvents {
  'endpoint:status-changed': {
    endpointId: string;
    endpointName: string;
    previousStatus: EndpointStatus;
    currentStatus: EndpointStatus;
    timestamp: string;
    responseTime: number | null;
    errorMessage: string | null;
    errorCode: CheckErrorCode | null;
    errorParams: MessageParams | null;
  };
  'check:completed': {
    checkId: string;
    endpointId: string;
    status: CheckStatus;
    responseTime: number;
    statusCode: number | null;
    errorMessage: string | null;
    errorCode: CheckErrorCode | null;
    errorParams: MessageParams | null;
    /** As in the Check: every assertion not met ([] when none failed). */
    failedAssertions: FailedAssertion[];
    /** As in the Check: the certificate a `tls` check was shown. */
    certificate: CertificateSummary | null;
    /** As in the Check: made in a maintenance window (uptime leaves it out). */
    maintenance: boolean;
    timestamp: string;
  };
  'incident:started': {
    incidentId: string;
    endpointId: string;
    endpointName: string;
    startedAt: string;
    failureCount: number;
    /** As in the Incident: the parent it is blamed on (no notification goes out for it). */
    causedBy: IncidentCause | null;
  };
  'incident:resolved': {
    incidentId: string;
    endpointId: string;
    endpointName: string;
    startedAt: string;
    resolvedAt: string;
    durationMs: number;
    causedBy: IncidentCause | null;
  };
  'endpoint:created': Endpoint;
  'endpoint:updated': Endpoint;
  'endpoint:deleted': { endpointId: string };
  /** An endpoint entered a maintenance window (with a status change to MAINTENANCE, or from another window). */
  'maintenance:started': {
    windowId: string;
    windowName: string;
    endpointId: string;
    endpointName: string;
    /** The period's start and end (it may have started before the endpoint entered it: a window created or widened now). */
    startsAt: string;
    endsAt: string;
    timestamp: string;
  };
  /** An endpoint left a maintenance window (its period ended, the window changed or went, or the endpoint was paused). */
  'maintenance:ended': {
    windowId: string;
    windowName: string;
    endpointId: string;
    endpointName: string;
    timestamp: string;
  };
  'maintenance:created': MaintenanceWindow;
  'maintenance:updated': MaintenanceWindow;
  'maintenance:deleted': { windowId: string };
  /** A notification channel made, changed or removed (secrets read as SECRET_MARKER). */
  'channel:created': NotificationChannel;
  'channel:updated': NotificationChannel;
  'channel:deleted': { channelId: string };
  /** One attempt to deliver a notification, as the delivery log records it. */
  'notification:delivery': NotificationDelivery;
  /** A status page made, changed or removed (its password as SECRET_MARKER). */
  'status-page:created': StatusPage;
  'status-page:updated': StatusPage;
  'status-page:deleted': { statusPageId: string };
  /** What people said about an incident, posted, edited or taken back. */
  'incident-update:created': IncidentUpdate;
  'incident-update:updated': IncidentUpdate;
  'incident-update:deleted': { id: string; incidentId: string; endpointId: string };
}

export type ServerEventName = keyof ServerEvents;

export const SERVER_EVENT_NAMES = [
  'endpoint:status-changed',
  'check:completed',
  'incident:started',
  'incident:resolved',
  'endpoint:created',
  'endpoint:updated',
  'endpoint:deleted',
  'maintenance:started',
  'maintenance:ended',
  'maintenance:created',
  'maintenance:updated',
  'maintenance:deleted',
  'channel:created',
  'channel:updated',
  'channel:deleted',
  'notification:delivery',
  'status-page:created',
  'status-page:updated',
  'status-page:deleted',
  'incident-update:created',
  'incident-update:updated',
  'incident-update:deleted',
] as const satisfies readonly ServerEventName[];

/** One event as it travels: the seed's envelope. */
export type EventEnvelope = {
  [K in ServerEventName]: { event: K; data: ServerEvents[K] };
}[ServerEventName];

/** One event inside a batch: the seed's envelope. */
export type BatchedEvent = EventEnvelope;

/**
 * What a client that asked for batches (`?batch=1`) receives instead of one frame per event: the
 * events of one short tick, in order. `coalesced: true` when the client had fallen behind and some
 * events were left out: only the latest per endpoint (and per incident) remain; resync from REST.
 */
export interface BatchFrame {
  events: BatchedEvent[];
  coalesced?: true;
}

/** Why a subscription was refused. */
export type SubscriptionErrorCode = 'BAD_REQUEST' | 'NOT_FOUND' | 'RATE_LIMITED' | 'LIMIT_EXCEEDED';

/** The acknowledgement of every client → server event. */
export type SubscriptionAck = { ok: true } | { ok: false; error: { code: SubscriptionErrorCode; message: string } };

export const CLIENT_EVENT_NAMES = ['subscribe:all', 'unsubscribe:all', 'subscribe:endpoint', 'unsubscribe:endpoint'] as const;
export type ClientEventName = (typeof CLIENT_EVENT_NAMES)[number];

/** Socket.io typing of client → server events (data, then the acknowledgement callback). */
export interface ClientToServerEvents {
  'subscribe:all': (ack: (answer: SubscriptionAck) => void) => void;
  'unsubscribe:all': (ack: (answer: SubscriptionAck) => void) => void;
  'subscribe:endpoint': (data: { endpointId: string }, ack: (answer: SubscriptionAck) => void) => void;
  'unsubscribe:endpoint': (data: { endpointId: string }, ack: (answer: SubscriptionAck) => void) => void;
}

/**
 * A transport-level notice (not a domain event): Vigil is stopping gracefully and closes the
 * connection next. `reconnect: true` means "restarting, come back": the close that follows is
 * a retryable one, never a refusal of the key.
 */
export interface ShutdownNotice {
  reconnect: true;
  /** When a new connection is worth trying, in ms (SSE sends it as its `retry:` too). */
  retryAfterMs: number;
  at: string;
}

/**
 * Socket.io typing of server → client events: the contract's events, two of Socket.io alone that
 * keep connection state recovery working, and the shutdown notice (a client may ignore them).
 */
export type ServerToClientEvents = { [K in ServerEventName]: (data: ServerEvents[K]) => void } & {
  /** Sent once to a new (not recovered) connection. */
  'realtime:ready': (data: { recovered: false }) => void;
  /** Broadcast every third of REALTIME_RECOVERY_MS. */
  'realtime:heartbeat': (data: { at: string }) => void;
  /** Sent to every client on a graceful stop, right before the transport closes. */
  'server:shutdown': (data: ShutdownNotice) => void;
  /** To a client that asked for batches: the events of one tick in one frame. */
  'events:batch': (data: BatchFrame) => void;
};

/** Frames of the native WebSocket bridge at /ws. */
export type WsClientFrame = { event: ClientEventName | 'ping'; data?: unknown; id?: number | string };
export type WsServerFrame =
  | EventEnvelope
  | { event: 'ack'; id: number | string | null; data: SubscriptionAck }
  | { event: 'error'; data: { code: SubscriptionErrorCode; message: string } }
  | { event: 'pong'; data: Record<string, never> }
  | { event: 'server:shutdown'; data: ShutdownNotice }
  | { event: 'events:batch'; data: BatchFrame };
