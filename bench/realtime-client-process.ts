/**
 * Connects N socket.io clients (the seed's options) to a Vigil, subscribes each to all, and measures
 * for every `check:completed` the delay from the check's completion (timestamp + responseTime; same
 * machine, same clock) to its arrival here. Prints one JSON line on stdout when done.
 *
 * node --import tsx bench/realtime-client-process.ts <port> <clients> <warmupMs> <windowMs>
 */
import { io, type Socket } from 'socket.io-client';

const [port, clientCount, warmupMs, windowMs] = process.argv.slice(2).map(Number) as [number, number, number, number];
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
  });
  socket.on('check:completed', (data: { timestamp: string; responseTime: number }) => {
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
await new Promise((r) => setTimeout(r, warmupMs));
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
  }) + '\n',
);
process.exit(0);
