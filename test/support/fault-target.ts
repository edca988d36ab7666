/**
 * A probe target for fault tests: test/support/target-server.ts (whose per-path modes it uses), with
 * each path switchable between up (200), failing (500) and slow, and a complete log per path of
 * when each request arrived and when it was answered, with which status — unbounded, so that the
 * results a Vigil stored can be compared one for one with the requests the target saw.
 */
import type http from 'node:http';
import { startTargetServer, type TargetServer, type TargetServerOptions } from './target-server.ts';

/** One entry per request of a path, in order of arrival. */
export interface PathLog {
  /** Date.now() when the request arrived. */
  receivedAt: number[];
  /** Date.now() when its answer was completely handed to the OS; NaN while unanswered or when abandoned. */
  answeredAt: number[];
  /** The status answered; 0 while unanswered, -1 when the connection closed first (the prober gave up or went away). */
  status: number[];
}

export interface FaultTarget {
  origin: string;
  url(path: string): string;
  /** 200 "ok" (the default for every path). */
  up(path: string): void;
  /** 500 "failing". */
  failing(path: string): void;
  /** Answers `status` (default 200) after `delayMs`. */
  slow(path: string, delayMs: number, status?: number): void;
  /** The log of a path (empty if it had no request). */
  log(path: string): PathLog;
  /** Every path that had a request. */
  paths(): string[];
  /** Requests received (of paths starting with `prefix`) with from ≤ arrival < to. */
  receivedBetween(from: number, to: number, prefix?: string): number;
  /** Requests received but neither answered nor abandoned yet. */
  inFlight(): number;
  totals(): { received: number; answered: number; abandoned: number };
  /** The underlying target server (modes of other kinds, keep-alive). */
  server: TargetServer;
  close(): Promise<void>;
}

const emptyLog = (): PathLog => ({ receivedAt: [], answeredAt: [], status: [] });

export async function startFaultTarget(options: TargetServerOptions = {}): Promise<FaultTarget> {
  const server = await startTargetServer(options);
  const logs = new Map<string, PathLog>();
  const totals = { received: 0, answered: 0, abandoned: 0 };

  // Registered after target-server's own handler: that one answers, this one only watches.
  server.server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    let log = logs.get(path);
    if (!log) logs.set(path, (log = emptyLog()));
    const i = log.receivedAt.push(Date.now()) - 1;
    log.answeredAt.push(NaN);
    log.status.push(0);
    totals.received++;
    res.once('finish', () => {
      log.answeredAt[i] = Date.now();
      log.status[i] = res.statusCode;
      totals.answered++;
    });
    res.once('close', () => {
      if (log.status[i] !== 0) return;
      log.status[i] = -1;
      totals.abandoned++;
    });
  });

  return {
    origin: server.origin,
    url: (path) => server.url(path),
    up: (path) => server.setMode(path, { kind: 'ok' }),
    failing: (path) => server.setMode(path, { kind: 'ok', status: 500, body: 'failing' }),
    slow: (path, delayMs, status = 200) => server.setMode(path, { kind: 'slow', delayMs, status }),
    log: (path) => logs.get(path) ?? emptyLog(),
    paths: () => [...logs.keys()],
    receivedBetween: (from, to, prefix = '/') => {
      let n = 0;
      for (const [path, log] of logs) {
        if (!path.startsWith(prefix)) continue;
        for (const at of log.receivedAt) if (at >= from && at < to) n++;
      }
      return n;
    },
    inFlight: () => totals.received - totals.answered - totals.abandoned,
    totals: () => ({ ...totals }),
    server,
    close: () => server.close(),
  };
}
