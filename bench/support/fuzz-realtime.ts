/**
 * The realtime fuzzer: Socket.io (the client library, and raw Engine.IO polling packets), the
 * native WebSocket bridge at /ws (odd frames, binary, oversized, fragments never finished, ping
 * floods, malformed upgrades) and SSE (odd queries and headers, open/close churn). Every HTTP
 * answer on the way (polling, upgrade refusals, SSE) is counted by status: none may be a 5xx.
 * Bounded by a message count and a time limit; 127.0.0.1 only.
 */
import http from 'node:http';
import net from 'node:net';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { oddValue, randomText, Rng, ODD_STRINGS } from './fuzz-random.ts';
import type { Offender } from './fuzz-rest.ts';

export interface RealtimeFuzzOptions {
  base: string;
  apiKey?: string;
  /** Messages (frames, events, packets, SSE opens) to send in all. */
  messages: number;
  timeLimitMs: number;
  seed: number;
  /** Clients at once. */
  concurrency?: number;
}

export interface RealtimeFuzzReport {
  sent: Record<'socketio' | 'engineio' | 'ws' | 'sse' | 'upgrade', number>;
  connections: number;
  /** HTTP answers seen (polling, refused upgrades, SSE), by status. */
  byStatus: Record<string, number>;
  /** WebSocket close codes sent by the server, by code. */
  closeCodes: Record<string, number>;
  fiveXX: number;
  offenders: Offender[];
  durationMs: number;
}

const EVENTS = [
  'subscribe:endpoint',
  'unsubscribe:endpoint',
  'subscribe:all',
  'unsubscribe:all',
  'ping',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
  'x'.repeat(300),
  'error',
  'connect_error',
  'message',
];
const UUID = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';

function payload(rng: Rng): unknown {
  return rng.pick([
    () => ({ endpointId: UUID }),
    () => ({ endpointId: rng.pick(ODD_STRINGS) }),
    () => ({ endpointId: oddValue(rng, 2) }),
    () => oddValue(rng),
    () => ({ __proto__: { admin: true } }),
    () => JSON.parse('{"__proto__":{"polluted":1},"endpointId":"x"}'),
    () => undefined,
    () => null,
    () => 'x'.repeat(rng.int(1, 100_000)),
  ])();
}

/** A /ws text frame: mostly JSON of the bridge's shape, sometimes not JSON at all. */
function wsFrame(rng: Rng): string | Buffer {
  switch (rng.int(0, 9)) {
    case 0:
      return randomText(rng, rng.int(0, 200));
    case 1:
      return Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)));
    case 2:
      return JSON.stringify(oddValue(rng));
    case 3:
      return '{"event":"subscribe:endpoint","data":{"endpointId":"' + '"'.repeat(rng.int(1, 5));
    case 4:
      return `${'['.repeat(rng.int(10, 20_000))}`;
    default:
      return JSON.stringify({ event: rng.pick(EVENTS), data: payload(rng), id: rng.pick([1, 'a', null, undefined, {}, [], 1e308, 'x'.repeat(500)]) });
  }
}

