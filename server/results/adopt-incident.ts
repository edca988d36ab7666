import type { Database } from '../../db/client.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import { readOpenIncident } from '../state/stored-monitors.ts';
import type { PendingWrite } from './pending-write.ts';

/**
 * Two writers raced to open an incident for the same endpoints (another instance checked them
 * too), and the other one's is stored: each endpoint adopts the stored open incident, and its
 * results in this batch no longer announce one, so clients hear of a single incident.
 */
export async function adoptStoredIncidents(db: Database, registry: MonitorRegistry, endpointIds: string[], batch: PendingWrite[]): Promise<void> {
  for (const endpointId of endpointIds) {
    await adoptOpenIncident(db, registry, endpointId);
    for (const w of batch) {
      if (w.check.endpointId === endpointId) w.events = w.events.filter(([name]) => name !== 'incident:started');
    }
  }
}

async function adoptOpenIncident(db: Database, registry: MonitorRegistry, endpointId: string): Promise<void> {
  const entry = registry.get(endpointId);
  if (!entry) return;
  const openIncident = await readOpenIncident(db, endpointId);
  // Deleted or reloaded meanwhile: that newer entry is left as it is.
  if (registry.get(endpointId) !== entry) return;
  registry.apply(endpointId, { ...entry.state, openIncident });
}
