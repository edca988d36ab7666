import type { ServerEventName, ServerEvents } from '../contract/events.ts';

/**
 * Serialises the envelope of an event once for all the clients it goes to: the hub hands the same
 * data object to every client in a row, so remembering the last one is enough.
 */
export function createFrameCache(): <K extends ServerEventName>(event: K, data: ServerEvents[K]) => string {
  let lastEvent: string | undefined;
  let lastData: unknown;
  let lastFrame = '';
  return (event, data) => {
    if (event !== lastEvent || data !== lastData) {
      lastEvent = event;
      lastData = data;
      lastFrame = JSON.stringify({ event, data });
    }
    return lastFrame;
  };
}
