/**
 * Connects N socket.io clients (the seed's options) to a Vigil, subscribes each to all, and measures
 * for every `check:completed` the delay from the check's completion (timestamp + responseTime; same
 * machine, same clock) to its arrival here. Prints `{"measuring":true}` when its window starts and
 * one JSON line with the figures when done.
 *
 * With batch=1 the clients connect with `?batch=1` and unpack each `events:batch`. With
 * mode=stall they stop reading their TCP socket once subscribed (a stalled viewer) and report what
 * reached them: coalesced batches, and whether Vigil kept them.
 *
 * node --import tsx bench/realtime-client-process.ts <port> <clients> <warmupMs> <windowMs> [batch 0|1] [measure|stall]
 */
import { io, type Socket } from 'socket.io-client';

const [port, clientCount, warmupMs, windowMs, batchFlag] = process.argv.slice(2).map(Number) as [number, number, number, number, number?];
const batch = batchFlag === 1;
const stalling = process.argv[7] === 'stall';
let coalescedBatches = 0;
const RESERVOIR = 200_000;
const latencies = new Float64Array(RESERVOIR);
let kept = 0;
let seen = 0;
let received = 0;
let measuring = false;

const sockets: Socket[] = [];
for (let i = 0; i < clientCount; i++) {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    reconnectionAttempts: 5,
    forceNew: true,
    ...(batch ? { query: { batch: '1' } } : {}),
  });
  const onCheck = (data: { timestamp: string; responseTime: number }) => {
    if (!measuring) return;
    received++;
    const latency = Date.now() - (Date.parse(data.timestamp) + data.responseTime);
    // Reservoir sampling keeps the quantiles honest when there are more arrivals than slots.
    seen++;
    if (kept < RESERVOIR) latencies[kept++] = latency;
    else {
      const j = Math.floor(Math.random() * seen);
      if (j < RESERVOIR) latencies[j] = latency;
    }
  };
  socket.on('check:completed', onCheck);
  socket.on('events:batch', (frame: { events: { event: string; data: never }[]; coalesced?: true }) => {
    if (frame.coalesced) coalescedBatches++;
    for (const e of frame.events) if (e.event === 'check:completed') onCheck(e.data);
  });
  sockets.push(socket);
}

await Promise.all(
  sockets.map(
    (s) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('connect timeout')), 60_000);
        s.once('connect', async () => {
          clearTimeout(timer);
          const ack = await s.timeout(10_000).emitWithAck('subscribe:all');
          if (!ack?.ok) reject(new Error(`subscribe failed: ${JSON.stringify(ack)}`));
          else resolve();
        });
      }),
  ),
);
process.stderr.write(`clients: ${clientCount} connected and subscribed\n`);
if (stalling) for (const s of sockets) (s.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
await new Promise((r) => setTimeout(r, warmupMs));
process.stdout.write('{"measuring":true}\n');
measuring = true;
const started = Date.now();
const cpuStart = process.cpuUsage();
await new Promise((r) => setTimeout(r, windowMs));
measuring = false;
const seconds = (Date.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuPercent = Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100);
const sorted = latencies.slice(0, kept).sort();
const q = (p: number) => (kept ? sorted[Math.min(kept - 1, Math.floor(p * kept))] : null);
if (stalling) {
  // Read what waited, to see what Vigil kept for a stalled reader once it reads again.
  for (const s of sockets) (s.io.engine.transport as unknown as { ws: { _socket: { resume(): void } } }).ws._socket.resume();
  await new Promise((r) => setTimeout(r, 3000));
}
const disconnected = sockets.filter((s) => !s.connected).length;
for (const s of sockets) s.close();
process.stdout.write(
  JSON.stringify({
    clients: clientCount,
    seconds,
    received,
    perClientPerSecond: received / clientCount / seconds,
    p50: q(0.5),
    p99: q(0.99),
    max: kept ? sorted[kept - 1] : null,
    disconnected,
    cpuPercent,
    coalescedBatches,
  }) + '\n',
);
process.exit(0);
