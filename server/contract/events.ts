import type { CheckStatus, Endpoint, EndpointStatus } from './types.ts';

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
  };
  'check:completed': {
    checkId: string;
    endpointId: string;
    status: CheckStatus;
    responseTime: number;
    statusCode: number | null;
    errorMessage: string | null;
    timestamp: string;
  };
  'incident:started': {
    incidentId: string;
    endpointId: string;
    endpointName: string;
    startedAt: string;
    failureCount: number;
  };
  'incident:resolved': {
    incidentId: string;
    endpointId: string;
    endpointName: string;
    startedAt: string;
    resolvedAt: string;
    durationMs: number;
  };
  'endpoint:created': Endpoint;
  'endpoint:updated': Endpoint;
  'endpoint:deleted': { endpointId: string };
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
] as const satisfies readonly ServerEventName[];

/** One event as it travels: the seed's envelope. */
export type EventEnvelope = {
  [K in ServerEventName]: { event: K; data: ServerEvents[K] };
}[ServerEventName];

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
 * Socket.io typing of server → client events: the contract's events, plus two of Socket.io alone
 * that keep connection state recovery working (a client may ignore them).
 */
export type ServerToClientEvents = { [K in ServerEventName]: (data: ServerEvents[K]) => void } & {
  /** Sent once to a new (not recovered) connection. */
  'realtime:ready': (data: { recovered: false }) => void;
  /** Broadcast every third of REALTIME_RECOVERY_MS. */
  'realtime:heartbeat': (data: { at: string }) => void;
};

/** Frames of the native WebSocket bridge at /ws. */
export type WsClientFrame = { event: ClientEventName | 'ping'; data?: unknown; id?: number | string };
export type WsServerFrame =
  | EventEnvelope
  | { event: 'ack'; id: number | string | null; data: SubscriptionAck }
  | { event: 'error'; data: { code: SubscriptionErrorCode; message: string } }
  | { event: 'pong'; data: Record<string, never> };
