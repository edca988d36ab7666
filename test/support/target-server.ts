/**
 * A real local HTTP server to probe in tests and benchmarks: each path can be told how to
 * behave (answer, answer slowly, hang, redirect, reset the connection), and every request it
 * receives is recorded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TargetMode =
  | { kind: 'ok'; status?: number /* default 200 */; body?: string; headers?: Record<string, string> /* Content-Type: text/plain unless set */ }
  | { kind: 'slow'; delayMs: number; status?: number }
  | { kind: 'hang' } // accepts, never answers (until close)
  | { kind: 'redirect'; location: string; status?: number /* 302 */ }
  | { kind: 'reset' }; // destroys the socket without answering

export interface TargetRequest {
  method: string;
  path: string;
  /** The request target as sent (path and query). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Date.now() when the request (with its body) had been received. */
  at: number;
}

export interface TargetServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  /** origin + path (path default '/'). */
  url(path?: string): string;
  /** Per path (pathname without query); paths without a mode use the default mode (200 'ok'). */
  setMode(path: string, mode: TargetMode): void;
  setDefaultMode(mode: TargetMode): void;
  /** Every request received, in order (bounded: the newest 10,000). */
  requests: TargetRequest[];
  /** How many requests that path received (counted separately from the bounded `requests`). */
  hits(path: string): number;
  /** The underlying server, e.g. to tune `keepAliveTimeout`. */
  server: http.Server;
  /** Closes the server, destroying open (including hanging) connections. */
  close(): Promise<void>;
}

export interface TargetServerOptions {
  /** How long the server keeps an idle keep-alive connection open (default 5,000 ms). */
  keepAliveTimeoutMs?: number;
  /** The loopback address to listen on (default 127.0.0.1; on Linux all of 127/8 is loopback). */
  host?: string;
}

const MAX_RECORDED_REQUESTS = 10_000;
const DEFAULT_MODE: TargetMode = { kind: 'ok' };

export async function startTargetServer(options: TargetServerOptions = {}): Promise<TargetServer> {
  const modes = new Map<string, TargetMode>();
  const hitCounts = new Map<string, number>();
  const requests: TargetRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let defaultMode: TargetMode = DEFAULT_MODE;

  const respond = (req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    const bodyless = req.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
    if (bodyless) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      ...headers,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {
      /* the client went away; nothing to answer */
    });
    req.on('end', () => {
      const path = pathnameOf(req.url ?? '/');
      hitCounts.set(path, (hitCounts.get(path) ?? 0) + 1);
      requests.push({
        method: req.method ?? 'GET',
        path,
        url: req.url ?? '/',
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();

      const mode = modes.get(path) ?? defaultMode;
      switch (mode.kind) {
        case 'ok':
          respond(req, res, mode.status ?? 200, mode.body ?? 'ok', mode.headers);
          break;
        case 'slow': {
          const timer = setTimeout(() => {
            pendingTimers.delete(timer);
            if (!res.destroyed) respond(req, res, mode.status ?? 200, 'ok');
          }, mode.delayMs);
          pendingTimers.add(timer);
          break;
        }
        case 'hang':
          break;
        case 'redirect':
          res.writeHead(mode.status ?? 302, { Location: mode.location, 'Content-Length': 0 });
          res.end();
          break;
        case 'reset':
          req.socket.destroy();
          break;
      }
    });
  });
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 5_000;
  // A probe writing to a socket we reset is expected; keep such errors quiet.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${options.host ?? '127.0.0.1'}:${port}`;

  let closing: Promise<void> | null = null;

  return {
    origin,
    url: (path = '/') => origin + (path.startsWith('/') ? path : `/${path}`),
    setMode: (path, mode) => {
      modes.set(pathnameOf(path), mode);
    },
    setDefaultMode: (mode) => {
      defaultMode = mode;
    },
    requests,
    hits: (path) => hitCounts.get(pathnameOf(path)) ?? 0,
    server,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function pathnameOf(pathOrUrl: string): string {
  try {
    // Concatenate rather than resolve, so that a path like '//x' stays a path, not a host.
    const absolute = pathOrUrl.startsWith('/') ? `http://target.invalid${pathOrUrl}` : pathOrUrl;
    return new URL(absolute, 'http://target.invalid/').pathname;
  } catch {
    return pathOrUrl.split('?')[0] ?? pathOrUrl;
  }
}
