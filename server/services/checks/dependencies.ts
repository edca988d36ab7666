import type { ServerEventName, ServerEvents } from '../../contract/events.ts';
import type { IncidentCause } from '../../contract/types.ts';
import type { MonitorRegistry } from '../../state/monitor-registry.ts';
import type { StatusBoard } from '../../state/status-board.ts';

/**
 * What an endpoint's parent (`parentId`) changes (docs/dependencies.md): while the parent is DOWN or
 * in maintenance, an incident the endpoint opens is blamed on it, and the endpoint notifies nobody
 * of its own: neither that incident nor its status changes.
 */
export class Dependencies {
  constructor(
    private readonly registry: Pick<MonitorRegistry, 'get'>,
    private readonly board: Pick<StatusBoard, 'statusOf' | 'openIncidentOf'>,
  ) {}

  /** The cause of an incident the endpoint opens now: its parent, if that is down; else null. */
  causeFor(endpointId: string): IncidentCause | null {
    const parentId = this.registry.get(endpointId)?.definition.parentId ?? null;
    if (parentId === null || !this.parentDown(parentId)) return null;
    return { endpointId: parentId, endpointName: this.registry.get(parentId)?.definition.name ?? '', incidentId: this.board.openIncidentOf(parentId) };
  }

  /** Whether a notification of this event would be noise: the endpoint's trouble is its parent's. */
  quiet<K extends ServerEventName>(event: K, data: ServerEvents[K]): boolean {
    if (event === 'incident:started' || event === 'incident:resolved') return (data as ServerEvents['incident:started']).causedBy !== null;
    if (event !== 'endpoint:status-changed') return false;
    const entry = this.registry.get((data as ServerEvents['endpoint:status-changed']).endpointId);
    if (!entry) return false;
    const parentId = entry.definition.parentId;
    return (parentId !== null && this.parentDown(parentId)) || Boolean(entry.state.openIncident?.causedBy);
  }

  private parentDown(parentId: string): boolean {
    const status = this.board.statusOf(parentId);
    return status === 'DOWN' || status === 'MAINTENANCE';
  }
}
