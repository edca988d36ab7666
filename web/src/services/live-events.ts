import { batch } from 'solid-js';
import type { ServerEventName, ServerEvents } from '../../../server/contract/events.ts';

type Handler<K extends ServerEventName> = (data: ServerEvents[K]) => void;
type Queued = { [K in ServerEventName]: { name: K; data: ServerEvents[K] } }[ServerEventName];

const handlers = new Map<ServerEventName, Set<Handler<never>>>();
let queue: Queued[] = [];
let scheduled = false;

/** Hidden tabs get no animation frames; events are then applied on a slow timer instead. */
const HIDDEN_FLUSH_MS = 250;

/**
 * Events are queued as they arrive and applied together once per animation frame, in one Solid
 * batch: a burst of 50 events for one card writes its text once, not 50 times.
 */
export function enqueueLiveEvent<K extends ServerEventName>(name: K, data: ServerEvents[K]) {
  queue.push({ name, data } as Queued);
  if (scheduled) return;
  scheduled = true;
  if (document.hidden) setTimeout(flush, HIDDEN_FLUSH_MS);
  else requestAnimationFrame(flush);
}

/** Listens to one server event (applied in frame batches). Returns the function that stops it. */
export function onLiveEvent<K extends ServerEventName>(name: K, handler: Handler<K>): () => void {
  let set = handlers.get(name);
  if (!set) handlers.set(name, (set = new Set()));
  set.add(handler as Handler<never>);
  return () => set.delete(handler as Handler<never>);
}

function flush() {
  scheduled = false;
  const events = queue;
  queue = [];
  batch(() => {
    for (const event of events) {
      const set = handlers.get(event.name);
      if (!set) continue;
      for (const handler of set) {
        try {
          (handler as Handler<typeof event.name>)(event.data as never);
        } catch (error) {
          console.error(`Vigil: handling ${event.name} failed`, error);
        }
      }
    }
  });
}
