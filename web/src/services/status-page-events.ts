import type { IncidentUpdate, StatusPage } from '../../../server/contract/status-pages.ts';
import { onLiveEvent } from './live-events.ts';

/** The realtime events of status pages and incident updates (sent to every client subscribed to all). */
export interface StatusPageEvents {
  'status-page:created': StatusPage;
  'status-page:updated': StatusPage;
  'status-page:deleted': { statusPageId: string };
  'incident-update:created': IncidentUpdate;
  'incident-update:updated': IncidentUpdate;
  'incident-update:deleted': { id: string; incidentId: string; endpointId: string };
}

/**
 * Listens to one of them, as onLiveEvent does (applied in frame batches). They come in the socket's
 * batches like every other event; typed here while the events contract does not name them yet.
 */
export function onStatusPageEvent<K extends keyof StatusPageEvents>(name: K, handler: (data: StatusPageEvents[K]) => void): () => void {
  return onLiveEvent(name as never, handler as never);
}
