import type { ServerEventName, ServerEvents } from '../contract/events.ts';

/** Events about no endpoint (or, for a delivery, about several at times): for subscribers of all only. */
const GLOBAL_EVENTS = new Set<ServerEventName>([
  'endpoint:created',
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
]);

/**
 * Who receives an event: subscribers of all always; subscribers of the event's endpoint too,
 * except for `endpoint:created` (nobody can be subscribed to an endpoint that did not exist) and a
 * maintenance window's own changes (a window is no endpoint: its endpoints' subscribers hear
 * `maintenance:started` and `maintenance:ended`), a notification channel's changes and its deliveries, a status page's changes.
 * An incident's updates go to its endpoint's subscribers too.
 */
export function endpointOf<K extends ServerEventName>(event: K, data: ServerEvents[K]): string | null {
  if (GLOBAL_EVENTS.has(event)) return null;
  if (event === 'endpoint:updated') return (data as ServerEvents['endpoint:updated']).id;
  return (data as { endpointId: string }).endpointId;
}
