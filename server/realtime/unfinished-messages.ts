import type { WebSocket } from 'ws';

/** What `ws` keeps of a message it is still receiving (its Receiver's fields, ws 8). */
interface ReceiverState {
  _fragmented: number;
  _bufferedBytes: number;
  _state: number;
}

interface Watched {
  /** Data messages completed so far. */
  completed: number;
  /** Since when a message has been unfinished, with `completed` at that time. */
  since?: { at: number; completed: number };
}

/**
 * Closes /ws clients that start a message and never finish it (the first fragment of a
 * fragmented message, or the first bytes of a frame, then nothing or only pings): `maxPayload`
 * bounds a message's size, this bounds its time. Checked every second; the close is 1008, and the
 * socket is cut a second later if the client does not answer the close.
 */
export function unfinishedMessages(options: { timeoutMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const watched = new Map<WebSocket, Watched>();
  const receiverOf = (ws: WebSocket) => (ws as unknown as { _receiver?: Partial<ReceiverState> | null })._receiver;
  const unfinished = (ws: WebSocket) => {
    const receiver = receiverOf(ws);
    return Boolean(receiver && (receiver._fragmented || receiver._bufferedBytes || receiver._state));
  };

  const sweep = setInterval(
    () => {
      const at = now();
      for (const [ws, state] of watched) {
        if (ws.readyState !== ws.OPEN || !unfinished(ws)) {
          state.since = undefined;
          continue;
        }
        if (!state.since || state.since.completed !== state.completed) state.since = { at, completed: state.completed };
        else if (at - state.since.at >= options.timeoutMs) {
          ws.close(1008, 'message not finished in time');
          setTimeout(() => ws.terminate(), 1000).unref();
          watched.delete(ws);
        }
      }
    },
    Math.min(1000, options.timeoutMs),
  );
  sweep.unref();

  return {
    watch(ws: WebSocket): void {
      if (receiverOf(ws) === undefined) return; // another ws version: nothing to read
      watched.set(ws, { completed: 0 });
      ws.once('close', () => watched.delete(ws));
    },
    /** A data message arrived whole. */
    completed(ws: WebSocket): void {
      const state = watched.get(ws);
      if (state) state.completed++;
    },
    close(): void {
      clearInterval(sweep);
      watched.clear();
    },
  };
}
