import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTargetServer, type TargetServer } from '../../test/support/target-server.ts';
import { TargetPolicy } from '../security/target-policy.ts';
import { HttpProber, type ProbeTarget } from './http-prober.ts';

const target = (url: string, overrides: Partial<ProbeTarget> = {}): ProbeTarget => ({
  url,
  method: 'GET',
  headers: {},
  body: null,
  timeoutMs: 5_000,
  ...overrides,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HttpProber', () => {
  let server: TargetServer;
  let prober: HttpProber;

  beforeAll(async () => {
    server = await startTargetServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    prober = new HttpProber();
  });
  afterEach(() => {
    prober.close();
  });

  describe('when the target answers', () => {
    it('reports a 200 answer with an integer response time', async () => {
      const observation = await prober.probe(target(server.url('/health')));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 200 });
      expect(Number.isInteger(observation.responseTime)).toBe(true);
      expect(observation.responseTime).toBeGreaterThanOrEqual(0);
    });

    it('measures the time until the answer arrives (a 150 ms target takes 150 ms to ~1 s)', async () => {
      server.setMode('/slow', { kind: 'slow', delayMs: 150 });

      const observation = await prober.probe(target(server.url('/slow')));

      expect(observation.kind).toBe('response');
      expect(observation.responseTime).toBeGreaterThanOrEqual(150);
      expect(observation.responseTime).toBeLessThan(1_000);
    });

    it('returns a non-2xx status as a response, leaving the judgement to others', async () => {
      server.setMode('/broken', { kind: 'ok', status: 503, body: 'maintenance' });

      const observation = await prober.probe(target(server.url('/broken')));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 503 });
    });

    it('handles a HEAD request, which has no body', async () => {
      const observation = await prober.probe(target(server.url('/head'), { method: 'HEAD' }));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 200 });
      expect(server.requests.at(-1)).toMatchObject({ method: 'HEAD', path: '/head' });
    });

    it('survives a 2 MiB body by reading only the first MiB', async () => {
      server.setMode('/big', { kind: 'ok', body: 'x'.repeat(2 * 1024 * 1024) });

      const big = await prober.probe(target(server.url('/big')));
      const after = await prober.probe(target(server.url('/health')));

      expect(big).toMatchObject({ kind: 'response', statusCode: 200 });
      expect(after).toMatchObject({ kind: 'response', statusCode: 200 });
    });
  });

  describe('what reaches the target', () => {
    it('sends the method, the headers and the body with its Content-Length', async () => {
      const body = JSON.stringify({ ping: 'héllo' });

      await prober.probe(
        target(server.url('/echo?x=1'), {
          method: 'PUT',
          headers: { 'X-Api-Key': 'secret', 'Content-Type': 'application/json' },
          body,
        }),
      );

      const received = server.requests.at(-1);
      expect(received).toMatchObject({ method: 'PUT', path: '/echo', body });
      expect(received?.headers['x-api-key']).toBe('secret');
      expect(received?.headers['content-type']).toBe('application/json');
      expect(received?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    });

    it('identifies itself as Vigil by default', async () => {
      await prober.probe(target(server.url('/ua-default')));

      expect(server.requests.at(-1)?.headers['user-agent']).toBe('Vigil/0.1 (+health check)');
    });

    it('respects a User-Agent set by the target headers, whatever its case', async () => {
      await prober.probe(target(server.url('/ua-custom'), { headers: { 'user-agent': 'MyMonitor/2' } }));

      expect(server.requests.at(-1)?.headers['user-agent']).toBe('MyMonitor/2');
    });

    it('uses the User-Agent given to the constructor', async () => {
      const custom = new HttpProber({ userAgent: 'Custom/9' });
      try {
        await custom.probe(target(server.url('/ua-option')));
      } finally {
        custom.close();
      }

      expect(server.requests.at(-1)?.headers['user-agent']).toBe('Custom/9');
    });
  });

  describe('redirects', () => {
    it('follows a redirect to another path and reports the final answer', async () => {
      server.setMode('/moved', { kind: 'redirect', location: '/new-home' });
      server.setMode('/new-home', { kind: 'ok', status: 204 });

      const observation = await prober.probe(target(server.url('/moved')));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 204 });
      expect(server.hits('/new-home')).toBe(1);
    });

    it('resolves a relative Location against the current URL', async () => {
      server.setMode('/dir/start', { kind: 'redirect', location: 'next', status: 301 });
      server.setMode('/dir/next', { kind: 'ok', status: 204 });

      const observation = await prober.probe(target(server.url('/dir/start')));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 204 });
    });

    it('gives up on a redirect loop with "Too many redirects"', async () => {
      server.setMode('/loop', { kind: 'redirect', location: '/loop' });

      const observation = await prober.probe(target(server.url('/loop')));

      expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'Too many redirects (more than 5)' });
      expect(server.hits('/loop')).toBe(6);
    });

    it('turns a POST into a GET without body after a 303', async () => {
      server.setMode('/form', { kind: 'redirect', location: '/result', status: 303 });

      const observation = await prober.probe(target(server.url('/form'), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'a=1' }));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 200 });
      const [post, get] = server.requests.slice(-2);
      expect(post).toMatchObject({ method: 'POST', path: '/form', body: 'a=1' });
      expect(get).toMatchObject({ method: 'GET', path: '/result', body: '' });
      expect(get?.headers['content-type']).toBeUndefined();
      expect(get?.headers['content-length']).toBeUndefined();
    });

    it('keeps the method and body across a 307', async () => {
      server.setMode('/temp', { kind: 'redirect', location: '/temp-target', status: 307 });

      await prober.probe(target(server.url('/temp'), { method: 'POST', body: 'keep me' }));

      expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/temp-target', body: 'keep me' });
    });

    it('treats a redirect without Location as a plain answer', async () => {
      server.setMode('/no-location', { kind: 'redirect', location: '', status: 302 });

      const observation = await prober.probe(target(server.url('/no-location')));

      expect(observation).toMatchObject({ kind: 'response', statusCode: 302 });
    });
  });

  describe('when the target fails', () => {
    it('reports "Timeout exceeded" within the timeout plus a small margin', async () => {
      server.setMode('/hang', { kind: 'hang' });
      const startedAt = performance.now();

      const observation = await prober.probe(target(server.url('/hang'), { timeoutMs: 200 }));

      const took = performance.now() - startedAt;
      expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'Timeout exceeded' });
      expect(observation.responseTime).toBeGreaterThanOrEqual(199);
      expect(took).toBeLessThan(200 + 150);
    });

    it('counts redirects against the same timeout', async () => {
      server.setMode('/to-hang', { kind: 'redirect', location: '/hang-after-redirect' });
      server.setMode('/hang-after-redirect', { kind: 'hang' });

      const observation = await prober.probe(target(server.url('/to-hang'), { timeoutMs: 150 }));

      expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'Timeout exceeded' });
      expect(server.hits('/hang-after-redirect')).toBe(1);
    });

    it('reports "Connection refused" for a port nobody listens on', async () => {
      const gone = await startTargetServer();
      const url = gone.url('/');
      await gone.close();

      const observation = await prober.probe(target(url));

      expect(observation.kind).toBe('failure');
      expect(observation.kind === 'failure' && observation.errorMessage).toMatch(/^Connection refused \(127\.0\.0\.1:\d+\)$/);
    });

    it('reports "DNS lookup failed" for a host that does not exist', async () => {
      const observation = await prober.probe(target('http://nonexistent.invalid/'));

      expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'DNS lookup failed for nonexistent.invalid' });
    });

    it('reports "Connection reset by peer" when the target drops the connection', async () => {
      server.setMode('/reset', { kind: 'reset' });

      const observation = await prober.probe(target(server.url('/reset')));

      expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'Connection reset by peer' });
    });

    it('reports "Invalid URL" for a URL it cannot use', async () => {
      expect(await prober.probe(target('not a url'))).toMatchObject({ kind: 'failure', errorMessage: 'Invalid URL' });
      expect(await prober.probe(target('ftp://example.com/'))).toMatchObject({ kind: 'failure', errorMessage: 'Invalid URL' });
    });

    it('reports a header it cannot send as a failure instead of throwing', async () => {
      const observation = await prober.probe(target(server.url('/'), { headers: { 'X-Bad': 'line\nbreak' } }));

      expect(observation.kind).toBe('failure');
    });
  });

  describe('keep-alive', () => {
    it('reuses one connection for consecutive checks', async () => {
      const connections = new Set<unknown>();
      const onConnection = (socket: unknown) => connections.add(socket);
      server.server.on('connection', onConnection);
      try {
        for (let i = 0; i < 5; i++) await prober.probe(target(server.url('/reuse')));
      } finally {
        server.server.off('connection', onConnection);
      }

      expect(connections.size).toBe(1);
    });

    it('still gets an answer after the target closed the idle keep-alive socket', async () => {
      const impatient = await startTargetServer({ keepAliveTimeoutMs: 20 });
      try {
        const first = await prober.probe(target(impatient.url('/')));
        await sleep(100);
        const second = await prober.probe(target(impatient.url('/')));

        expect(first.kind).toBe('response');
        expect(second).toMatchObject({ kind: 'response', statusCode: 200 });
      } finally {
        await impatient.close();
      }
    });

    it('retries once on a fresh connection when a reused socket turns out to be stale', async () => {
      // Answers the first request of each connection with keep-alive, then drops the
      // connection when a second request arrives on it: the race a monitor meets when a
      // server closes an idle socket just as it is reused.
      const sockets: net.Socket[] = [];
      const raw = net.createServer((socket) => {
        sockets.push(socket);
        let answered = false;
        socket.on('error', () => {});
        socket.on('data', () => {
          if (answered) {
            socket.destroy();
            return;
          }
          answered = true;
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
        });
      });
      await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
      const { port } = raw.address() as net.AddressInfo;
      try {
        const first = await prober.probe(target(`http://127.0.0.1:${port}/`));
        const second = await prober.probe(target(`http://127.0.0.1:${port}/`));

        expect(first).toMatchObject({ kind: 'response', statusCode: 200 });
        expect(second).toMatchObject({ kind: 'response', statusCode: 200 });
        expect(sockets).toHaveLength(2);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => raw.close(() => resolve()));
      }
    });
  });

  describe('target policy', () => {
    const blocking = (...entries: string[]) =>
      new HttpProber({ targets: TargetPolicy.fromSettings({ blockedTargets: entries, allowedTargets: [], blockDefaultTargets: true }) });

    it('refuses a blocked address written in the URL, in any notation, without sending anything', async () => {
      const observation = await prober.probe(target('http://[::ffff:169.254.169.254]/latest/meta-data/', { timeoutMs: 60_000 }));

      expect(observation).toMatchObject({
        kind: 'failure',
        errorMessage: 'Blocked by policy: ::ffff:a9fe:a9fe (169.254.169.254) (link-local / cloud metadata)',
      });
      expect(observation.responseTime).toBeLessThan(50);
    });

    it('refuses a name that resolves to a blocked address, before connecting', async () => {
      const own = blocking('127.0.0.1');
      const connections: unknown[] = [];
      const onConnection = (socket: unknown) => connections.push(socket);
      server.server.on('connection', onConnection);
      try {
        const observation = await own.probe(target(`http://localhost:${new URL(server.origin).port}/blocked-by-name`));

        expect(observation).toMatchObject({ kind: 'failure', errorMessage: 'Blocked by policy: localhost → 127.0.0.1 (listed in BLOCKED_TARGETS)' });
      } finally {
        server.server.off('connection', onConnection);
        own.close();
      }
      expect(connections).toHaveLength(0);
      expect(server.hits('/blocked-by-name')).toBe(0);
    });

    it('reuses one keep-alive connection for a name it looked up (the lookup runs on new connections only)', async () => {
      const connections = new Set<unknown>();
      const onConnection = (socket: unknown) => connections.add(socket);
      server.server.on('connection', onConnection);
      try {
        for (let i = 0; i < 5; i++) {
          expect(await prober.probe(target(`http://localhost:${new URL(server.origin).port}/reuse-by-name`))).toMatchObject({
            kind: 'response',
            statusCode: 200,
          });
        }
      } finally {
        server.server.off('connection', onConnection);
      }

      expect(connections.size).toBe(1);
    });

    it('refuses a redirect to a blocked address without following it', async () => {
      const own = blocking('127.0.0.2');
      server.setMode('/to-blocked', { kind: 'redirect', location: 'http://127.0.0.2:9/' });
      try {
        expect(await own.probe(target(server.url('/to-blocked')))).toMatchObject({
          kind: 'failure',
          errorMessage: 'Blocked by policy: 127.0.0.2 (listed in BLOCKED_TARGETS) after a redirect',
        });
      } finally {
        own.close();
      }
    });
  });

  describe('resources', () => {
    it('leaves no timer or socket behind once closed', async () => {
      const count = (name: string) => process.getActiveResourcesInfo().filter((r) => r === name).length;
      const timersBefore = count('Timeout');
      const target2 = await startTargetServer();
      target2.setMode('/hang', { kind: 'hang' });
      target2.setMode('/reset', { kind: 'reset' });
      const own = new HttpProber();

      await Promise.all([
        own.probe(target(target2.url('/ok'))),
        own.probe(target(target2.url('/hang'), { timeoutMs: 50 })),
        own.probe(target(target2.url('/reset'))),
        own.probe(target('not a url')),
      ]);
      own.close();
      await target2.close();
      await sleep(10);

      expect(count('Timeout')).toBeLessThanOrEqual(timersBefore);
      expect(count('TCPSocketWrap') + count('TCPWRAP')).toBe(0);
    });
  });
});