export async function fuzzRealtime(o: RealtimeFuzzOptions): Promise<RealtimeFuzzReport> {
  const started = Date.now();
  const base = new URL(o.base);
  const report: RealtimeFuzzReport = {
    sent: { socketio: 0, engineio: 0, ws: 0, sse: 0, upgrade: 0 },
    connections: 0,
    byStatus: {},
    closeCodes: {},
    fiveXX: 0,
    offenders: [],
    durationMs: 0,
  };
  const total = () => Object.values(report.sent).reduce((a, b) => a + b, 0);
  const more = () => total() < o.messages && Date.now() - started < o.timeLimitMs;
  const status = (code: number, what: string, answer = '') => {
    report.byStatus[code] = (report.byStatus[code] ?? 0) + 1;
    if (code >= 500) {
      report.fiveXX++;
      if (report.offenders.length < 10) report.offenders.push({ request: what, status: code, answer: answer.slice(0, 500) });
    }
  };
  const auth = (rng: Rng) => (o.apiKey ? rng.pick([o.apiKey, o.apiKey, o.apiKey, 'wrong', '']) : rng.pick(['', '', 'anything']));

  /** One Socket.io client: connect, a burst of odd events (a flood now and then), disconnect. */
  const socketIoSession = async (rng: Rng) => {
    const token = auth(rng);
    const socket: Socket = io(o.base, {
      transports: rng.pick([['websocket'], ['polling'], ['polling', 'websocket']]),
      auth: token ? { token } : rng.pick([{}, { token: 1 }, { token: ['x'] }]),
      reconnection: false,
      forceNew: true,
      timeout: 5000,
      extraHeaders: rng.chance(0.1) ? { origin: 'http://evil.example' } : {},
    });
    report.connections++;
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
      setTimeout(() => resolve(false), 6000);
    });
    if (connected) {
      const burst = rng.chance(0.1) ? rng.int(200, 800) : rng.int(1, 40);
      for (let i = 0; i < burst && more(); i++) {
        report.sent.socketio++;
        try {
          const event = rng.pick(EVENTS);
          if (rng.chance(0.5)) socket.emit(event, payload(rng), () => {});
          // biome-ignore lint/suspicious/noDuplicateElseIf: each rng.chance() draws anew (a quarter of the sends)
          else if (rng.chance(0.5)) socket.emit(event, payload(rng), payload(rng), Buffer.from([1, 2, 3]));
          else socket.emit(event);
        } catch {
          /* reserved event names are refused by the client library itself */
        }
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
      }
      await new Promise((r) => setTimeout(r, rng.int(0, 200)));
    }
    socket.disconnect();
  };

  /** Raw Engine.IO polling: a handshake, then malformed packets, bad sids and odd versions. */
  const engineIoSession = async (rng: Rng) => {
    const headers: Record<string, string> = o.apiKey && rng.chance(0.7) ? { authorization: `Bearer ${o.apiKey}` } : {};
    const handshake = await fetch(`${o.base}/socket.io/?EIO=4&transport=polling&t=${rng.int(0, 1e9)}`, { headers }).catch(() => null);
    report.sent.engineio++;
    if (!handshake) return;
    const text = await handshake.text();
    status(handshake.status, 'GET /socket.io/?EIO=4&transport=polling', text);
    const sid = /"sid":"([^"]+)"/.exec(text)?.[1] ?? 'bogus';
    for (let i = rng.int(1, 10); i > 0 && more(); i--) {
      const packet = rng.pick([
        '40',
        '40{"token":1}',
        `42["subscribe:endpoint",${JSON.stringify(payload(rng)) ?? 'null'}]`,
        '42["subscribe:all"]',
        '42[',
        '4',
        '9',
        '2',
        '6',
        '1',
        '42["__proto__",{}]',
        randomText(rng, rng.int(0, 200)),
        `42${'['.repeat(5000)}`,
        'x'.repeat(rng.int(1, 200_000)),
        '\u001e\u001e',
      ]);
      const query = rng.pick([
        `EIO=4&transport=polling&sid=${sid}`,
        'EIO=4&transport=polling&sid=bogus',
        `EIO=3&transport=polling&sid=${sid}`,
        'EIO=4&transport=foo',
        `EIO=4&transport=websocket&sid=${sid}`,
        'EIO=x',
        '',
      ]);
      const method = rng.pick(['POST', 'POST', 'GET', 'PUT', 'OPTIONS']);
      report.sent.engineio++;
      const res = await fetch(`${o.base}/socket.io/?${query}`, {
        method,
        headers: { ...headers, 'content-type': rng.pick(['text/plain;charset=UTF-8', 'application/octet-stream', 'application/json']) },
        body: method === 'GET' || method === 'OPTIONS' ? undefined : packet,
        // A GET on a live session is a long-poll that waits for the next packet (up to 25 s): cut short.
        signal: AbortSignal.timeout(method === 'GET' || rng.chance(0.2) ? rng.int(50, 500) : 30_000),
      }).catch(() => null);
      if (res) status(res.status, `${method} /socket.io/?${query} ${JSON.stringify(packet.slice(0, 200))}`, await res.text().catch(() => ''));
    }
  };

  /** One /ws client: upgrade (sometimes refused), odd frames, a ping flood or a fragment never finished. */
  const wsSession = async (rng: Rng) => {
    const key = auth(rng);
    const protocols = rng.pick([['vigil'], [], ['vigil', `vigil.key.${key}`], [`vigil.key.${key}`], ['other']]);
    const headers: Record<string, string> = key && rng.chance(0.6) ? { authorization: `Bearer ${key}` } : {};
    if (rng.chance(0.1)) headers.origin = rng.pick(['http://evil.example', 'null']);
    const path = rng.pick(['/ws', '/ws', '/ws', `/ws?token=${key}`, '/ws/', '/wss', '/ws?x=%zz']);
    report.connections++;
    const ws = new WebSocket(
      `ws://127.0.0.1:${base.port}${path}`,
      protocols.filter((p) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(p)),
      { headers, handshakeTimeout: 5000, maxPayload: 1 << 20 },
    );
    report.sent.upgrade++;
    ws.on('unexpected-response', (_req, res) => {
      status(res.statusCode ?? 0, `upgrade ${path} protocols=${protocols.join(',')}`);
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {});
    const opened = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(true));
      ws.once('close', () => resolve(false));
      setTimeout(() => resolve(false), 6000);
    });
    if (opened) {
      const closed = new Promise<void>((resolve) =>
        ws.once('close', (code) => {
          report.closeCodes[code] = (report.closeCodes[code] ?? 0) + 1;
          resolve();
        }),
      );
      const mode = rng.int(0, 9);
      const count = mode === 0 ? rng.int(200, 600) : rng.int(1, 40);
      for (let i = 0; i < count && more() && ws.readyState === ws.OPEN; i++) {
        report.sent.ws++;
        if (mode === 1) ws.ping(randomText(rng, 10));
        else if (mode === 2 && i === 0) ws.send('x'.repeat(rng.int(60_000, 200_000)));
        else if (mode === 3 && i === 0) {
          // The first fragment of a message that never ends: the bridge must time it out.
          ws.send('{"event":"subscribe:all"', { fin: false });
          break;
        } else ws.send(wsFrame(rng), { binary: false });
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.race([closed, new Promise((r) => setTimeout(r, rng.int(50, 400)))]);
      ws.terminate();
    }
  };

  /** An upgrade request no WebSocket client would send, over a raw socket. */
  const rawUpgrade = async (rng: Rng) => {
    report.sent.upgrade++;
    const lines = [
      `GET ${rng.pick(['/ws', '/socket.io/?EIO=4&transport=websocket', '/ws?token=x', '/nope'])} HTTP/1.1`,
      `Host: 127.0.0.1:${base.port}`,
      rng.pick(['Upgrade: websocket', 'Upgrade: WebSocket', 'Upgrade: h2c', 'Upgrade: ']),
      rng.pick(['Connection: Upgrade', 'Connection: keep-alive, Upgrade', 'Connection: close']),
      `Sec-WebSocket-Key: ${rng.pick(['dGhlIHNhbXBsZSBub25jZQ==', '', 'short', 'x'.repeat(300), randomText(rng, 10).replace(/[\r\n]/g, '')])}`,
      `Sec-WebSocket-Version: ${rng.pick(['13', '8', '', 'x', '99999999999'])}`,
      ...(rng.chance(0.5) ? [`Sec-WebSocket-Protocol: ${rng.pick(['vigil', 'vigil, vigil.key.x', ',,,', 'vigil.key.'])}`] : []),
      ...(o.apiKey && rng.chance(0.5) ? [`Authorization: Bearer ${o.apiKey}`] : []),
    ];
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(base.port), '127.0.0.1');
      let got = '';
      socket.on('data', (c) => {
        got += c.toString('latin1');
        if (got.includes('\r\n\r\n')) socket.destroy();
      });
      socket.on('error', () => resolve(got));
      socket.on('close', () => resolve(got));
      socket.setTimeout(5000, () => socket.destroy());
      socket.write(`${lines.join('\r\n')}\r\n\r\n${rng.chance(0.3) ? Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0, 0, 9]).toString('latin1') : ''}`);
    });
    const code = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
    if (code) status(Number(code), `raw upgrade: ${lines.join(' | ').slice(0, 400)}`, answer);
  };

  /** An SSE stream with an odd query or odd headers: opened, read a little, closed. */
  const sseSession = async (rng: Rng) => {
    const query = rng.pick([
      '',
      `endpointId=${UUID}`,
      'endpointId=not-a-uuid',
      'endpointId=',
      `endpointId=${UUID}&endpointId=${UUID}`,
      `token=${o.apiKey ?? 'x'}`,
      'endpointId=%zz',
      `endpointId=${'x'.repeat(5000)}`,
      '__proto__=1',
    ]);
    const headers: Record<string, string> = {};
    if (o.apiKey && rng.chance(0.7)) headers.authorization = `Bearer ${rng.pick([o.apiKey, 'wrong'])}`;
    if (rng.chance(0.3)) headers['last-event-id'] = rng.pick(['1', '-1', 'x'.repeat(1000), '\u00ff']);
    if (rng.chance(0.1)) headers.origin = 'http://evil.example';
    report.sent.sse++;
    report.connections++;
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: base.port, path: `/api/events${query ? `?${query}` : ''}`, headers }, (res) => {
        status(res.statusCode ?? 0, `GET /api/events?${query.slice(0, 200)} headers=${JSON.stringify(headers).slice(0, 200)}`);
        res.on('data', () => {});
        setTimeout(
          () => {
            req.destroy();
            resolve();
          },
          rng.int(0, 300),
        );
      });
      req.on('error', () => resolve());
      req.setTimeout(5000, () => req.destroy());
    });
  };

  const root = new Rng(o.seed ^ 0x5eed);
  const worker = async (w: number) => {
    const rng = root.fork(w);
    while (more()) {
      const kind = rng.int(0, 9);
      if (kind <= 2) await socketIoSession(rng);
      else if (kind <= 3) await engineIoSession(rng);
      else if (kind <= 6) await wsSession(rng);
      else if (kind === 7) await rawUpgrade(rng);
      else await sseSession(rng);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 6 }, (_, w) => worker(w)));
  report.durationMs = Date.now() - started;
  return report;
}
