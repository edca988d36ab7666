/**
 * The dashboard benchmark's probe target, in its own process so that its CPU is neither Vigil's nor
 * the browser's. Every path answers alternately 200 and 500, counted per path (1st request 200,
 * 2nd 500, 3rd 200, …), so that each check of an endpoint that expects 2xx flips it UP ↔ DOWN and
 * Vigil emits one `endpoint:status-changed` per `check:completed`.
 *
 * Prints one line `{"origin":"http://127.0.0.1:PORT","pid":N}` on stdout once listening.
 * GET /__stats answers `{ requests, paths }` (not counted). Stops on SIGTERM/SIGINT, and when its
 * stdin closes if TARGET_WATCH_STDIN=1 (the bench that started it is gone).
 *
 * Run alone: node --import tsx bench/flip-target-process.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
server.keepAliveTimeout = 60_000;
server.on('clientError', (_err, socket) => socket.destroy());

await new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => resolve());
});

let closing = false;
const stop = (code: number) => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(code), 2_000);
  force.unref();
  server.close(() => process.exit(code));
  server.closeAllConnections();
};
process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
if (process.env.TARGET_WATCH_STDIN === '1') {
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
}

const { port } = server.address() as AddressInfo;
process.stdout.write(JSON.stringify({ origin: `http://127.0.0.1:${port}`, pid: process.pid }) + '\n');
