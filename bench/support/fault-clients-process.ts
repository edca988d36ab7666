/**
 * N Socket.io clients with the seed's options, for the restart scenario of bench/faults.bench.ts:
 * each subscribes to everything on every connect (a restarted Vigil has forgotten subscriptions) and
 * notes when it connected and when the first event after each connect arrived.
 *
 *   node --import tsx bench/support/fault-clients-process.ts <url> <clients>
 *
 * Prints `{"ready":N}` once every client connected and subscribed (or after 60 s, with N < clients).
 * Reads commands on stdin: `report <sinceMs>` prints one JSON line: per client, its first connect at
 * or after sinceMs, the first event after that connect, whether it gave up, the last disconnect
 * reason. Exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';

const [url, count] = [process.argv[2]!, Number(process.argv[3])];

interface ClientLog {
  /** Per connect: when, and when the first event after it arrived. */
  connects: { at: number; firstEventAt: number | null }[];
  gaveUp: boolean;
  lastDisconnectReason: string | null;
}

const logs: ClientLog[] = [];
const sockets: Socket[] = [];
let subscribed = 0;

for (let i = 0; i < count; i++) {
  const log: ClientLog = { connects: [], gaveUp: false, lastDisconnectReason: null };
  logs.push(log);
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    reconnectionAttempts: 5,
    forceNew: true,
  });
  let everSubscribed = false;
  socket.on('connect', () => {
    log.connects.push({ at: Date.now(), firstEventAt: null });
    socket
      .timeout(10_000)
      .emitWithAck('subscribe:all')
      .then((ack: { ok?: boolean }) => {
        if (ack?.ok && !everSubscribed) {
          everSubscribed = true;
          subscribed++;
        }
      })
      .catch(() => {});
  });
  socket.onAny(() => {
    const current = log.connects.at(-1);
    if (current && current.firstEventAt === null) current.firstEventAt = Date.now();
  });
  socket.on('disconnect', (reason) => (log.lastDisconnectReason = reason));
  socket.io.on('reconnect_failed', () => (log.gaveUp = true));
  sockets.push(socket);
}

const readyBy = Date.now() + 60_000;
while (subscribed < count && Date.now() < readyBy) await new Promise((r) => setTimeout(r, 100));
process.stdout.write(JSON.stringify({ ready: subscribed }) + '\n');

const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  const [command, arg] = line.trim().split(' ');
  if (command !== 'report') return;
  const since = Number(arg);
  const clients = logs.map((log) => {
    const connect = log.connects.find((c) => c.at >= since);
    return {
      connectedAt: connect?.at ?? null,
      firstEventAt: connect?.firstEventAt ?? null,
      gaveUp: log.gaveUp,
      lastDisconnectReason: log.lastDisconnectReason,
    };
  });
  process.stdout.write(JSON.stringify({ clients }) + '\n');
});
commands.on('close', () => {
  for (const socket of sockets) socket.close();
  process.exit(0);
});
