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
