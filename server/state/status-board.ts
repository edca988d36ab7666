import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { EndpointStatus } from '../contract/types.ts';
import type { EventBus } from '../events/bus.ts';
import type { MonitorRegistry } from './monitor-registry.ts';

interface Known {
  status: EndpointStatus;
  openIncidentId: string | null;
}

/**
 * Every endpoint's status as shown and its open incident, on every instance: the registry's live
 * state is current only for the endpoints this instance checks, so the board follows the feed,
 * which carries the events of all instances. Dependencies ask it whether a parent is down.
 */
export class StatusBoard {
  private readonly known = new Map<string, Known>();
  private readonly off: () => void;

  constructor(feed: EventBus) {
    this.off = feed.onAny((event, data) => this.hear(event, data));
  }

  /** Takes what the registry holds (as loaded from the database); events heard since stay. */
  seed(registry: Pick<MonitorRegistry, 'values'>): void {
    for (const entry of registry.values()) {
      if (!this.known.has(entry.id)) this.known.set(entry.id, { status: entry.state.status, openIncidentId: entry.state.openIncident?.id ?? null });
    }
  }

  statusOf(endpointId: string): EndpointStatus | undefined {
    return this.known.get(endpointId)?.status;
  }

  openIncidentOf(endpointId: string): string | null {
    return this.known.get(endpointId)?.openIncidentId ?? null;
  }

  close(): void {
    this.off();
  }

  private hear<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    switch (event) {
      case 'endpoint:created': {
        const { id, status } = data as ServerEvents['endpoint:created'];
        this.known.set(id, { status, openIncidentId: null });
        break;
      }
      case 'endpoint:deleted':
        this.known.delete((data as ServerEvents['endpoint:deleted']).endpointId);
        break;
      case 'endpoint:status-changed': {
        const { endpointId, currentStatus } = data as ServerEvents['endpoint:status-changed'];
        this.known.set(endpointId, { openIncidentId: null, ...this.known.get(endpointId), status: currentStatus });
        break;
      }
      case 'incident:started': {
        const { endpointId, incidentId } = data as ServerEvents['incident:started'];
        this.known.set(endpointId, { status: 'DOWN', ...this.known.get(endpointId), openIncidentId: incidentId });
        break;
      }
      case 'incident:resolved': {
        const { endpointId, incidentId } = data as ServerEvents['incident:resolved'];
        const known = this.known.get(endpointId);
        if (known?.openIncidentId === incidentId) known.openIncidentId = null;
        break;
      }
    }
  }
}
