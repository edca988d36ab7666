/**
 * The benchmarks' probe target, in its own process so that its CPU is neither Vigil's nor the
 * browser's.
 *
 * Default: test/support/target-server.ts, every path answers 200 "ok" (bench:checks, bench:realtime).
 * TARGET_FLIP=1 (bench:dashboard): every path answers alternately 200 and 500, counted per path
 * (1st request 200, 2nd 500, 3rd 200, …), so that each check of an endpoint that expects 2xx flips
 * it UP ↔ DOWN and Vigil emits one `endpoint:status-changed` per `check:completed`; GET /__stats
 * answers `{ requests, paths }` (not counted).
 * TARGET_TRACK=1 (bench:checks): every path answers 200 "ok", and each check is counted by the Vigil
 * instance named in its User-Agent (bench/support/check-tracker.ts: per-instance counts, double
 * checks, takeover after a kill), read and reset through /__track (not counted). Beside it, a TCP
 * server answering `PING <id>` with `+PONG` and a DNS server answering every A question with
 * 192.0.2.1, both counted as paths `/tcp/<id>` and `/dns/<name>` (with no instance: they carry no
 * User-Agent).
 *
 * Listens on 127.0.0.1 and a free port, prints one line `{"origin":"http://127.0.0.1:PORT","pid":N}`
 * on stdout (with `tcpPort` and `dnsPort` in track mode). Stops on SIGTERM/SIGINT, and when its stdin closes if TARGET_WATCH_STDIN=1 (the bench
 * that started it is gone), so it never outlives the benchmark.
 *
 * Run alone: node --import tsx bench/target-process.ts   (TARGET_FLIP=1 for the flipping one)
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { startDnsServer } from '../test/support/dns-server.ts';
import { startTargetServer } from '../test/support/target-server.ts';
import { CheckTracker } from './support/check-tracker.ts';

/** A server whose paths answer 200, 500, 200, … in turn. */
async function startFlipServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const hits = new Map<string, number>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    req.on('error', () => {});
    req.resume(); // bodies are ignored
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q >= 0 ? url.slice(0, q) : url;
      if (path === '/__stats') {
        const body = JSON.stringify({ requests, paths: hits.size });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      requests++;
      const n = (hits.get(path) ?? 0) + 1;
      hits.set(path, n);
      const status = n % 2 === 1 ? 200 : 500;
      const body = status === 200 ? 'ok' : 'flip';
      if (req.method === 'HEAD') {
        res.writeHead(status);
        res.end();
        return;
      }
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  return listenLocally(server);
}

const HEALTH_JSON = JSON.stringify({
  status: 'ok',
  version: '2.4.1',
  checks: [
    { name: 'db', ok: true },
    { name: 'cache', ok: true },
  ],
});

/** A server whose paths answer 200 "ok" (/j/… a health document in JSON), counting each check by the instance that made it. */
async function startTrackServer(): Promise<{ origin: string; tcpPort: number; dnsPort: number; close(): Promise<void> }> {
  const tracker = new CheckTracker();
  const answer = (res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    req.on('error', () => {});
    req.resume(); // bodies are ignored
    req.on('end', () => {
      const raw = req.url ?? '/';
      const path = raw.split('?', 1)[0]!;
      if (path.startsWith('/__track')) {
        const url = new URL(raw, 'http://target.invalid');
        const q = url.searchParams;
        if (url.pathname === '/__track' && req.method === 'GET') return answer(res, 200, JSON.stringify(tracker.stats()), 'application/json');
        if (url.pathname === '/__track/reset' && req.method === 'POST') {
          tracker.reset(Number(q.get('doubleGapMs') ?? 0));
          return answer(res, 200, '{"ok":true}', 'application/json');
        }
        if (url.pathname === '/__track/killed' && req.method === 'POST' && q.get('instance') && Number(q.get('at')) > 0) {
          const orphans = tracker.killed(q.get('instance')!, Number(q.get('at')));
          return answer(res, 200, JSON.stringify({ orphans }), 'application/json');
        }
        return answer(res, 400, 'GET /__track, POST /__track/reset?doubleGapMs=N, POST /__track/killed?instance=ID&at=MS');
      }
      tracker.record(path, req.headers['user-agent'], Date.now());
      if (req.method === 'HEAD') {
        res.writeHead(200);
        res.end();
        return;
      }
      // The JSON a service's health route answers, for checks with assertions (bench:checks --checks=assertions).
      if (path.startsWith('/j/')) return answer(res, 200, HEALTH_JSON, 'application/json');
      answer(res, 200, 'ok');
    });
  });
  const tcp = net.createServer((socket) => {
    socket.on('error', () => {});
    let seen = '';
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      const ping = /PING (\S+)\r\n/.exec(seen);
      if (!ping) return;
      seen = '';
      tracker.record(`/tcp/${ping[1]}`, undefined, Date.now());
      socket.write('+PONG\r\n');
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const dns = await startDnsServer({ records: {}, fallback: [{ type: 'A', value: '192.0.2.1' }] }, (name) =>
    tracker.record(`/dns/${name}`, undefined, Date.now()),
  );
  const web = await listenLocally(server);
  return {
    origin: web.origin,
    tcpPort: (tcp.address() as AddressInfo).port,
    dnsPort: dns.port,
    close: async () => {
      tcp.close();
      await dns.close();
      await web.close();
    },
  };
}

const target =
  process.env.TARGET_FLIP === '1'
    ? await startFlipServer()
    : process.env.TARGET_TRACK === '1'
      ? await startTrackServer()
      : await startTargetServer({ keepAliveTimeoutMs: 60_000 });
let closing = false;
const stop = (code: number) => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(code), 2_000);
  force.unref();
  target.close().then(
    () => process.exit(code),
    () => process.exit(code),
  );
};

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
if (process.env.TARGET_WATCH_STDIN === '1') {
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
}

process.stdout.write(JSON.stringify({ ...target, close: undefined, pid: process.pid }) + '\n');

/** Listens on a free port of 127.0.0.1 with long keep-alive; `close` also cuts open connections. */
async function listenLocally(server: http.Server): Promise<{ origin: string; close(): Promise<void> }> {
  server.keepAliveTimeout = 60_000;
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
