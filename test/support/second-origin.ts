/**
 * The attacker's web site for cross-site tests: a tiny HTTP server on 127.0.0.1 and another port
 * (another origin than Vigil's), serving the pages a test gives it. Open them in Chromium at
 * `origin` (same site as Vigil, another port) or, with `--host-resolver-rules` mapping a name to
 * 127.0.0.1 (see ATTACKER_HOST), at `originFor(ATTACKER_HOST)` (another site).
 * @example
 * const site = await startSecondOrigin();
 * site.page('/attack.html', '<script src="/attack.js"></script>');
 * await page.goto(site.url('/attack.html'));
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A name the browser tests resolve to 127.0.0.1 (`--host-resolver-rules`), to be another site than 127.0.0.1. */
export const ATTACKER_HOST = 'attacker.test';

export interface SecondOrigin {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** origin + path */
  url(path?: string): string;
  /** The same server under another host name (one the browser resolves to 127.0.0.1). */
  originFor(host: string): string;
  /** Serves `body` at `path` (default text/html; charset=utf-8). */
  page(path: string, body: string, contentType?: string): void;
  /** Every request received, in order: method, path and headers. */
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export async function startSecondOrigin(): Promise<SecondOrigin> {
  const pages = new Map<string, { body: string; type: string }>();
  const requests: SecondOrigin['requests'] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://second-origin').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const page = pages.get(path);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': page.type, 'cache-control': 'no-store' }).end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    url: (path = '/') => origin + path,
    originFor: (host) => `http://${host}:${port}`,
    page: (path, body, contentType = 'text/html; charset=utf-8') => void pages.set(path, { body, type: contentType }),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
