import type { ServerEventName, ServerEvents } from '../contract/events.ts';

export type Listener<K extends ServerEventName> = (data: ServerEvents[K]) => void;
export type AnyListener = <K extends ServerEventName>(event: K, data: ServerEvents[K]) => void;

/**
 * The typed in-process event bus: the one link between the core and every transport or notifier.
 * Delivery is synchronous and in emit order; a listener that throws is reported and never stops
 * the others (or the check that raised the event).
 */
export class EventBus {
  private readonly listeners = new Map<ServerEventName, Set<Listener<never>>>();
  private readonly anyListeners = new Set<AnyListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = (e) => console.error('event listener failed', e)) {}

  on<K extends ServerEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Listens to every event, in order; returns the unsubscribe function. */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  emit<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    const set = this.listeners.get(event);
    if (set) for (const listener of set) this.call(() => (listener as Listener<K>)(data));
    for (const listener of this.anyListeners) this.call(() => listener(event, data));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
