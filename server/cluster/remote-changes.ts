import type { Database } from '../../db/client.ts';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { EndpointDefinition } from '../contract/types.ts';
import { followSchedule, isFailing } from '../services/endpoints/monitoring.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import type { Placement } from '../scheduler/placement.ts';

/**
 * Keeps this instance's registry and schedule in step with endpoint changes made on other
 * instances (as the relay reports them): the definitions are re-read from the database, a few at
 * a time, and the holder of an endpoint follows its new schedule as if the change were local.
 */
export class RemoteEndpointChanges {
  private readonly pending = new Set<string>();
  private flushing: Promise<void> | undefined;
  /** Until the registry has loaded, changes wait (the load may not have seen them yet). */
  private holding = true;
  private readonly deletedWhileHolding = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly registry: MonitorRegistry,
    private readonly placement: Placement,
    private readonly onError: (error: unknown) => void,
    /** Told after changes are applied (maintenance windows look again at the endpoints). */
    private readonly onApplied: () => void = () => {},
  ) {}

  readonly apply = <K extends ServerEventName>(event: K, data: ServerEvents[K]): void => {
    if (this.holding) {
      if (event === 'endpoint:created' || event === 'endpoint:updated') this.pending.add((data as ServerEvents['endpoint:created']).id);
      if (event === 'endpoint:deleted') this.deletedWhileHolding.add((data as ServerEvents['endpoint:deleted']).endpointId);
      return;
    }
    if (event === 'endpoint:deleted') {
      const { endpointId } = data as ServerEvents['endpoint:deleted'];
      this.pending.delete(endpointId);
      this.placement.forget(endpointId);
      this.registry.remove(endpointId);
      this.onApplied();
    } else if (event === 'endpoint:created' || event === 'endpoint:updated') {
      this.pending.add((data as ServerEvents['endpoint:created']).id);
      this.scheduleFlush();
    }
  };

  /** The registry has loaded: apply what arrived meanwhile, and everything from now on. */
  release(): void {
    this.holding = false;
    for (const endpointId of this.deletedWhileHolding) this.apply('endpoint:deleted', { endpointId });
    this.deletedWhileHolding.clear();
    if (this.pending.size > 0) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .catch(this.onError)
      .finally(() => (this.flushing = undefined));
  }

  /** Resolves when the changes received so far are applied. */
  async settled(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.pending.size > 0) {
      const ids = [...this.pending];
      this.pending.clear();
      const before = new Map<string, EndpointDefinition | null>(ids.map((id) => [id, this.registry.get(id)?.definition ?? null]));
      const present = new Set(await this.registry.reloadDefinitions(this.db, ids));
      for (const id of ids) {
        const after = this.registry.get(id)?.definition;
        if (present.has(id) && after) followSchedule(this.placement, id, before.get(id) ?? null, after, 'now', isFailing(this.registry, id));
      }
    }
    this.onApplied();
  }
}
