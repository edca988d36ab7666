import type { ServerEventName, ServerEvents } from '../contract/events.ts';

/**
 * Who receives an event: subscribers of all always; subscribers of the event's endpoint too,
 * except for `endpoint:created` (nobody can be subscribed to an endpoint that did not exist) and a
 * maintenance window's own changes (a window is no endpoint: its endpoints' subscribers hear
 * `maintenance:started` and `maintenance:ended`).
 */
export function endpointOf<K extends ServerEventName>(event: K, data: ServerEvents[K]): string | null {
  if (event === 'endpoint:created' || event === 'maintenance:created' || event === 'maintenance:updated' || event === 'maintenance:deleted') return null;
  if (event === 'endpoint:updated') return (data as ServerEvents['endpoint:updated']).id;
  return (data as { endpointId: string }).endpointId;
}
