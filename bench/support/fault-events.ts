/**
 * What Vigil tells the outside world during a fault, with arrival times: a local webhook receiver
 * (WEBHOOK_URL) and one Socket.io client subscribed to everything.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { onCleanup } from './cleanup.ts';
import { withTimeout } from './waits.ts';

export interface ArrivedEvent {
  event: string;
  endpointId: string | undefined;
  data: Record<string, unknown>;
  /** Date.now() on arrival. */
  at: number;
}

export interface EventLog {
  events: ArrivedEvent[];
  /** The first `event` about `endpointId` that arrived at or after `since`. */
  first(event: string, endpointId: string, since: number): ArrivedEvent | undefined;
}

function eventLog(): EventLog {
  const events: ArrivedEvent[] = [];
  return {
    events,
    first: (event, endpointId, since) => events.find((e) => e.event === event && e.endpointId === endpointId && e.at >= since),
  };
}

export interface WebhookReceiver extends EventLog {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 taking Vigil's webhook POSTs `{ event, data, sentAt }`. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const log = eventLog();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; data: Record<string, unknown> };
        log.events.push({ event: body.event, endpointId: body.data?.endpointId as string | undefined, data: body.data, at });
      } catch {
        /* not a webhook body */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      done();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const done = onCleanup('handles', close);
  return { ...log, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close };
}

export interface EventListener extends EventLog {
  socket: Socket;
  close(): void;
}

const LISTENED = ['endpoint:status-changed', 'incident:started', 'incident:resolved', 'check:completed'];

/** A Socket.io client with the seed's options, subscribed to every endpoint (again after each reconnect). */
export async function listenToEvents(base: string): Promise<EventListener> {
  const log = eventLog();
  const socket = io(base, { transports: ['websocket'], reconnection: true, reconnectionDelay: 1000, reconnectionDelayMax: 5000, forceNew: true });
  for (const event of LISTENED) {
    socket.on(event, (data: Record<string, unknown>) => log.events.push({ event, endpointId: data?.endpointId as string | undefined, data, at: Date.now() }));
  }
  socket.on(
    'connect',
    () =>
      void socket
        .timeout(10_000)
        .emitWithAck('subscribe:all')
        .catch(() => {}),
  );
  await withTimeout(new Promise<void>((resolve) => socket.once('connect', () => resolve())), 15_000, 'the Socket.io listener to connect');
  const close = () => {
    done();
    socket.close();
  };
  const done = onCleanup('handles', async () => close());
  return { ...log, socket, close };
}
