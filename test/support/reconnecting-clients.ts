/**
 * Realtime clients that behave like long-lived real ones across a restart of Vigil: a /ws client
 * and an SSE reader that reconnect by themselves (after a 1012 close, a 503, a dropped connection)
 * and subscribe again each time, but give up on a refusal (401/429). They record every event and
 * every way a connection ended, for tests to compare.
 */
import WebSocket from 'ws';
import type { Received } from './realtime-clients.ts';

export interface ReconnectingClient {
  events: Received[];
  /** How many times a connection was established. */
  opens: number;
  /** HTTP statuses of refused connection attempts, in order. */
  refusals: number[];
  /** Set once the client stopped trying (a refusal, or close()). */
  gaveUp: boolean;
  close(): Promise<void>;
}

export interface ReconnectingWs extends ReconnectingClient {
  /** Close code and reason of each connection that ended. */
  closes: { code: number; reason: string }[];
}

/** Delay before the next attempt after a dropped connection or a failed attempt. */
const RETRY_MS = 500;
const REFUSED = new Set([401, 403, 429]);

/** A /ws client that subscribes to all on every connection and comes back after anything but a refusal. */
export function reconnectingWs(url: string, protocols: string[] = []): ReconnectingWs {
  const client: ReconnectingWs = { events: [], opens: 0, refusals: [], closes: [], gaveUp: false, close: async () => {} };
  let current: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retryAfterMs = RETRY_MS;
  const retry = (delayMs: number) => {
    if (client.gaveUp) return;
    clearTimeout(timer);
    timer = setTimeout(connect, delayMs);
  };
  const connect = () => {
    const ws = new WebSocket(url, protocols);
    current = ws;
    let ended = false;
    const end = (delayMs: number) => {
      if (ended) return;
      ended = true;
      retry(delayMs);
    };
    ws.on('open', () => {
      client.opens++;
      retryAfterMs = RETRY_MS;
      ws.send(JSON.stringify({ event: 'subscribe:all', id: client.opens }));
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString());
      if (frame.event === 'ack' || frame.event === 'pong') return;
      client.events.push({ event: frame.event, data: frame.data });
      if (frame.event === 'server:shutdown') retryAfterMs = frame.data.retryAfterMs;
    });
    ws.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      client.refusals.push(status);
      request.destroy();
      if (REFUSED.has(status)) client.gaveUp = true;
      const retryAfter = Number(response.headers['retry-after']);
      end(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 2000) : RETRY_MS);
    });
    ws.on('close', (code, reason) => {
      if (client.opens > client.closes.length) client.closes.push({ code, reason: reason.toString() });
      end(code === 1012 ? retryAfterMs : RETRY_MS);
    });
    ws.on('error', () => end(RETRY_MS));
  };
  client.close = async () => {
    client.gaveUp = true;
    clearTimeout(timer);
    if (current && current.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => current!.once('close', resolve));
      current.terminate();
      await closed;
    }
  };
  connect();
  return client;
}

export interface ReconnectingSse extends ReconnectingClient {
  /** The `retry:` values the server sent, in order. */
  retries: number[];
}

/** An SSE reader of GET /api/events that, like EventSource, reconnects after the stream ends, waiting the last `retry:`. */
export function reconnectingSse(url: string): ReconnectingSse {
  const client: ReconnectingSse = { events: [], opens: 0, refusals: [], retries: [], gaveUp: false, close: async () => {} };
  let controller = new AbortController();
  let retryMs = RETRY_MS;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const readOnce = async () => {
    controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    if (response.status !== 200 || !response.body) {
      client.refusals.push(response.status);
      if (REFUSED.has(response.status)) client.gaveUp = true;
      await response.body?.cancel();
      return;
    }
    client.opens++;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        readBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  };
  const readBlock = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      else if (line.startsWith('retry:')) {
        retryMs = Number(line.slice(6).trim());
        client.retries.push(retryMs);
      }
    }
    if (data.length > 0) client.events.push({ event, data: JSON.parse(data.join('\n')) });
  };
  const running = (async () => {
    while (!client.gaveUp) {
      await readOnce().catch(() => {});
      if (!client.gaveUp) await wait(retryMs);
    }
  })();
  client.close = async () => {
    client.gaveUp = true;
    controller.abort();
    await running;
  };
  return client;
}
