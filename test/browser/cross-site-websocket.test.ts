import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage } from '../support/browser.ts';
import { ATTACKER_HOST, startSecondOrigin, type SecondOrigin } from '../support/second-origin.ts';
import { startTestVigil, type TestVigil } from '../support/vigil.ts';

/**
 * Cross-site WebSocket hijacking in real Chromium: a page of another origin (the attacker's site,
 * another port, and another site name) opens Vigil's realtime transports — `new WebSocket('/ws')`,
 * socket.io-client on WebSocket and on polling, and an EventSource on /api/events — and tries to
 * read the events, which carry every endpoint's name, URL and status. None of them may get one.
 * The same page, once its origin is in ALLOWED_ORIGINS, does get them: the attack page works.
 */

const SOCKET_IO_BUNDLE = readFileSync(fileURLToPath(new URL('../../node_modules/socket.io-client/dist/socket.io.min.js', import.meta.url)), 'utf8');

/** The attacker's page: every transport records what it received in window.stolen. */
const attackPage = () => `<!doctype html><meta charset="utf-8"><title>cute cats</title>
<script src="/socket.io.min.js"></script>
<script src="/attack.js"></script>`;

const attackScript = (vigilPort: number) => `
window.stolen = { ws: [], sioWebsocket: [], sioPolling: [], sse: [], opened: [] };
const vigil = 'http://127.0.0.1:${vigilPort}';
const ws = new WebSocket('ws://127.0.0.1:${vigilPort}/ws');
ws.onopen = () => { stolen.opened.push('ws'); ws.send(JSON.stringify({ event: 'subscribe:all', id: 1 })); };
ws.onmessage = (m) => { const f = JSON.parse(m.data); if (f.event !== 'ack') stolen.ws.push(f.event); };
for (const [name, transports] of [['sioWebsocket', ['websocket']], ['sioPolling', ['polling']]]) {
  const socket = io(vigil, { transports, reconnectionAttempts: 3, reconnectionDelay: 200 });
  socket.on('connect', () => { stolen.opened.push(name); socket.emit('subscribe:all', () => {}); });
  socket.onAny((event) => { if (!event.startsWith('realtime:')) stolen[name].push(event); });
}
const sse = new EventSource(vigil + '/api/events');
sse.onopen = () => stolen.opened.push('sse');
sse.addEventListener('endpoint:created', () => stolen.sse.push('endpoint:created'));
`;

let browser: Browser;
let site: SecondOrigin;
const vigils: TestVigil[] = [];
beforeAll(async () => {
  browser = await launchBrowser([`--host-resolver-rules=MAP ${ATTACKER_HOST} 127.0.0.1`]);
  site = await startSecondOrigin();
  site.page('/socket.io.min.js', SOCKET_IO_BUNDLE, 'text/javascript');
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
afterEach(async () => {
  for (const vigil of vigils.splice(0)) {
    await vigil.dispose();
    expect(vigil.errors).toEqual([]);
  }
});

async function startVigil(env: Record<string, string> = {}): Promise<TestVigil> {
  const vigil = await startTestVigil(env);
  vigils.push(vigil);
  site.page('/attack.html', attackPage());
  site.page('/attack.js', attackScript(vigil.port), 'text/javascript');
  return vigil;
}

/** Opens the attack page at `origin`, lets it try, makes Vigil raise events, and answers what the page got. */
async function attackFrom(vigil: TestVigil, origin: string, settleMs: number) {
  const { page, context } = await newPage(browser);
  await page.goto(`${origin}/attack.html`);
  await page.waitForTimeout(settleMs);
  for (let i = 0; i < 3; i++) {
    const created = await vigil.api('POST', '/api/endpoints', { name: `Secret service ${i}`, url: 'http://127.0.0.1:9/internal', paused: true });
    expect(created.status).toBe(201);
  }
  await page.waitForTimeout(1500);
  const stolen = (await page.evaluate('window.stolen')) as Record<string, string[]>;
  // What Vigil holds for the page while it is still open: sessions, sockets, subscriptions.
  const held = { socketIo: vigil.socketIo.clientCount(), ws: vigil.ws.clientCount(), subscriptions: vigil.hub.size() };
  await context.close();
  return { stolen, held };
}

describe('a page of another origin', () => {
  it.each([
    ['the same site on another port', () => site.origin],
    ['another site', () => site.originFor(ATTACKER_HOST)],
  ])('from %s reads no event over /ws, Socket.io (WebSocket and polling) or SSE', async (_, originOf) => {
    const vigil = await startVigil();
    const { stolen, held } = await attackFrom(vigil, originOf(), 1500);
    expect(stolen).toEqual({ ws: [], sioWebsocket: [], sioPolling: [], sse: [], opened: [] });
    expect(held).toEqual({ socketIo: 0, ws: 0, subscriptions: { all: 0, endpoints: 0, clientsWithEndpoints: 0 } });
  });

  it('that ALLOWED_ORIGINS names gets the events over /ws and Socket.io (so the attack page does work)', async () => {
    const vigil = await startVigil({ ALLOWED_ORIGINS: site.origin });
    const { stolen, held } = await attackFrom(vigil, site.origin, 1500);
    expect(held.ws).toBe(1);
    // (Polling sessions open too, but without CORS headers the page cannot read them.)
    expect(held.socketIo).toBeGreaterThanOrEqual(1);
    expect(stolen.ws).toContain('endpoint:created');
    expect(stolen.sioWebsocket).toContain('endpoint:created');
    expect(stolen.opened).toEqual(expect.arrayContaining(['ws', 'sioWebsocket']));
  });
});
