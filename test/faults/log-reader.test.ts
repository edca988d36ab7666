import { afterEach, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startVigilProcess, type VigilProcess } from '../support/vigil-process.ts';
import { createPgliteTestDatabase, waitFor, type TestDatabase } from '../support/vigil.ts';

// Vigil's log is its stdout. Whoever reads it (docker's log driver, journald, a pipe into `tee`)
// may stall or go away; the monitor must go on checking and must still stop when told to.
let vigil: VigilProcess | undefined;
let database: TestDatabase | undefined;
let target: TargetServer | undefined;
afterEach(async () => {
  await vigil?.kill();
  await database?.dispose();
  await target?.close();
  vigil = database = target = undefined;
});

async function start() {
  database = createPgliteTestDatabase();
  target = await startTargetServer();
  vigil = await startVigilProcess({ env: { ...database.env, LOG_LEVEL: 'debug', SHUTDOWN_TIMEOUT_MS: '3000' } });
  return vigil;
}

/** Requests whose bodies the client abandons: each is one debug log line on the server. */
async function abortedUploads(vigil: VigilProcess, count: number) {
  const { request } = await import('node:http');
  const port = new URL(vigil.url).port;
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          const req = request({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/endpoints',
            headers: { 'content-type': 'application/json', 'content-length': '1000' },
          });
          req.on('error', () => resolve());
          req.write('{"name":"x'.padEnd(500, 'x'));
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 50);
        }),
    ),
  );
}

async function checksOf(vigil: VigilProcess, id: string): Promise<number> {
  const answer = (await (await vigil.fetch(`/api/endpoints/${id}/checks?limit=100`)).json()) as { items: unknown[] };
  return answer.items.length;
}

describe('Vigil when nobody reads its log', () => {
  it('keeps checking and answering while its stdout is not read, then stops on SIGTERM', async () => {
    const v = await start();
    target!.setMode('/slow-reader', { kind: 'ok' });
    const created = await v.fetch('/api/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Watched', url: target!.url('/slow-reader'), intervalSeconds: 1 }),
    });
    const { id } = (await created.json()) as { id: string };
    // Stop reading: the pipe and Node's read buffer fill up, then every write to stdout would block.
    v.proc.stdout!.pause();
    for (let round = 0; round < 8; round++) await abortedUploads(v, 100);
    const before = await checksOf(v, id);
    const health = await fetch(`${v.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    await waitFor(async () => (await checksOf(v, id)) >= before + 2 || undefined, 10_000, 'two more checks while the log is unread');
    v.proc.kill('SIGTERM');
    const exited = await Promise.race([v.exited, new Promise((r) => setTimeout(() => r('still running 15 s after SIGTERM'), 15_000))]);
    expect(exited).toEqual({ code: 0, signal: null });
  });

  it('stops on SIGTERM after the reader of its stdout went away (EPIPE)', async () => {
    const v = await start();
    v.proc.stdout!.destroy();
    await abortedUploads(v, 20);
    expect((await fetch(`${v.url}/healthz`, { signal: AbortSignal.timeout(2000) })).status).toBe(200);
    v.proc.kill('SIGTERM');
    const exited = await Promise.race([v.exited, new Promise((r) => setTimeout(() => r('still running 15 s after SIGTERM'), 15_000))]);
    expect(exited).toEqual({ code: 0, signal: null });
  });
});
