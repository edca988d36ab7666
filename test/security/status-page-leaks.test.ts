import http from 'node:http';
import { sql } from 'drizzle-orm';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../db/client.ts';
import { accessCookieName, accessToken } from '../../server/auth/page-password.ts';
import type { PublicStatusPage, StatusPage, StatusPageSubscriber, SubscriberWebhookBody } from '../../server/contract/status-pages.ts';
import type { Check, Endpoint, Incident, MaintenanceWindow, Page, ProblemDetails } from '../../server/contract/types.ts';
import { type ReceivedMail, type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { createTestDatabase, startTestVigil, type TestDatabase, waitFor, type TestVigil } from '../support/vigil.ts';

/**
 * What the public side of status pages (HTML, page.json, the live stream, Atom and RSS, page and
 * endpoint badges, the sign-in of password pages, custom domains) gives a visitor without the API
 * key: the names, statuses and figures of the endpoints on a public page, and nothing else.
 *
 * A real Vigil (API_KEY set) watches a real local target. Its endpoints carry secrets everywhere
 * (a token in the URL's path and query, a basic-auth password, secret headers, a request body,
 * tags, assertions, an error body); some are on a public page, some only on password pages, some
 * on no page, one has an open incident with updates, another a maintenance window. Then every
 * public route is read as an attacker on Vigil's host and on the pages' custom domains (gzip or
 * not, HEAD too, with path tricks), the live streams are read while hidden endpoints change, and
 * no secret, no hidden endpoint, and nothing of a password page without its cookie may show up in
 * any status line, header or body.
 */

const KEY = 'status-page-leaks-key-0123456789abcdef';
/** Realtime connections per client address (the last test fills them with HEAD requests). */
const CONNECTIONS_PER_ADDRESS = 50;
const RUN = Math.random().toString(36).slice(2, 8);
const FOREIGN = 'http://evil.example';
const PASSWORD = `correct horse ${RUN}`;
const PASSWORD_2 = `battery staple ${RUN}`;

/** Distinctive strings put in every secret place of the endpoints: none may leave through a public route. */
const SECRET = {
  pathToken: `zqpathtoken${RUN}`,
  queryToken: `zqquerytoken${RUN}`,
  basicUser: `zqbasicuser${RUN}`,
  basicPassword: `zqbasicpw${RUN}`,
  bearer: `zqbearer${RUN}`,
  headerName: `x-zqheader${RUN}`,
  headerValue: `zqheadervalue${RUN}`,
  body: `zqrequestbody${RUN}`,
  tag: `zqtag${RUN}`,
  assertion: `zqassertion${RUN}`,
  errorBody: `zqerrorbody${RUN}`,
  errorStack: `/srv/zqinternal${RUN}/handler.js`,
};

/** Slugs and domains of the pages. */
const SLUG = { pub: `pub-${RUN}`, priv: `priv-${RUN}`, priv2: `privtwo-${RUN}`, flip: `flip-${RUN}`, badge: `badge-${RUN}` };
const DOMAIN = { pub: `status-${RUN}.leaks.test`, priv: `private-${RUN}.leaks.test` };

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Decoded (gunzipped) body text. */
  body: string;
}

interface RequestOptions {
  method?: string;
  /** The Host header (default Vigil's own, 127.0.0.1:<port>). */
  host?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The source address (any of 127/8): another client address for Vigil. */
  from?: string;
  /** Another Vigil's port (default the file's). */
  port?: number;
  /** Default: a connection of its own. */
  agent?: http.Agent;
}

let target: TargetServer;
/** What the pages' subscribers receive: mail (a real SMTP server) and webhooks. */
let smtp: SmtpReceiver;
let hooks: HookReceiver;
let vigil: TestVigil;
/** The shared Vigil's database, disposed by the file itself (the last test stops Vigil, which may hang). */
let database: TestDatabase;
let stopped = false;
const ownHost = () => `127.0.0.1:${vigil.port}`;

/** One request with exactly these headers (Host included), its gzipped body unpacked. */
function send(path: string, options: RequestOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: options.port ?? vigil.port,
        method: options.method ?? 'GET',
        path,
        agent: options.agent ?? false,
        ...(options.from ? { localAddress: options.from } : {}),
        headers: { host: options.host ?? (options.port ? `127.0.0.1:${options.port}` : ownHost()), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          const body = res.headers['content-encoding'] === 'gzip' && raw.length > 0 ? gunzipSync(raw) : raw;
          resolve({ status: res.statusCode!, headers: res.headers, body: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${path} within 10 s`)));
    req.end(options.body);
  });
}

/** An open live stream (or whatever answered instead), read until closed. */
interface Stream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Everything received so far. */
  text(): string;
  /** The `event:`/`data:` frames received so far. */
  frames(): { event: string; data: string }[];
  /** Whether the server ended it. */
  ended(): boolean;
  close(): void;
}

const streams = new Set<Stream>();

function openStream(path: string, options: RequestOptions = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: options.port ?? vigil.port,
      method: options.method ?? 'GET',
      path,
      agent: false,
      ...(options.from ? { localAddress: options.from } : {}),
      headers: { host: options.host ?? (options.port ? `127.0.0.1:${options.port}` : ownHost()), accept: 'text/event-stream', ...options.headers },
    });
    req.on('response', (res) => {
      let text = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (ended = true));
      res.on('close', () => (ended = true));
      res.on('error', () => (ended = true));
      const stream: Stream = {
        status: res.statusCode!,
        headers: res.headers,
        text: () => text,
        frames: () =>
          text
            .split('\n\n')
            .map((block) => {
              const event = /^event: ?(.*)$/m.exec(block)?.[1];
              const data = block
                .split('\n')
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.replace(/^data: ?/, ''))
                .join('\n');
              return event === undefined ? null : { event, data };
            })
            .filter((f): f is { event: string; data: string } => f !== null),
        ended: () => ended,
        close: () => {
          req.destroy();
          streams.delete(stream);
        },
      };
      streams.add(stream);
      resolve(stream);
    });
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The admin API, with the key. */
async function admin<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await vigil.api<T>(method, path, body, { authorization: `Bearer ${KEY}` });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

const checkNow = (endpoint: Endpoint) => admin<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
const openIncidentOf = async (endpoint: Endpoint) =>
  (await admin<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}&limit=100`)).items.find((i) => i.resolvedAt === null);

/** An endpoint with a secret in every place it can hold one, probing `path` of the target. */
function secretEndpoint(name: string, path: string, fields: Record<string, unknown> = {}) {
  const port = new URL(target.origin).port;
  return {
    name,
    url: `http://${SECRET.basicUser}:${SECRET.basicPassword}@127.0.0.1:${port}${path}/${SECRET.pathToken}?token=${SECRET.queryToken}`,
    method: 'POST',
    headers: { Authorization: `Bearer ${SECRET.bearer}`, [SECRET.headerName]: SECRET.headerValue, 'X-Plain': SECRET.headerValue },
    secretHeaders: [SECRET.headerName],
    body: `{"secret":"${SECRET.body}"}`,
    tags: [SECRET.tag],
    assertions: [{ source: 'body', comparison: 'notContains', target: SECRET.assertion, severity: 'DOWN' }],
    intervalSeconds: 3600,
    failureThreshold: 1,
    recoveryThreshold: 1,
    paused: true,
    ...fields,
  };
}

/** The target path of an endpoint made by secretEndpoint (what setMode needs). */
const targetPath = (path: string) => `${path}/${SECRET.pathToken}`;
const failing = { kind: 'ok' as const, status: 500, body: `${SECRET.errorBody} at ${SECRET.errorStack}` };

const ep = {} as Record<
  'pubUp' | 'pubFlaky' | 'pubTagged' | 'pubHostile' | 'privOnly' | 'priv2Only' | 'hiddenDown' | 'hiddenMaint' | 'hiddenQuiet' | 'flipOnly' | 'badgeOnly',
  Endpoint
>;
const page = {} as Record<'pub' | 'priv' | 'priv2' | 'flip' | 'badge', StatusPage>;
let hiddenIncident: Incident;
let privIncident: Incident;
let pubIncident: Incident;
const HIDDEN_UPDATE = `zqhiddenupdate${RUN}`;
const PRIV_UPDATE = `zqprivateupdate${RUN}`;
const PUBLIC_UPDATE = `We are looking into the queue ${RUN}`;
const HIDDEN_MAINTENANCE = { name: `zqhiddenwindow${RUN}`, description: `zqhiddenwindowtext${RUN}` };
const SHARED_MAINTENANCE = `Planned database work ${RUN}`;
const PRIV_SECTION = `zqprivsection${RUN}`;
const HOSTILE_NAME = `Evil <script>alert("${RUN}")</script> & <img src=x onerror=alert(1)>`;

/** What no anonymous answer may hold: secrets, hidden endpoints and their incidents and windows, password pages' content. */
function forbiddenForAnonymous(): Record<string, string> {
  const port = new URL(target.origin).port;
  return {
    ...SECRET,
    basicAuth: Buffer.from(`${SECRET.basicUser}:${SECRET.basicPassword}`).toString('base64'),
    targetAddress: `127.0.0.1:${port}`,
    targetPath: '/zqpath',
    hiddenDownId: ep.hiddenDown.id,
    hiddenDownName: ep.hiddenDown.name,
    hiddenMaintId: ep.hiddenMaint.id,
    hiddenMaintName: ep.hiddenMaint.name,
    hiddenQuietId: ep.hiddenQuiet.id,
    hiddenQuietName: ep.hiddenQuiet.name,
    hiddenIncidentId: hiddenIncident.id,
    hiddenIncidentError: hiddenIncident.errorMessage!,
    // What a public endpoint's check said when it failed: its incident shows, its error text does not.
    publicIncidentError: pubIncident.errorMessage!,
    hiddenUpdate: HIDDEN_UPDATE,
    hiddenWindowName: HIDDEN_MAINTENANCE.name,
    hiddenWindowText: HIDDEN_MAINTENANCE.description,
    ...privateContent(),
  };
}

/** A password page's content: what only its cookie may read. */
function privateContent(): Record<string, string> {
  return {
    privOnlyId: ep.privOnly.id,
    privOnlyName: ep.privOnly.name,
    priv2OnlyId: ep.priv2Only.id,
    priv2OnlyName: ep.priv2Only.name,
    privSection: PRIV_SECTION,
    privIncidentId: privIncident.id,
    privUpdate: PRIV_UPDATE,
  };
}

/** The labels of `forbidden` found anywhere in the answer (status line, headers, body), case-insensitively. */
function leaksIn(answer: { status?: number; headers: http.IncomingHttpHeaders; body: string }, forbidden: Record<string, string>): string[] {
  const text = `${answer.status ?? ''}\n${JSON.stringify(answer.headers)}\n${answer.body}`.toLowerCase();
  return Object.entries(forbidden)
    .filter(([, value]) => text.includes(value.toLowerCase()))
    .map(([label, value]) => `${label} (${value})`);
}

/** Parses a Set-Cookie header into name → value. */
function cookiesOf(answer: Answer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of answer.headers['set-cookie'] ?? []) {
    const [pair = ''] = line.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

/** Signs in to a password page; answers the Cookie header value that opens it. */
async function signIn(slugOrRoot: string, password: string, options: RequestOptions = {}): Promise<string> {
  const res = await send(`${slugOrRoot}/login`, {
    ...options,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams({ password }).toString(),
  });
  expect(res.status, res.body).toBe(303);
  const cookies = Object.entries(cookiesOf(res)).filter(([name]) => name.startsWith('vigil_page_'));
  expect(cookies).toHaveLength(1);
  return cookies.map(([name, value]) => `${name}=${value}`).join('; ');
}

beforeAll(async () => {
  [target, database, smtp, hooks] = await Promise.all([startTargetServer(), createTestDatabase(), startSmtpReceiver(), startHookReceiver()]);
  vigil = await startTestVigil(
    {
      API_KEY: KEY,
      REALTIME_CONNECTIONS_PER_ADDRESS: String(CONNECTIONS_PER_ADDRESS),
      // Subscriptions: mail to the test's SMTP server, webhooks to its receiver on 127.0.0.1 (the one private address let through).
      SMTP_URL: `smtp://${smtp.host}:${smtp.port}?security=none`,
      SMTP_FROM: `Status <status-${RUN}@vigil.test>`,
      ALLOWED_TARGETS: '127.0.0.1',
      NOTIFICATION_SWEEP_MS: '200',
      NOTIFICATION_RETRY_BASE_MS: '100',
    },
    database,
  );

  const create = async (key: keyof typeof ep, body: Record<string, unknown>) => {
    ep[key] = await admin<Endpoint>('POST', '/api/endpoints', body);
  };
  await Promise.all([
    create('pubUp', secretEndpoint(`Public Web ${RUN}`, '/zqpath/pub-up')),
    create('pubFlaky', secretEndpoint(`Public Queue ${RUN}`, '/zqpath/pub-flaky')),
    create('pubTagged', secretEndpoint(`Public Tagged ${RUN}`, '/zqpath/pub-tagged', { tags: [SECRET.tag, `shown-${RUN}`] })),
    create('pubHostile', secretEndpoint(HOSTILE_NAME, '/zqpath/pub-hostile')),
    create('privOnly', secretEndpoint(`zqPrivate Ledger ${RUN}`, '/zqpath/priv-only')),
    create('priv2Only', secretEndpoint(`zqPrivate Payroll ${RUN}`, '/zqpath/priv2-only')),
    create(
      'hiddenDown',
      secretEndpoint(`zqHidden Billing ${RUN}`, '/zqpath/hidden-down', {
        // The 500 counts as an answer: the check fails on the assertion, whose message quotes the body.
        expectedStatusCodes: ['200-599'],
        assertions: [{ source: 'body', comparison: 'contains', target: SECRET.assertion, severity: 'DOWN' }],
      }),
    ),
    create('hiddenMaint', secretEndpoint(`zqHidden Warehouse ${RUN}`, '/zqpath/hidden-maint')),
    create('hiddenQuiet', secretEndpoint(`zqHidden Quiet ${RUN}`, '/zqpath/hidden-quiet')),
    create('flipOnly', secretEndpoint(`Flip Service ${RUN}`, '/zqpath/flip-only')),
    create('badgeOnly', secretEndpoint(`Badge Service ${RUN}`, '/zqpath/badge-only')),
  ]);

  // Down with an error body and a failed assertion that carry markers; an incident opens (threshold 1).
  target.setMode(targetPath('/zqpath/hidden-down'), failing);
  target.setMode(targetPath('/zqpath/priv-only'), failing);
  await Promise.all(Object.values(ep).map(checkNow));
  hiddenIncident = (await openIncidentOf(ep.hiddenDown))!;
  privIncident = (await openIncidentOf(ep.privOnly))!;
  expect(hiddenIncident?.errorMessage ?? '').toContain(SECRET.assertion);
  expect(privIncident).toBeDefined();

  const now = Date.now();
  const createPage = async (key: keyof typeof page, body: Record<string, unknown>) => {
    page[key] = await admin<StatusPage>('POST', '/api/status-pages', body);
  };
  await Promise.all([
    admin('POST', `/api/incidents/${hiddenIncident.id}/updates`, { state: 'investigating', message: HIDDEN_UPDATE }),
    admin('POST', `/api/incidents/${privIncident.id}/updates`, { state: 'identified', message: PRIV_UPDATE }),
    admin<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      ...HIDDEN_MAINTENANCE,
      kind: 'once',
      startsAt: new Date(now - 60_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      endpointIds: [ep.hiddenMaint.id],
    }),
    admin<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: `${HIDDEN_MAINTENANCE.name} upcoming`,
      description: HIDDEN_MAINTENANCE.description,
      kind: 'once',
      startsAt: new Date(now + 86_400_000).toISOString(),
      endsAt: new Date(now + 90_000_000).toISOString(),
      endpointIds: [ep.hiddenQuiet.id],
    }),
    // One window over a public and a hidden endpoint: the page names only its own.
    admin<MaintenanceWindow>('POST', '/api/maintenance-windows', {
      name: SHARED_MAINTENANCE,
      kind: 'once',
      startsAt: new Date(now + 2 * 86_400_000).toISOString(),
      endsAt: new Date(now + 2 * 86_400_000 + 3_600_000).toISOString(),
      endpointIds: [ep.pubUp.id, ep.hiddenMaint.id],
    }),
    createPage('pub', {
      slug: SLUG.pub,
      title: `Acme Status ${RUN}`,
      customDomain: DOMAIN.pub,
      showResponseTimes: true,
      sections: [
        { name: 'Core', endpointIds: [ep.pubUp.id, ep.pubFlaky.id, ep.pubHostile.id] },
        { name: 'Tagged', tag: `shown-${RUN}` },
      ],
    }),
    createPage('priv', {
      slug: SLUG.priv,
      title: `Internal Status ${RUN}`,
      visibility: 'password',
      password: PASSWORD,
      customDomain: DOMAIN.priv,
      sections: [{ name: PRIV_SECTION, endpointIds: [ep.privOnly.id] }],
    }),
    createPage('priv2', {
      slug: SLUG.priv2,
      title: `Payroll Status ${RUN}`,
      visibility: 'password',
      password: PASSWORD_2,
      sections: [{ name: 'Payroll', endpointIds: [ep.priv2Only.id] }],
    }),
    createPage('flip', { slug: SLUG.flip, title: `Flip ${RUN}`, sections: [{ name: 'Flip', endpointIds: [ep.flipOnly.id] }] }),
    createPage('badge', { slug: SLUG.badge, title: `Badges ${RUN}`, sections: [{ name: 'Badges', endpointIds: [ep.badgeOnly.id] }] }),
  ]);

  // An incident on a public endpoint, with what the owner chose to say (its error text stays inside).
  target.setMode(targetPath('/zqpath/pub-flaky'), failing);
  await checkNow(ep.pubFlaky);
  pubIncident = (await openIncidentOf(ep.pubFlaky))!;
  expect(pubIncident.errorMessage).toMatch(/\w/);
  await admin('POST', `/api/incidents/${pubIncident.id}/updates`, { state: 'investigating', message: PUBLIC_UPDATE });
  target.setMode(targetPath('/zqpath/pub-flaky'), { kind: 'ok' });
  await checkNow(ep.pubFlaky);
});

afterAll(async () => {
  for (const stream of [...streams]) stream.close();
  if (vigil && !stopped) await stopWithin(vigil, 4000);
  vigil?.server.closeAllConnections();
  vigil?.server.close();
  await database?.dispose();
  await Promise.all([target?.close(), smtp?.close(), hooks?.close()]);
});

/** Stops a Vigil; false when it has not stopped within `ms`. */
const stopWithin = (instance: TestVigil, ms: number) => Promise.race([instance.stop().then(() => true), sleep(ms).then(() => false)]);

afterEach(() => {
  for (const stream of [...streams]) stream.close();
  expect(vigil.errors.splice(0)).toEqual([]);
});

/** Runs `requests` a few at a time. */
async function all<T, R>(items: T[], run: (item: T) => Promise<R>, width = 16): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await run(items[i]!);
      }
    }),
  );
  return out;
}

const BADGE_KINDS = ['status', 'uptime', 'response'] as const;
const PERIODS = ['24h', '7d', '30d', '90d', '../../etc'];
const STYLES = ['flat', 'flat-square', 'for-the-badge', 'plastic', 'social', '"><script>alert(1)</script>'];
const LABELS = ['', 'build', '<script>alert(1)</script>', '"><svg onload=alert(1)>', `${'x'.repeat(300)}`];

/** Every public path of a page at `base` ('' on its domain, /status/<slug> on Vigil's host), bar the live stream. */
const pageRoutes = (base: string) => [
  base || '/',
  `${base}/`,
  `${base}/page.json`,
  `${base}/feed.atom`,
  `${base}/feed.rss`,
  `${base}/badge.svg`,
  `${base}/badge.svg?style=for-the-badge&label=${encodeURIComponent('<b>x</b>')}`,
  `${base}?lang=ko`,
  `${base}/page.json?lang=ko`,
];

/** Paths that try to reach one page's routes from another's, or around the router. */
function trickPaths(): string[] {
  const { pub, priv, priv2 } = SLUG;
  const privEncoded = [...priv].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
  return [
    `/status/${priv.toUpperCase()}`,
    `/status/${priv.toUpperCase()}/page.json`,
    `/status/${pub}/../${priv}/page.json`,
    `/status/${pub}/%2e%2e/${priv}/page.json`,
    `/status/${pub}/%2E%2E/${priv}/feed.atom`,
    `/status/${pub}/..%2f${priv}/page.json`,
    `/status/${pub}%2f..%2f${priv}/page.json`,
    `/status/${priv}%2fpage.json`,
    `/status/./${priv}/page.json`,
    `//status/${priv}/page.json`,
    `/status//${priv}/page.json`,
    `/status/${priv}/page.json/`,
    `/status/${priv}/PAGE.JSON`,
    `/status/${priv}/page.json;.css`,
    `/status/${priv}/page.json%00`,
    `/status/${priv}/page.json?x=/status/${pub}`,
    `/status/${privEncoded}/page.json`,
    `/status/${priv}/feed.atom/../feed.rss`,
    `/status/${priv2}/../${priv}/feed.rss`,
    `/status/${priv}/badge.svg`,
    `/status/${priv}/nope`,
    `/status/${priv}/login`,
    `/status/nope-${RUN}`,
    `/status/nope-${RUN}/page.json`,
    `/status/assets/status.css`,
    `/status/assets/status.js`,
    `/status/assets/nope.js`,
    '/page.json',
    '/feed.atom',
    '/badge.svg',
  ];
}

/** Every endpoint's badges (id as given and upper-cased, each kind, the periods in turn); styles and labels on three. */
function badgePaths(): string[] {
  const paths: string[] = [];
  let turn = 0;
  for (const e of Object.values(ep)) {
    for (const id of [e.id, e.id.toUpperCase()]) {
      for (const kind of BADGE_KINDS) paths.push(`/badge/endpoints/${id}/${kind}.svg?period=${encodeURIComponent(PERIODS[turn++ % PERIODS.length]!)}`);
    }
  }
  for (const e of [ep.pubUp, ep.hiddenDown, ep.privOnly]) {
    for (const style of STYLES) {
      for (const label of LABELS) paths.push(`/badge/endpoints/${e.id}/status.svg?style=${encodeURIComponent(style)}&label=${encodeURIComponent(label)}`);
    }
    paths.push(
      `/badge/endpoints/${e.id}/status.svg/`,
      `/badge/endpoints/${e.id}/STATUS.SVG`,
      `/badge/endpoints/${e.id}/status`,
      `/badge/endpoints/${ep.pubUp.id}/../${e.id}/status.svg`,
      `/badge/endpoints/${ep.pubUp.id}%2f..%2f${e.id}/status.svg`,
      `/badge/endpoints/%20${e.id}/status.svg`,
      `/badge/endpoints/${e.id}%00/status.svg`,
    );
  }
  return paths;
}

/**
 * The API, the dashboard and the realtime transports: refused on a page's custom domain. (On Vigil's
 * own host REST reads need no key by design — docs/security.md: the key guards writes, and readers
 * are kept out at the proxy — so they are not public status routes and are not tried there.)
 */
const privatePaths = () => [
  '/status/assets/..%2f..%2fapi%2fendpoints',
  '/status/assets/../../api/export',
  `/status/${SLUG.pub}/../../api/endpoints`,
  '/api/endpoints',
  `/api/endpoints/${ep.hiddenDown.id}`,
  '/api/export',
  '/api/export?secrets=include',
  '/api/incidents',
  `/api/incidents/${hiddenIncident.id}/updates`,
  '/api/maintenance-windows',
  '/api/status-pages',
  `/api/status-pages/${page.priv.id}`,
  '/api/reports/uptime',
  '/api/summary',
  '/api/openapi.json',
  '/api/docs',
  '/socket.io/?EIO=4&transport=polling',
  '/ws',
  '/index.html',
  '/theme-boot.js',
  '/favicon.svg',
  `/endpoints/${ep.hiddenDown.id}`,
  '/metrics',
  '/healthz',
  '/readyz',
];

describe('nothing hidden leaves through any public route', () => {
  it('shows the public page its own endpoints only, by name, status and figures', async () => {
    const res = await send(`/status/${SLUG.pub}/page.json`);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as PublicStatusPage;
    const shown = [ep.pubUp, ep.pubFlaky, ep.pubHostile, ep.pubTagged].map((e) => e.id).sort();
    expect(Object.keys(body.statuses).sort()).toEqual(shown);
    expect(body.sections.flatMap((s) => s.endpoints.map((e) => e.id)).sort()).toEqual(shown);
    for (const e of body.sections.flatMap((s) => s.endpoints)) {
      expect(Object.keys(e).sort()).toEqual(['avgResponseTime', 'days', 'id', 'name', 'status', 'uptime90d']);
    }
    // A hidden endpoint DOWN and another in maintenance do not make the page look worse.
    expect(body.overall).toBe('operational');
    expect(body.pastIncidents.map((i) => i.id)).toEqual([pubIncident.id]);
    expect(body.pastIncidents[0]!.updates.map((u) => u.message)).toEqual([PUBLIC_UPDATE]);
    // The shared window names the page's endpoint alone.
    expect(body.maintenance).toEqual([expect.objectContaining({ name: SHARED_MAINTENANCE, endpointNames: [ep.pubUp.name], active: false })]);
    expect(leaksIn(res, forbiddenForAnonymous())).toEqual([]);
  });

  it("answers every public route, on Vigil's host and on the custom domains, with and without gzip, GET and HEAD, without a trace of what is hidden", async () => {
    const forbidden = forbiddenForAnonymous();
    type Job = { path: string; host: string; method: string; headers: Record<string, string> };
    const jobs: Job[] = [];
    const gzip = { 'accept-encoding': 'gzip, deflate, br' };
    // The pages' own routes: plain, gzipped and HEAD; the rest gzipped (where a leak would hide best).
    const eachWay = (path: string, host: string) =>
      jobs.push({ path, host, method: 'GET', headers: {} }, { path, host, method: 'GET', headers: gzip }, { path, host, method: 'HEAD', headers: gzip });
    for (const host of [ownHost(), DOMAIN.pub, DOMAIN.priv]) {
      for (const slug of Object.values(SLUG)) for (const path of pageRoutes(`/status/${slug}`)) eachWay(path, host);
      for (const path of pageRoutes('')) eachWay(path, host);
      for (const path of [...trickPaths(), ...(host === ownHost() ? [] : privatePaths())]) jobs.push({ path, host, method: 'GET', headers: gzip });
    }
    // Other spellings of the hosts: Vigil's by name, a domain in capitals with a port, with a final dot.
    for (const host of [`localhost:${vigil.port}`, `${DOMAIN.pub.toUpperCase()}:443`, `${DOMAIN.priv}.`, `${DOMAIN.priv.toUpperCase()}.:80`]) {
      for (const path of [...pageRoutes(''), ...pageRoutes(`/status/${SLUG.priv}`)]) jobs.push({ path, host, method: 'GET', headers: gzip });
    }
    for (const path of badgePaths()) jobs.push({ path, host: ownHost(), method: 'GET', headers: gzip });
    for (const e of Object.values(ep)) {
      for (const kind of BADGE_KINDS)
        jobs.push({ path: `/badge/endpoints/${e.id.toUpperCase()}/${kind}.svg?period=7d`, host: DOMAIN.pub, method: 'GET', headers: {} });
    }
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const answers = await all(jobs, async (job) => ({ job, res: await send(job.path, { method: job.method, host: job.host, headers: job.headers, agent }) }));
    agent.destroy();
    const leaks = answers.flatMap(({ job, res }) =>
      leaksIn(res, forbidden).map((leak) => `${job.method} ${job.path} (Host ${job.host}) → ${res.status}: ${leak}`),
    );
    expect(leaks).toEqual([]);
    const errors = answers.filter(({ res }) => res.status >= 500 && res.status !== 503).map(({ job, res }) => `${job.method} ${job.path} → ${res.status}`);
    expect(errors).toEqual([]);
    // The sweep did read the public pages (else it proves nothing).
    const seen = answers.filter(({ res }) => res.status === 200 && res.body.includes(ep.pubUp.name));
    expect(seen.length).toBeGreaterThan(20);
  });

  it('gives the badge of an endpoint on no public page as "not found", the same as one that never existed, whatever the case, period, style or label', async () => {
    const nowhere = '00000000-0000-4000-8000-000000000000';
    const reference = await send(`/badge/endpoints/${nowhere}/status.svg`);
    expect(reference.status).toBe(404);
    const paths = [ep.hiddenDown, ep.hiddenMaint, ep.hiddenQuiet, ep.privOnly, ep.priv2Only].flatMap((e) =>
      [e.id, e.id.toUpperCase()].flatMap((id) =>
        BADGE_KINDS.flatMap((kind) => PERIODS.map((period) => `/badge/endpoints/${id}/${kind}.svg?period=${encodeURIComponent(period)}`)),
      ),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const answers = await all(paths, async (path) => ({ path, res: await send(path, { agent }) }));
    agent.destroy();
    for (const { path, res } of answers) {
      expect(res.status, path).toBe(404);
      expect(res.body, path).toBe(reference.body);
    }
    // …while a shown endpoint's badges answer, upper-case id included.
    for (const kind of BADGE_KINDS) {
      const res = await send(`/badge/endpoints/${ep.pubUp.id.toUpperCase()}/${kind}.svg?period=90d`);
      expect(res.status, kind).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    }
  });

  it('sends nothing of hidden endpoints on the live stream while they change, open and resolve incidents, get updates and maintenance', async () => {
    const forbidden = forbiddenForAnonymous();
    const own = await openStream(`/status/${SLUG.pub}/events`, { headers: { 'accept-encoding': 'gzip' } });
    const onDomain = await openStream('/events', { host: DOMAIN.pub });
    const upperCase = await openStream(`/status/${SLUG.pub.toUpperCase()}/events`);
    for (const s of [own, onDomain, upperCase]) expect(s.status).toBe(200);
    await waitFor(() => [own, onDomain, upperCase].every((s) => s.frames().some((f) => f.event === 'state')), 5000, 'the first state');
    // Every other way to a stream, kept open through the changes below.
    const probes: { what: string; stream: Stream; mayOpen: boolean }[] = [];
    for (const host of [ownHost(), DOMAIN.pub, DOMAIN.priv]) {
      for (const path of [
        '/events',
        `/status/${SLUG.pub}/events`,
        `/status/${SLUG.priv}/events`,
        `/status/${SLUG.priv2}/events`,
        `/status/${SLUG.priv.toUpperCase()}/events`,
        `/status/${SLUG.pub}/../${SLUG.priv}/events`,
        `/status/${SLUG.pub}/%2e%2e/${SLUG.priv}/events`,
        `/status/${SLUG.priv}/events/`,
        '/api/events',
        `/api/events?endpointId=${ep.hiddenDown.id}`,
      ]) {
        const mayOpen =
          (host === ownHost() && path === `/status/${SLUG.pub}/events`) ||
          (host === DOMAIN.pub && (path === '/events' || path === `/status/${SLUG.pub}/events`));
        probes.push({ what: `GET ${path} on ${host}`, stream: await openStream(path, { host }), mayOpen });
      }
    }
    const isStream = (s: Stream) => s.status === 200 && String(s.headers['content-type']).startsWith('text/event-stream');
    for (const probe of probes) expect(isStream(probe.stream), `${probe.what} → ${probe.stream.status}`).toBe(probe.mayOpen);

    // Hidden endpoints: recover, fail again (a new incident), get updates, a new window, new names and secrets.
    target.setMode(targetPath('/zqpath/hidden-down'), { kind: 'ok' });
    await checkNow(ep.hiddenDown);
    target.setMode(targetPath('/zqpath/hidden-down'), failing);
    await checkNow(ep.hiddenDown);
    const second = (await openIncidentOf(ep.hiddenDown))!;
    forbidden.secondHiddenIncident = second.id;
    await admin('POST', `/api/incidents/${second.id}/updates`, { state: 'identified', message: `${HIDDEN_UPDATE} again` });
    const update = await admin<{ id: string }>('POST', `/api/incidents/${hiddenIncident.id}/updates`, {
      state: 'monitoring',
      message: `${HIDDEN_UPDATE} more`,
    });
    await admin('PATCH', `/api/incidents/${hiddenIncident.id}/updates/${update.id}`, { message: `${HIDDEN_UPDATE} edited` });
    await admin('PATCH', `/api/endpoints/${ep.hiddenQuiet.id}`, { name: `zqRenamed Quiet ${RUN}`, headers: { 'X-Other': SECRET.headerValue } });
    forbidden.renamed = `zqRenamed Quiet ${RUN}`;
    target.setMode(targetPath('/zqpath/hidden-quiet'), failing);
    await checkNow(ep.hiddenQuiet);
    const created = await admin<Endpoint>('POST', '/api/endpoints', secretEndpoint(`zqHidden Newcomer ${RUN}`, '/zqpath/hidden-new'));
    forbidden.newcomer = created.id;
    forbidden.newcomerName = created.name;
    await admin('POST', '/api/maintenance-windows', {
      name: `${HIDDEN_MAINTENANCE.name} late`,
      kind: 'once',
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endpointIds: [ep.hiddenQuiet.id, created.id],
    });
    // The password page's endpoint changes as well: not for these readers either.
    target.setMode(targetPath('/zqpath/priv-only'), { kind: 'ok' });
    await checkNow(ep.privOnly);
    await admin('POST', `/api/incidents/${privIncident.id}/updates`, { state: 'resolved', message: `${PRIV_UPDATE} fixed` });
    await sleep(600); // past the rebuild's debounce

    // Then a public endpoint fails: that arrives (the streams work), after everything above.
    target.setMode(targetPath('/zqpath/pub-flaky'), failing);
    await checkNow(ep.pubFlaky);
    const incident = (await openIncidentOf(ep.pubFlaky))!;
    for (const s of [own, onDomain, upperCase]) {
      await waitFor(() => s.frames().some((f) => f.event === 'state' && f.data.includes(incident.id)), 5000, 'the public incident on the stream');
      expect(leaksIn({ headers: s.headers, body: s.text() }, forbidden)).toEqual([]);
      const states = s.frames().filter((f) => f.event === 'state');
      for (const f of states) expect(Object.keys(JSON.parse(f.data).statuses).sort()).toEqual(Object.keys(JSON.parse(states[0]!.data).statuses).sort());
    }
    for (const probe of probes)
      expect(leaksIn({ status: probe.stream.status, headers: probe.stream.headers, body: probe.stream.text() }, forbidden), probe.what).toEqual([]);
    target.setMode(targetPath('/zqpath/pub-flaky'), { kind: 'ok' });
    await checkNow(ep.pubFlaky);
  });
});

describe('a password page', () => {
  const routesOf = (base: string) => [base || '/', `${base}/page.json`, `${base}/feed.atom`, `${base}/feed.rss`, `${base}/badge.svg`];

  it('shows nothing of its content without the cookie, on any route, on either host', async () => {
    const content = privateContent();
    for (const [base, host] of [
      [`/status/${SLUG.priv}`, ownHost()],
      ['', DOMAIN.priv],
      [`/status/${SLUG.priv}`, DOMAIN.priv],
      [`/status/${SLUG.priv2}`, ownHost()],
    ] as const) {
      for (const path of routesOf(base)) {
        for (const method of ['GET', 'HEAD']) {
          const res = await send(path, { host, method, headers: { 'accept-encoding': 'gzip' } });
          expect(leaksIn(res, content), `${method} ${path} on ${host}`).toEqual([]);
          expect([401, 404], `${method} ${path} on ${host}`).toContain(res.status);
          expect(res.body).not.toContain('data-status');
        }
      }
      const stream = await openStream(`${base}/events`, { host });
      await sleep(100);
      expect(stream.status).toBe(404);
      expect(leaksIn({ headers: stream.headers, body: stream.text() }, content)).toEqual([]);
      stream.close();
    }
    // The HTML is the sign-in form, the JSON a bare 404 like a page that does not exist.
    const html = await send(`/status/${SLUG.priv}`);
    expect(html.status).toBe(401);
    expect(html.body).toContain(`action="/status/${SLUG.priv}/login"`);
    const json = await send(`/status/${SLUG.priv}/page.json`);
    const nowhere = await send(`/status/nope-${RUN}/page.json`);
    expect([json.status, json.body]).toEqual([nowhere.status, nowhere.body]);
  });

  it('shows its content through HTML, JSON, the live stream and the feeds once signed in (badges stay off)', async () => {
    for (const [base, host] of [
      [`/status/${SLUG.priv}`, ownHost()],
      ['', DOMAIN.priv],
    ] as const) {
      const cookie = await signIn(base, PASSWORD, { host });
      const headers = { cookie };
      const html = await send(base || '/', { host, headers });
      expect(html.status).toBe(200);
      expect(html.body).toContain(ep.privOnly.name);
      expect(html.body).toContain(`data-endpoint-id="${ep.privOnly.id}"`);
      expect(html.body).toContain(PRIV_SECTION);
      expect(html.headers['cache-control']).toMatch(/^private/);
      const json = await send(`${base}/page.json`, { host, headers });
      expect(json.status).toBe(200);
      expect(JSON.parse(json.body).statuses).toHaveProperty(ep.privOnly.id);
      for (const feed of ['feed.atom', 'feed.rss']) {
        const res = await send(`${base}/${feed}`, { host, headers });
        expect(res.status).toBe(200);
        expect(res.body).toContain(PRIV_UPDATE);
        expect(res.body).toContain(privIncident.id);
      }
      const stream = await openStream(`${base}/events`, { host, headers });
      expect(stream.status).toBe(200);
      await waitFor(() => stream.frames().some((f) => f.event === 'state' && f.data.includes(ep.privOnly.id)), 5000, 'the state');
      stream.close();
      // Still nothing of hidden endpoints or of the other password page.
      const { privOnlyId: _i, privOnlyName: _n, privSection: _s, privIncidentId: _pi, privUpdate: _pu, ...others } = forbiddenForAnonymous();
      for (const res of [html, json]) expect(leaksIn(res, others)).toEqual([]);
      // A password page's endpoints have no badge: a badge is for anyone.
      expect((await send(`${base}/badge.svg`, { host, headers })).status).toBe(404);
      expect((await send(`/badge/endpoints/${ep.privOnly.id}/status.svg`, { host, headers })).status).toBe(404);
    }
  });

  it('sets an httpOnly, SameSite cookie for that page alone', async () => {
    const res = await send(`/status/${SLUG.priv}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: PASSWORD }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/status/${SLUG.priv}`);
    const [line] = res.headers['set-cookie'] ?? [];
    expect(line).toMatch(new RegExp(`^${accessCookieName(page.priv.id)}=`));
    expect(line).toMatch(/;\s*HttpOnly/i);
    expect(line).toMatch(/;\s*SameSite=Lax/i);
    expect(line).toMatch(new RegExp(`;\\s*Path=/status/${SLUG.priv}(;|$)`));
    expect(leaksIn({ headers: res.headers, body: res.body }, privateContent())).toEqual([]);
  });

  it('refuses forged, tampered, expired and borrowed cookies', async () => {
    const name = accessCookieName(page.priv.id);
    const hashOf = async (id: string) =>
      rowsOf<{ password_hash: string }>(await vigil.database.db.execute(sql`select password_hash from status_pages where id = ${id}`))[0]!.password_hash;
    const valid = (await signIn(`/status/${SLUG.priv}`, PASSWORD)).split('=').slice(1).join('=');
    const [expires, mac] = valid.split('.') as [string, string];
    const other = (await signIn(`/status/${SLUG.priv2}`, PASSWORD_2)).split('=').slice(1).join('=');
    const year = 365 * 86_400;
    const refused: Record<string, string> = {
      'a random value': `${name}=${'A'.repeat(43)}`,
      'an empty value': `${name}=`,
      'a far expiry without a MAC': `${name}=${Number(expires) + year}.`,
      'the MAC with a later expiry': `${name}=${Number(expires) + year}.${mac}`,
      'a flipped MAC': `${name}=${expires}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      'a signed but expired token': `${name}=${accessToken(page.priv.id, await hashOf(page.priv.id), Date.now() - 31 * 86_400_000)}`,
      'a token signed with the right id and a wrong key': `${name}=${accessToken(page.priv.id, 'scrypt$c2FsdA$aGFzaA')}`,
      "another page's cookie under this page's name": `${name}=${other}`,
      "another page's cookie under its own name": `${accessCookieName(page.priv2.id)}=${other}`,
      'a name for no page': `vigil_page_=${valid}`,
      'the value as a second cookie of another name': `x=${name}; y=${valid}`,
    };
    for (const [what, cookie] of Object.entries(refused)) {
      for (const path of routesOf(`/status/${SLUG.priv}`)) {
        const res = await send(path, { headers: { cookie } });
        expect([401, 404], `${what}: ${path}`).toContain(res.status);
        expect(leaksIn(res, privateContent()), `${what}: ${path}`).toEqual([]);
      }
      const stream = await openStream(`/status/${SLUG.priv}/events`, { headers: { cookie } });
      expect(stream.status, what).toBe(404);
      stream.close();
    }
    // The real one opens it (the refusals above were for the cookie's sake)…
    const opened = await send(`/status/${SLUG.priv}/page.json`, { headers: { cookie: `${name}=${valid}` } });
    expect(opened.status).toBe(200);
    // …and its ETag gets no 304 without it (that would say the content is still what the holder saw).
    for (const path of [`/status/${SLUG.priv}/page.json`, `/status/${SLUG.priv}`]) {
      const etag = (await send(path, { headers: { cookie: `${name}=${valid}` } })).headers.etag!;
      expect(etag).toBeDefined();
      expect([401, 404]).toContain((await send(path, { headers: { 'if-none-match': etag } })).status);
    }
  });

  // An open stream was authorised when it opened: a new password ends it (the reader reloads and is asked again).
  it('signs everyone out when the password changes: old cookies and open streams both', async () => {
    const base = `/status/${SLUG.priv2}`;
    const old = await signIn(base, PASSWORD_2);
    expect((await send(`${base}/page.json`, { headers: { cookie: old } })).status).toBe(200);
    const stream = await openStream(`${base}/events`, { headers: { cookie: old } });
    expect(stream.status).toBe(200);
    await waitFor(() => stream.frames().some((f) => f.event === 'state'), 5000, 'the first state');

    const changed = `changed password ${RUN}`;
    await admin('PATCH', `/api/status-pages/${page.priv2.id}`, { password: changed });
    for (const path of routesOf(base)) {
      const res = await send(path, { headers: { cookie: old } });
      expect([401, 404], path).toContain(res.status);
      expect(leaksIn(res, privateContent()), path).toEqual([]);
    }
    expect((await openStream(`${base}/events`, { headers: { cookie: old } })).status).toBe(404);
    const fresh = await signIn(base, changed);
    await waitFor(async () => (await send(`${base}/page.json`, { headers: { cookie: fresh } })).status === 200, 5000, 'the new cookie to open the page');

    // The stream opened with the old cookie gets nothing more of the page.
    const before = stream.frames().length;
    target.setMode(targetPath('/zqpath/priv2-only'), failing);
    await checkNow(ep.priv2Only);
    const incident = (await openIncidentOf(ep.priv2Only))!;
    await admin('POST', `/api/incidents/${incident.id}/updates`, { state: 'investigating', message: `zqpayroll update ${RUN}` });
    const signedIn = await openStream(`${base}/events`, { headers: { cookie: fresh } });
    await waitFor(() => signedIn.frames().some((f) => f.data.includes(incident.id)), 5000, 'the incident on the signed-in stream');
    const after = stream.frames().slice(before);
    expect(
      after.filter((f) => f.event === 'state'),
      'a stream opened with the old password still receives the page (server/services/status-pages/public-cache.ts pageChanged keeps its listeners)',
    ).toEqual([]);
    expect(stream.text()).not.toContain(incident.id);
  });

  it('throttles wrong passwords per address (429 with Retry-After), and then makes the right one wait too', async () => {
    const from = '127.0.0.5';
    const post = (password: string, extra: RequestOptions = {}) =>
      send(`/status/${SLUG.priv}/login`, {
        from,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password }).toString(),
        ...extra,
      });
    const statuses: number[] = [];
    let throttled: Answer | undefined;
    for (let i = 0; i < 30 && !throttled; i++) {
      const res = await post(`wrong password ${i}`);
      statuses.push(res.status);
      expect(res.headers['set-cookie']).toBeUndefined();
      if (res.status === 429) throttled = res;
    }
    expect(throttled, `statuses: ${statuses.join(' ')}`).toBeDefined();
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    const retryAfter = Number(throttled!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    const right = await post(PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    expect(right.headers['retry-after']).toBeDefined();
    // On the custom domain, and on another password page, the same address waits as well.
    expect((await post(PASSWORD, { host: DOMAIN.priv })).status).toBe(429);
    const onOther = await send(`/status/${SLUG.priv2}/login`, {
      from,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'password=whatever-it-is',
    });
    expect(onOther.status).toBe(429);
    // Another address is not held up by it.
    expect(await signIn(`/status/${SLUG.priv}`, PASSWORD, { from: '127.0.0.6' })).toContain(accessCookieName(page.priv.id));
  });

  it('cannot be signed in to from another site (403), on either host; its own origin can', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams({ password: PASSWORD }).toString();
    const from = '127.0.0.7';
    for (const [path, host] of [
      [`/status/${SLUG.priv}/login`, ownHost()],
      ['/login', DOMAIN.priv],
    ] as const) {
      const crossSite: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        { 'sec-fetch-site': 'cross-site' },
        { origin: `http://${DOMAIN.pub}` },
      ];
      for (const headers of crossSite) {
        const res = await send(path, { from, host, method: 'POST', headers: { ...form, ...headers }, body });
        expect(res.status, `${path} on ${host} with ${JSON.stringify(headers)}`).toBe(403);
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const own = await send(path, { from, host, method: 'POST', headers: { ...form, origin: `http://${host}` }, body });
      expect(own.status).toBe(303);
      expect(Object.keys(cookiesOf(own))).toEqual([accessCookieName(page.priv.id)]);
    }
  });

  // The same for a page that turns from public to password.
  it('stops the live stream of a reader who opened it while the page was public once it turns to a password', async () => {
    const base = `/status/${SLUG.flip}`;
    const anonymous = await openStream(`${base}/events`);
    expect(anonymous.status).toBe(200);
    await waitFor(() => anonymous.frames().some((f) => f.event === 'state'), 5000, 'the first state');
    const password = `flip password ${RUN}`;
    await admin('PATCH', `/api/status-pages/${page.flip.id}`, { visibility: 'password', password });
    await waitFor(() => anonymous.frames().some((f) => f.event === 'reload'), 5000, 'the reload');
    const seen = anonymous.frames().length;
    expect((await send(`${base}/page.json`)).status).toBe(404);

    // Someone with the password reads it (the view is built again), and its endpoint fails.
    const cookie = await signIn(base, password);
    expect((await send(`${base}/page.json`, { headers: { cookie } })).status).toBe(200);
    const signedIn = await openStream(`${base}/events`, { headers: { cookie } });
    target.setMode(targetPath('/zqpath/flip-only'), failing);
    await checkNow(ep.flipOnly);
    await waitFor(() => signedIn.frames().some((f) => f.event === 'state' && f.data.includes('"DOWN"')), 5000, 'the change on the signed-in stream');
    await sleep(400);
    expect(
      anonymous
        .frames()
        .slice(seen)
        .filter((f) => f.event !== 'reload'),
      'the anonymous stream keeps receiving a page that now needs a password (server/http/routes/public-status.ts /events checks the cookie only when it opens)',
    ).toEqual([]);
  });
});

describe('a custom domain', () => {
  it('serves its page at the root and nothing of the API, the dashboard or the realtime transports', async () => {
    expect((await send('/', { host: DOMAIN.pub })).status).toBe(200);
    const refused: string[] = [];
    for (const host of [DOMAIN.pub, DOMAIN.priv]) {
      for (const path of [
        '/api/endpoints',
        `/api/endpoints/${ep.hiddenDown.id}`,
        '/api/export',
        '/api/export?secrets=include',
        '/api/events',
        '/api/status-pages',
        '/api/incidents',
        '/api/summary',
        '/api/docs',
        '/api/openapi.json',
        '/socket.io/?EIO=4&transport=polling',
        '/ws',
        `/endpoints/${ep.hiddenDown.id}`,
        '/settings',
        '/index.html',
        '/theme-boot.js',
        '/favicon.svg',
        '/assets/index.js',
      ]) {
        for (const method of ['GET', 'HEAD', 'POST']) {
          const post = method === 'POST';
          const res = await send(path, { host, method, headers: post ? { 'content-type': 'application/json' } : {}, body: post ? '{}' : undefined });
          // Engine.io refuses a handshake its allowRequest turns down with its own 403.
          const allowed = path.startsWith('/socket.io/') ? [400, 403, 404, 405, 421] : [404, 421];
          if (!allowed.includes(res.status) || res.body.includes('id="app"') || res.body.includes('"sid"'))
            refused.push(`${method} ${path} on ${host} → ${res.status}`);
        }
      }
    }
    expect(refused).toEqual([]);
  });

  // A page's domain reaches its page, assets and badges only; nothing falls through to the dashboard.
  it('gives no dashboard for the paths under /status/ and /badge/ that no page route takes, nor for GET /login', async () => {
    const served: string[] = [];
    for (const path of [`/status/${SLUG.pub}/nope`, `/status/${SLUG.pub}/events/x`, '/status/x/y/z', '/badge/nope', '/badge/endpoints/x', '/login']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await send(path, { host: DOMAIN.pub, method });
        const dashboard =
          res.body.includes('id="app"') || (method === 'HEAD' && res.status === 200 && String(res.headers['content-type']).startsWith('text/html'));
        if (dashboard || ![404, 405, 421].includes(res.status))
          served.push(`${method} ${path} (Host ${DOMAIN.pub}) → ${res.status} ${res.headers['content-type']}`);
      }
    }
    expect(served, "the dashboard's index.html is served on a status page's custom domain").toEqual([]);
  });

  it("shows no other page there: another page's slug is not found", async () => {
    for (const slug of [SLUG.priv, SLUG.priv2, SLUG.flip, SLUG.badge]) {
      for (const path of ['', '/page.json', '/feed.atom', '/feed.rss', '/badge.svg', '/events']) {
        const res =
          path === '/events' ? await openStream(`/status/${slug}${path}`, { host: DOMAIN.pub }) : await send(`/status/${slug}${path}`, { host: DOMAIN.pub });
        expect(res.status, `/status/${slug}${path}`).toBe(404);
      }
    }
    expect((await send(`/status/${SLUG.pub}/page.json`, { host: DOMAIN.priv })).status).toBe(404);
    expect((await send(`/status/${SLUG.pub}/page.json`, { host: DOMAIN.pub })).status).toBe(200);
  });

  it('refuses a WebSocket upgrade addressed to the domain', async () => {
    for (const path of ['/ws', '/socket.io/?EIO=4&transport=websocket']) {
      const answer = await new Promise<{ status: number | 'upgraded'; body: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: vigil.port,
          path,
          agent: false,
          headers: {
            host: DOMAIN.pub,
            origin: `http://${DOMAIN.pub}`,
            connection: 'Upgrade',
            upgrade: 'websocket',
            'sec-websocket-version': '13',
            'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
          },
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolve({ status: 'upgraded', body: '' });
        });
        req.on('response', (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect([400, 403, 421], `${path}: ${answer.body}`).toContain(answer.status);
      expect(leaksIn({ headers: {}, body: answer.body }, forbiddenForAnonymous())).toEqual([]);
    }
  });
});

/** Every start tag of a document: its name and its attributes' names. */
function tagsOf(markup: string): { name: string; attributes: string[] }[] {
  return [...markup.matchAll(/<([a-zA-Z][\w:-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: [...m[2]!.matchAll(/\s+([^\s=>/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?/g)].map((a) => a[1]!.toLowerCase()),
  }));
}

const SVG_ELEMENTS = new Set(['svg', 'title', 'lineargradient', 'stop', 'clippath', 'rect', 'g', 'text', 'path', 'mask', 'defs']);

describe('badges', () => {
  it('stop answering within a few seconds once the endpoint leaves its public page, or the page turns to a password', async () => {
    const second = await admin<StatusPage>('POST', '/api/status-pages', {
      slug: `badgetwo-${RUN}`,
      title: `Badges two ${RUN}`,
      sections: [{ name: 'Badges', endpointIds: [ep.pubTagged.id] }],
    });
    // pubTagged is on the first public page as well: take it off there for this test.
    const removed = `/badge/endpoints/${ep.badgeOnly.id}/status.svg`;
    const turned = `/badge/endpoints/${ep.pubTagged.id}/uptime.svg?period=7d`;
    await admin('PATCH', `/api/status-pages/${page.pub.id}`, { sections: [{ name: 'Core', endpointIds: [ep.pubUp.id, ep.pubFlaky.id, ep.pubHostile.id] }] });
    await waitFor(async () => (await send(turned)).status === 200 && (await send(removed)).status === 200, 5000, 'both badges');
    await Promise.all([
      admin('PATCH', `/api/status-pages/${page.badge.id}`, { sections: [] }),
      admin('PATCH', `/api/status-pages/${second.id}`, { visibility: 'password', password: `badge password ${RUN}` }),
    ]);
    const started = Date.now();
    await waitFor(async () => (await send(removed)).status === 404 && (await send(turned)).status === 404, 5000, 'both badges to be refused');
    expect(Date.now() - started).toBeLessThan(5000);
    for (const path of [removed, turned, `/status/${second.slug}/badge.svg`]) {
      const res = await send(path);
      expect(res.status, path).toBe(404);
      expect(leaksIn(res, { badgeOnly: ep.badgeOnly.name, tagged: ep.pubTagged.name, title: second.title })).toEqual([]);
    }
    await admin('PATCH', `/api/status-pages/${page.pub.id}`, { sections: page.pub.sections });
  });

  it('escape hostile labels, styles and names in the SVG', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '"><svg onload=alert(1)>',
      "'><a href=javascript:alert(1)>x</a>",
      ']]><script>x</script>',
      '&#x3C;script&#x3E;',
      '\u0000\u001b<x>',
    ];
    const paths = [
      `/badge/endpoints/${ep.pubHostile.id}/status.svg`,
      `/badge/endpoints/${ep.pubUp.id}/uptime.svg?period=7d`,
      `/badge/endpoints/${ep.pubUp.id}/response.svg?period=30d`,
      `/status/${SLUG.pub}/badge.svg`,
    ];
    const styles = ['flat', 'flat-square', 'for-the-badge', 'plastic', '"><script>alert(2)</script>', 'plastic"onload="alert(3)'];
    const cases = paths.flatMap((base) => [...hostile, undefined].flatMap((label) => styles.map((style) => ({ base, label, style }))));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const answers = await all(cases, async ({ base, label, style }) => {
      const query = new URLSearchParams({ style, ...(label === undefined ? {} : { label }) });
      return { what: `${base} label=${JSON.stringify(label)} style=${style}`, res: await send(`${base}${base.includes('?') ? '&' : '?'}${query}`, { agent }) };
    });
    agent.destroy();
    for (const { what, res } of answers) {
      expect(res.status, what).toBe(200);
      expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
      const tags = tagsOf(res.body);
      expect(
        tags.filter((t) => !SVG_ELEMENTS.has(t.name)).map((t) => t.name),
        what,
      ).toEqual([]);
      expect(tags.filter((t) => t.name === 'svg')).toHaveLength(1);
      expect(
        tags.flatMap((t) => t.attributes.filter((a) => a.startsWith('on') || a === 'href' || a === 'xlink:href' || a === 'style')),
        what,
      ).toEqual([]);
      expect(res.body, what).not.toMatch(/<!\[CDATA|<!ENTITY|<!DOCTYPE/i);
      expect(
        [...res.body].filter((c) => c.charCodeAt(0) < 0x20 && c !== '\n' && c !== '\t' && c !== '\r'),
        what,
      ).toEqual([]);
    }
    const named = await send(`/badge/endpoints/${ep.pubHostile.id}/status.svg`);
    expect(named.body).toContain('&lt;script&gt;');
  });
});

describe('headers of public answers', () => {
  const csp = (res: { headers: http.IncomingHttpHeaders }) => String(res.headers['content-security-policy'] ?? '');
  const scriptSrc = (policy: string) => /(?:^|;)\s*script-src([^;]*)/.exec(policy)?.[1] ?? /(?:^|;)\s*default-src([^;]*)/.exec(policy)?.[1] ?? '';
  /** <meta charset|name|content>, never http-equiv (a refresh or a policy of the page's own). */
  const isHarmlessMeta = (t: { name: string; attributes: string[] }) => t.name === 'meta' && !t.attributes.includes('http-equiv');

  it('send a CSP without unsafe-inline scripts, nosniff, and HTML without inline script, handlers or inline styles', async () => {
    const cookie = await signIn(`/status/${SLUG.priv}`, PASSWORD, { from: '127.0.0.8' });
    const answers = [
      await send(`/status/${SLUG.pub}`),
      await send('/', { host: DOMAIN.pub }),
      await send(`/status/${SLUG.pub}?lang=ko`),
      await send(`/status/${SLUG.priv}`),
      await send('/', { host: DOMAIN.priv }),
      await send(`/status/${SLUG.priv}`, { headers: { cookie } }),
      await send(`/status/nope-${RUN}`),
      await send(`/status/${SLUG.priv}/login`, {
        from: '127.0.0.8',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'password=wrong-password',
      }),
    ];
    for (const res of answers) {
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const policy = csp(res);
      expect(policy).not.toBe('');
      expect(scriptSrc(policy)).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*|https?:|data:|blob:/);
      expect(policy).toMatch(/frame-ancestors 'none'/);
      expect(policy).toMatch(/object-src 'none'/);
      expect(policy).toMatch(/base-uri 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // Every <script> has a src of Vigil's own and no code; no handler, inline style or javascript: URL anywhere.
      for (const tag of res.body.match(/<script\b[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
        expect(tag).toMatch(/^<script src="\/status\/assets\/status\.js\?v=[0-9a-f]+"( defer)?><\/script>$/);
      }
      const tags = tagsOf(res.body);
      expect(tags.filter((t) => ['iframe', 'object', 'embed', 'base', 'style', 'meta'].includes(t.name) && !isHarmlessMeta(t)).map((t) => t.name)).toEqual([]);
      expect(tags.flatMap((t) => t.attributes.filter((a) => a.startsWith('on') || a === 'style' || a === 'srcdoc'))).toEqual([]);
      expect(res.body).not.toMatch(/(?:href|src|action)\s*=\s*"\s*javascript:/i);
    }
    // The hostile endpoint name is text, not markup.
    expect(answers[0]!.body).toContain('&lt;script&gt;alert');
    expect(tagsOf(answers[0]!.body).filter((t) => t.name === 'img')).toEqual([]);
  });

  it('send every other public answer with the CSP and nosniff too (JSON, feeds, badges, assets, the stream)', async () => {
    const paths = [
      `/status/${SLUG.pub}/page.json`,
      `/status/${SLUG.pub}/feed.atom`,
      `/status/${SLUG.pub}/feed.rss`,
      `/status/${SLUG.pub}/badge.svg`,
      `/badge/endpoints/${ep.pubUp.id}/status.svg`,
      `/badge/endpoints/${ep.hiddenDown.id}/status.svg`,
      '/status/assets/status.js',
      '/status/assets/status.css',
    ];
    for (const path of paths) {
      for (const host of [ownHost(), DOMAIN.pub]) {
        const res = await send(path.replace(`/status/${SLUG.pub}/`, host === ownHost() ? `/status/${SLUG.pub}/` : '/'), { host });
        expect(res.status, `${path} on ${host}`).toBeLessThan(500);
        expect(scriptSrc(csp(res)), path).not.toMatch(/unsafe-inline/);
        expect(csp(res), path).toMatch(/frame-ancestors 'none'/);
        expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      }
    }
    // Feeds escape the hostile name in the XML.
    const atom = await send(`/status/${SLUG.pub}/feed.atom`);
    expect(atom.body).not.toContain('<script');
    const stream = await openStream(`/status/${SLUG.pub}/events`);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(scriptSrc(csp(stream))).not.toMatch(/unsafe-inline/);
    stream.close();
  });
});

/** A request the hook receiver got. */
interface Hook {
  path: string;
  /** The Host it was addressed to. */
  host: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** Parsed, when it is JSON. */
  body: SubscriberWebhookBody | null;
}

interface HookReceiver {
  /** Every request received, on any loopback address. */
  requests: Hook[];
  port: number;
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  to(path: string): Hook[];
  close(): Promise<void>;
}

/**
 * Subscribers' webhooks, and the canary for those that must never be called: on every loopback
 * address (IPv4 and IPv6, 127.0.0.2 and ::1 as well), it records every request, echoes
 * subscription challenges and takes notices with a 200.
 */
async function startHookReceiver(): Promise<HookReceiver> {
  const requests: Hook[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      let body: SubscriberWebhookBody | null = null;
      try {
        body = JSON.parse(raw) as SubscriberWebhookBody;
      } catch {
        // Not JSON: recorded as it came.
      }
      requests.push({ path: req.url ?? '/', host: req.headers.host ?? '', headers: req.headers, raw, body });
      if (body?.type === 'subscription.confirm') res.writeHead(200, { 'content-type': 'text/plain' }).end(body.challenge);
      else res.writeHead(200).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    requests,
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    to: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function postForm(path: string, fields: Record<string, string>, options: RequestOptions = {}): Promise<Answer> {
  return send(path, { ...options, method: 'POST', headers: { ...FORM, ...options.headers }, body: new URLSearchParams(fields).toString() });
}

function postJson(path: string, body: unknown, options: RequestOptions = {}): Promise<Answer> {
  return send(path, { ...options, method: 'POST', headers: { 'content-type': 'application/json', ...options.headers }, body: JSON.stringify(body) });
}

/** Opens a link from a mail or a webhook body as its reader would: to this Vigil, with the link's host as Host. */
function follow(link: string, options: RequestOptions = {}): Promise<Answer> {
  const url = new URL(link);
  return send(`${url.pathname}${url.search}`, { ...options, host: url.host });
}

/** The subscriber's link of that kind in a mail's text. */
function linkIn(mail: ReceivedMail, kind: 'subscription' | 'unsubscribe'): string {
  const link = new RegExp(`https?://[^\\s"<>]+/${kind}\\?token=[\\w-]+`).exec(mail.text)?.[0];
  expect(link, mail.text).toBeDefined();
  return link!;
}

/** Subscribes the hook receiver's `path` to the page at `base` (JSON): its answer. */
async function subscribeHook(base: string, path: string, options: RequestOptions = {}): Promise<{ url: string; unsubscribeUrl: string }> {
  const res = await postJson(`${base}/subscribe`, { webhookUrl: hooks.url(path) }, options);
  expect(res.status, res.body).toBe(201);
  return JSON.parse(res.body);
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
/** The same link with another last path segment: /subscription?token=… → /confirm?token=… */
const linkTo = (link: string, action: 'subscription' | 'confirm' | 'unsubscribe') => link.replace(/\/(subscription|confirm|unsubscribe)\?/, `/${action}?`);

const mailsTo = (address: string, count: number, timeoutMs = 10_000) => smtp.mailsTo(address, count, timeoutMs);

const subscribersOf = async (p: StatusPage) => (await admin<Page<StatusPageSubscriber>>('GET', `/api/status-pages/${p.id}/subscribers?limit=500`)).items;
/** A page's subscribers as [target, confirmed], sorted. */
const followersOf = async (p: StatusPage) => (await subscribersOf(p)).map((s) => [s.target, s.confirmedAt !== null] as const).sort();

/** Everything a subscriber received, as one text per message: mails whole (headers, subject, text, HTML), webhooks whole (headers, body). */
const receivedText = (mails: ReceivedMail[], requests: Hook[]) => [
  ...mails.map((m) => ({ what: `mail "${m.subject}" to ${m.envelopeTo}`, text: `${JSON.stringify(m.headers)}\n${m.subject}\n${m.text}\n${m.html}` })),
  ...requests.map((h) => ({ what: `webhook ${h.body?.type} to ${h.path}`, text: `${JSON.stringify(h.headers)}\n${h.raw}` })),
];

/** The tags a subscriber page may have: no script, image, frame, style or SVG, whatever a visitor typed. */
const SUBSCRIBER_PAGE_TAGS = new Set(['html', 'head', 'meta', 'title', 'link', 'body', 'main', 'div', 'h1', 'p', 'b', 'code', 'form', 'button', 'a', 'nav']);
const unsafeMarkup = (markup: string) => {
  const tags = tagsOf(markup);
  return [
    ...tags.filter((t) => !SUBSCRIBER_PAGE_TAGS.has(t.name)).map((t) => `<${t.name}>`),
    ...tags.flatMap((t) => t.attributes.filter((a) => a.startsWith('on') || a === 'style' || a === 'srcdoc').map((a) => `<${t.name} ${a}>`)),
    ...(/(?:href|src|action)\s*=\s*"\s*javascript:/i.test(markup) ? ['javascript: URL'] : []),
  ];
};
/** What a mail's HTML may not hold (its styles are inline, as mail clients need). */
const MAIL_DENIED_TAGS = new Set(['script', 'img', 'svg', 'iframe', 'object', 'embed', 'base', 'form', 'input', 'link', 'style', 'meta-refresh']);
const unsafeMailMarkup = (markup: string) => {
  const tags = tagsOf(markup);
  return [
    ...tags.filter((t) => MAIL_DENIED_TAGS.has(t.name)).map((t) => `<${t.name}>`),
    ...tags.flatMap((t) => t.attributes.filter((a) => a.startsWith('on') || a === 'srcdoc').map((a) => `<${t.name} ${a}>`)),
    ...(/(?:href|src)\s*=\s*"\s*javascript:/i.test(markup) ? ['javascript: URL'] : []),
  ];
};

describe('status page subscribers', () => {
  beforeAll(async () => {
    // The public page (with its custom domain) offers both; so does the badge page, for pages to tell apart.
    await admin('PATCH', `/api/status-pages/${page.pub.id}`, { subscriptions: { email: true, webhook: true } });
    await admin('PATCH', `/api/status-pages/${page.badge.id}`, { subscriptions: { email: true, webhook: true } });
    const html = await send(`/status/${SLUG.pub}`);
    expect(html.body).toContain(`action="/status/${SLUG.pub}/subscribe"`);
  });

  it('tells its mail and webhook subscribers what the page shows of its own endpoints, and nothing of hidden endpoints, of the checks or of other pages', async () => {
    const from = '127.0.0.21';
    const own = `/status/${SLUG.pub}`;
    const emailOwn = `reader-own-${RUN}@example.com`;
    const emailDomain = `reader-domain-${RUN}@example.com`;
    const hookOwn = `/hooks/own-${RUN}`;
    const hookDomain = `/hooks/domain-${RUN}`;

    // Two by mail (one in Korean, one on the custom domain), two by webhook (Vigil's host and the domain).
    const answers = [
      await postForm(`${own}/subscribe?lang=ko`, { email: emailOwn }, { from }),
      await postForm('/subscribe', { email: emailDomain }, { from, host: DOMAIN.pub }),
      await postJson(`${own}/subscribe`, { webhookUrl: hooks.url(hookOwn) }, { from }),
      await postForm('/subscribe', { webhookUrl: hooks.url(hookDomain) }, { from, host: DOMAIN.pub }),
    ];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 201, 201]);
    const [confirmOwn] = await mailsTo(emailOwn, 1);
    const [confirmDomain] = await mailsTo(emailDomain, 1);
    const manageOwn = linkIn(confirmOwn!, 'subscription');
    const manageDomain = linkIn(confirmDomain!, 'subscription');
    expect(manageOwn.startsWith(`http://${ownHost()}${own}/subscription?token=`), manageOwn).toBe(true);
    expect(manageDomain.startsWith(`http://${DOMAIN.pub}/subscription?token=`), manageDomain).toBe(true);
    for (const link of [manageOwn, manageDomain]) expect((await follow(linkTo(link, 'confirm'), { method: 'POST', headers: FORM })).status).toBe(200);
    expect(await followersOf(page.pub)).toEqual(
      [
        [emailOwn, true],
        [emailDomain, true],
        [hooks.url(hookOwn), true],
        [hooks.url(hookDomain), true],
      ].sort(),
    );

    // Hidden endpoints change: one on no page fails, is renamed, gets updates and recovers; the password page's one too.
    const hidden = await admin<Endpoint>('POST', '/api/endpoints', secretEndpoint(`zqHidden Subscribed ${RUN}`, '/zqpath/hidden-sub'));
    target.setMode(targetPath('/zqpath/hidden-sub'), failing);
    await checkNow(hidden);
    const hiddenIncident2 = (await openIncidentOf(hidden))!;
    await admin('POST', `/api/incidents/${hiddenIncident2.id}/updates`, { state: 'identified', message: `${HIDDEN_UPDATE} for subscribers` });
    await admin('PATCH', `/api/endpoints/${hidden.id}`, { name: `zqHidden Renamed ${RUN}`, headers: { 'X-Other': SECRET.headerValue } });
    target.setMode(targetPath('/zqpath/priv-only'), failing);
    await checkNow(ep.privOnly);
    const privIncident2 = (await openIncidentOf(ep.privOnly))!;
    await admin('POST', `/api/incidents/${privIncident2.id}/updates`, { state: 'investigating', message: `${PRIV_UPDATE} for subscribers` });
    target.setMode(targetPath('/zqpath/hidden-sub'), { kind: 'ok' });
    await checkNow(hidden);
    target.setMode(targetPath('/zqpath/priv-only'), { kind: 'ok' });
    await checkNow(ep.privOnly);

    // Then the page's own: Public Queue fails with a telling status and body, gets an update and recovers; the hostile name fails and recovers.
    target.setMode(targetPath('/zqpath/pub-flaky'), { kind: 'ok', status: 507, body: `${SECRET.errorBody} at ${SECRET.errorStack}` });
    await checkNow(ep.pubFlaky);
    const shown = (await openIncidentOf(ep.pubFlaky))!;
    const publicNotice = `Queue workers are being restarted ${RUN}.\nNext update within 30 minutes.`;
    await admin('POST', `/api/incidents/${shown.id}/updates`, { state: 'identified', message: publicNotice });
    target.setMode(targetPath('/zqpath/pub-hostile'), failing);
    await checkNow(ep.pubHostile);
    const hostile = (await openIncidentOf(ep.pubHostile))!;
    target.setMode(targetPath('/zqpath/pub-flaky'), { kind: 'ok' });
    target.setMode(targetPath('/zqpath/pub-hostile'), { kind: 'ok' });
    await checkNow(ep.pubFlaky);
    await checkNow(ep.pubHostile);

    // Each subscriber: Public Queue started, updated, resolved; the hostile one started, resolved. Then nothing more.
    const expected = { 'incident.started': 2, 'incident.updated': 1, 'incident.resolved': 2 };
    await mailsTo(emailOwn, 6, 15_000);
    await mailsTo(emailDomain, 6, 15_000);
    await waitFor(() => hooks.to(hookOwn).length >= 6 && hooks.to(hookDomain).length >= 6, 15_000, 'the webhook notices');
    await sleep(1500);
    const mails = smtp.mails.filter((m) => m.envelopeTo.includes(emailOwn) || m.envelopeTo.includes(emailDomain));
    const requests = [...hooks.to(hookOwn), ...hooks.to(hookDomain)];
    expect(mails).toHaveLength(12);
    expect(requests).toHaveLength(12);
    const noticeMails = mails.filter((m) => m.headers['x-vigil-event'] !== 'subscription.confirm');
    const notices = requests.filter((h) => h.body?.type !== 'subscription.confirm');
    const count = (kinds: (string | undefined)[]) => Object.fromEntries(Object.keys(expected).map((k) => [k, kinds.filter((x) => x === k).length / 2]));
    expect(count(noticeMails.map((m) => m.headers['x-vigil-event']))).toEqual(expected);
    expect(count(notices.map((h) => h.body?.type))).toEqual(expected);

    // Nothing hidden, no secret, and nothing of the check (its URL, error text or status) in anything they got.
    const forbidden: Record<string, string> = {
      ...forbiddenForAnonymous(),
      hiddenSubId: hidden.id,
      hiddenSubName: hidden.name,
      hiddenSubRenamed: `zqHidden Renamed ${RUN}`,
      hiddenSubIncident: hiddenIncident2.id,
      privIncident2: privIncident2.id,
      targetOrigin: target.origin,
      shownUrl: ep.pubFlaky.url,
      shownError: shown.errorMessage ?? 'no error message',
      hostileError: hostile.errorMessage ?? 'no error message',
    };
    expect(shown.errorMessage).toMatch(/\w/);
    const leaks = receivedText(mails, requests).flatMap(({ what, text }) => leaksIn({ headers: {}, body: text }, forbidden).map((l) => `${what}: ${l}`));
    expect(leaks).toEqual([]);
    // The check's status code is nowhere in the words (URLs, ids and times aside).
    const words = [
      ...noticeMails.map((m) => `${m.subject}\n${m.text}\n${m.html}`),
      ...notices.map((h) => `${h.body!.text}\n${JSON.stringify(h.body!.notice)}`),
    ].map((t) => t.replace(/https?:\/\/\S+/g, ''));
    expect(words.filter((t) => /(?<![\w.:+-])507(?!\w)/.test(t))).toEqual([]);

    // The notices hold what the page shows of those two incidents: ids, names, updates, times; no other field.
    const view = JSON.parse((await send(`${own}/page.json`)).body) as PublicStatusPage;
    const onPage = new Map([...view.activeIncidents, ...view.pastIncidents].map((i) => [i.id, i]));
    expect(onPage.has(shown.id) && onPage.has(hostile.id)).toBe(true);
    for (const hook of notices) {
      const body = hook.body!;
      expect(Object.keys(body).sort()).toEqual(['notice', 'page', 'sentAt', 'text', 'type', 'unsubscribeUrl']);
      expect(body.page).toEqual({ slug: SLUG.pub, title: page.pub.title, url: hook.path === hookOwn ? `http://${ownHost()}${own}` : `http://${DOMAIN.pub}/` });
      const notice = body.notice!;
      expect(Object.keys(notice).sort()).toEqual(['incident', 'kind', 'occurredAt', 'update']);
      expect(Object.keys(notice.incident).sort()).toEqual(['endpointId', 'endpointName', 'id', 'resolvedAt', 'startedAt', 'updates']);
      for (const u of notice.incident.updates) expect(Object.keys(u).sort()).toEqual(['createdAt', 'id', 'message', 'state']);
      expect([shown.id, hostile.id]).toContain(notice.incident.id);
      const pageIncident = onPage.get(notice.incident.id)!;
      expect([notice.incident.endpointId, notice.incident.endpointName, notice.incident.startedAt]).toEqual([
        pageIncident.endpointId,
        pageIncident.endpointName,
        pageIncident.startedAt,
      ]);
      for (const u of notice.incident.updates) expect(pageIncident.updates).toContainEqual(u);
    }
    expect(notices.find((h) => h.body!.type === 'incident.updated')!.body!.notice!.update!.message).toBe(publicNotice);

    // The mails: their page's links and words, on one subject line; the hostile name as text, never markup.
    for (const mail of noticeMails) {
      const domainReader = mail.envelopeTo.includes(emailDomain);
      expect(mail.headers['list-unsubscribe']).toMatch(
        domainReader
          ? new RegExp(`^<http://${DOMAIN.pub.replace(/\./g, '\\.')}/unsubscribe\\?token=[\\w-]+>$`)
          : new RegExp(`^<http://${ownHost()}${own}/unsubscribe\\?token=[\\w-]+>$`),
      );
      expect(mail.subject).toContain(page.pub.title);
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.subject.includes(ep.pubFlaky.name) || mail.subject.includes('Evil <script>alert('), mail.subject).toBe(true);
      expect(unsafeMailMarkup(mail.html), mail.subject).toEqual([]);
      expect(mail.html).toContain(`lang="${domainReader ? 'en' : 'ko'}"`);
    }
    const hostileMails = noticeMails.filter((m) => m.subject.includes('Evil'));
    expect(hostileMails).toHaveLength(4);
    for (const mail of hostileMails) {
      expect(mail.html).toContain('Evil &lt;script&gt;alert(');
      expect(mail.html).not.toMatch(/<script|<img/i);
    }

    // One click (RFC 8058) from each mail and webhook body ends it.
    for (const link of [
      ...[emailOwn, emailDomain].map((a) => noticeMails.find((m) => m.envelopeTo.includes(a))!.headers['list-unsubscribe']!.slice(1, -1)),
      ...[hookOwn, hookDomain].map((p) => hooks.to(p).at(-1)!.body!.unsubscribeUrl),
    ]) {
      expect((await follow(link, { method: 'POST', headers: FORM, body: 'List-Unsubscribe=One-Click' })).status, link).toBe(200);
    }
    expect(await subscribersOf(page.pub)).toEqual([]);
  });

  it('answers the subscription routes on a custom domain for its own page alone', async () => {
    const from = '127.0.0.22';
    const email = `domain-only-${RUN}@example.com`;
    const other = `domain-other-${RUN}@example.com`;
    const titles = { priv: page.priv.title, priv2: page.priv2.title, flip: page.flip.title, badge: page.badge.title };
    const forbidden = { ...forbiddenForAnonymous(), ...titles };
    const hooksBefore = hooks.requests.length;

    expect((await postForm('/subscribe', { email }, { from, host: DOMAIN.pub })).status).toBe(202);
    const manage = linkIn((await mailsTo(email, 1))[0]!, 'subscription');
    expect(manage.startsWith(`http://${DOMAIN.pub}/subscription?token=`), manage).toBe(true);
    const token = tokenOf(manage);
    const shown = await follow(manage);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain(`action="/confirm?token=${token}"`);
    expect(shown.body).toContain(`action="/unsubscribe?token=${token}"`);
    expect(shown.body).toContain(page.pub.title);
    expect(leaksIn(shown, forbidden)).toEqual([]);

    // Every other page's subscription routes, by slug on this domain: not found, nothing taken, nothing told.
    const refused: string[] = [];
    const answers: { what: string; res: Answer }[] = [];
    for (const slug of [SLUG.badge, SLUG.flip, SLUG.priv, SLUG.priv2, `nope-${RUN}`]) {
      const base = `/status/${slug}`;
      const tries: [string, () => Promise<Answer>][] = [
        [`POST ${base}/subscribe (form)`, () => postForm(`${base}/subscribe`, { email: other }, { from, host: DOMAIN.pub })],
        [`POST ${base}/subscribe (JSON)`, () => postJson(`${base}/subscribe`, { webhookUrl: hooks.url(`/domain-${slug}`) }, { from, host: DOMAIN.pub })],
        [`GET ${base}/subscription`, () => send(`${base}/subscription?token=${token}`, { host: DOMAIN.pub })],
        [`GET ${base}/unsubscribe`, () => send(`${base}/unsubscribe?token=${token}`, { host: DOMAIN.pub })],
        [`POST ${base}/confirm`, () => postForm(`${base}/confirm?token=${token}`, {}, { host: DOMAIN.pub })],
        [`POST ${base}/unsubscribe`, () => postForm(`${base}/unsubscribe?token=${token}`, { 'List-Unsubscribe': 'One-Click' }, { host: DOMAIN.pub })],
      ];
      for (const [what, run] of tries) answers.push({ what, res: await run() });
    }
    // …and the other domain's root, with this page's link.
    for (const [what, run] of [
      ['GET /subscription', () => send(`/subscription?token=${token}`, { host: DOMAIN.priv })],
      ['GET /unsubscribe', () => send(`/unsubscribe?token=${token}`, { host: DOMAIN.priv })],
      ['POST /confirm', () => postForm(`/confirm?token=${token}`, {}, { host: DOMAIN.priv })],
      ['POST /unsubscribe', () => postForm(`/unsubscribe?token=${token}`, {}, { host: DOMAIN.priv })],
    ] as const) {
      answers.push({ what: `${what} on ${DOMAIN.priv}`, res: await run() });
    }
    for (const { what, res } of answers) {
      if (res.status !== 404) refused.push(`${what} → ${res.status}`);
      // (The other domain's own page may name itself, as its password form does.)
      const { priv: _title, ...others } = forbidden;
      for (const leak of leaksIn(res, { ...(what.endsWith(DOMAIN.priv) ? others : forbidden), email, other })) refused.push(`${what}: ${leak}`);
    }
    expect(refused).toEqual([]);
    expect(smtp.mails.filter((m) => m.envelopeTo.includes(other))).toEqual([]);
    expect(hooks.requests.length).toBe(hooksBefore);
    expect(await subscribersOf(page.badge)).toEqual([]);
    expect(await followersOf(page.pub)).toEqual([[email, false]]);

    // The page's own slug on its domain is the page: its link works there too; then confirm and one-click unsubscribe at the root.
    expect((await send(`/status/${SLUG.pub}/subscription?token=${token}`, { host: DOMAIN.pub })).status).toBe(200);
    const confirmed = await postForm(`/confirm?token=${token}`, {}, { host: DOMAIN.pub });
    expect(confirmed.status).toBe(200);
    expect(leaksIn(confirmed, forbidden)).toEqual([]);
    expect(await followersOf(page.pub)).toEqual([[email, true]]);
    const gone = await postForm(`/unsubscribe?token=${token}`, { 'List-Unsubscribe': 'One-Click' }, { host: DOMAIN.pub });
    expect(gone.status).toBe(200);
    expect(leaksIn(gone, forbidden)).toEqual([]);
    expect(await subscribersOf(page.pub)).toEqual([]);
  });

  it('takes no subscription to a password page before sign-in, on either host; and one after', async () => {
    const from = '127.0.0.23';
    await admin('PATCH', `/api/status-pages/${page.priv.id}`, { subscriptions: { email: true, webhook: true } });
    const email = `private-reader-${RUN}@example.com`;
    const hook = `/hooks/private-${RUN}`;
    const mailsBefore = smtp.mails.length;
    const hooksBefore = hooks.requests.length;
    const forged = `${accessCookieName(page.priv.id)}=${accessToken(page.priv.id, 'scrypt$c2FsdA$aGFzaA')}`;
    const refused: string[] = [];
    for (const [base, host] of [
      [`/status/${SLUG.priv}`, ownHost()],
      ['', DOMAIN.priv],
      [`/status/${SLUG.priv}`, DOMAIN.priv],
    ] as const) {
      // Before sign-in the page is the password form: no subscribe block.
      expect((await send(base || '/', { host })).body).not.toContain('id="subscribe"');
      for (const cookie of [undefined, forged]) {
        const headers: Record<string, string> = cookie ? { cookie } : {};
        for (const [what, res] of [
          ['form email', await postForm(`${base}/subscribe`, { email }, { from, host, headers })],
          ['form webhook', await postForm(`${base}/subscribe`, { webhookUrl: hooks.url(hook) }, { from, host, headers })],
          ['JSON email', await postJson(`${base}/subscribe`, { email }, { from, host, headers })],
          ['JSON webhook', await postJson(`${base}/subscribe`, { webhookUrl: hooks.url(hook) }, { from, host, headers })],
        ] as const) {
          const label = `${what} to ${base}/subscribe on ${host}${cookie ? ' with a forged cookie' : ''}`;
          if (res.status !== 404) refused.push(`${label} → ${res.status}`);
          for (const leak of leaksIn(res, { ...privateContent(), email })) refused.push(`${label}: ${leak}`);
        }
      }
    }
    expect(refused).toEqual([]);
    await sleep(200);
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(hooks.requests.length).toBe(hooksBefore);
    expect(await subscribersOf(page.priv)).toEqual([]);

    // Signed in, the same forms work: on Vigil's host by mail, on the domain by webhook.
    const cookie = await signIn(`/status/${SLUG.priv}`, PASSWORD, { from });
    expect((await postForm(`/status/${SLUG.priv}/subscribe`, { email }, { from, headers: { cookie } })).status).toBe(202);
    const manage = linkIn((await mailsTo(email, 1))[0]!, 'subscription');
    expect(manage.startsWith(`http://${ownHost()}/status/${SLUG.priv}/subscription?token=`)).toBe(true);
    const domainCookie = await signIn('', PASSWORD, { from, host: DOMAIN.priv });
    const subscribed = await postJson('/subscribe', { webhookUrl: hooks.url(hook) }, { from, host: DOMAIN.priv, headers: { cookie: domainCookie } });
    expect(subscribed.status).toBe(201);
    expect(JSON.parse(subscribed.body).unsubscribeUrl).toMatch(new RegExp(`^http://${DOMAIN.priv.replace(/\./g, '\\.')}/unsubscribe\\?token=`));
    expect(await followersOf(page.priv)).toEqual(
      [
        [email, false],
        [hooks.url(hook), true],
      ].sort(),
    );
    for (const link of [linkTo(manage, 'unsubscribe'), JSON.parse(subscribed.body).unsubscribeUrl as string]) {
      expect((await follow(link, { method: 'POST', headers: FORM, body: '' })).status).toBe(200);
    }
    expect(await subscribersOf(page.priv)).toEqual([]);
  });

  it("does nothing with one page's subscriber links on another page: 404, and nothing changes", async () => {
    const from = '127.0.0.24';
    const email = `tokens-${RUN}@example.com`;
    expect((await postForm(`/status/${SLUG.pub}/subscribe`, { email }, { from })).status).toBe(202);
    const pending = tokenOf(linkIn((await mailsTo(email, 1))[0]!, 'subscription'));
    const webhook = await subscribeHook(`/status/${SLUG.pub}`, `/hooks/tokens-${RUN}`, { from });
    const confirmed = tokenOf(webhook.unsubscribeUrl);
    // A subscriber of the badge page, whose link must not work on the public page either.
    const badgeHook = await subscribeHook(`/status/${SLUG.badge}`, `/hooks/badge-${RUN}`, { from });
    const badgeToken = tokenOf(badgeHook.unsubscribeUrl);
    const pubBefore = await followersOf(page.pub);
    const badgeBefore = await followersOf(page.badge);
    expect(pubBefore).toHaveLength(2);
    expect(badgeBefore).toHaveLength(1);

    const privCookie = await signIn(`/status/${SLUG.priv}`, PASSWORD, { from });
    const elsewhere: [string, string, string, Record<string, string>][] = [
      // [base, host, token, headers]
      ...[pending, confirmed].flatMap((token): [string, string, string, Record<string, string>][] => [
        [`/status/${SLUG.badge}`, ownHost(), token, {}],
        [`/status/${SLUG.flip}`, ownHost(), token, {}],
        [`/status/${SLUG.priv}`, ownHost(), token, { cookie: privCookie }],
        [`/status/${SLUG.priv2}`, ownHost(), token, {}],
        ['', DOMAIN.priv, token, {}],
        [`/status/nope-${RUN}`, ownHost(), token, {}],
      ]),
      [`/status/${SLUG.pub}`, ownHost(), badgeToken, {}],
      ['', DOMAIN.pub, badgeToken, {}],
    ];
    const wrong: string[] = [];
    for (const [base, host, token, headers] of elsewhere) {
      for (const [what, run] of [
        ['GET subscription', () => send(`${base}/subscription?token=${token}`, { host, headers })],
        ['GET unsubscribe', () => send(`${base}/unsubscribe?token=${token}`, { host, headers })],
        ['POST confirm', () => postForm(`${base}/confirm?token=${token}`, {}, { host, headers })],
        ['POST unsubscribe', () => postForm(`${base}/unsubscribe?token=${token}`, { 'List-Unsubscribe': 'One-Click' }, { host, headers })],
      ] as const) {
        const res = await run();
        const label = `${what} ${base || '/'} on ${host}`;
        if (res.status !== 404) wrong.push(`${label} → ${res.status}`);
        for (const leak of leaksIn(res, { email, webhook: webhook.url, badgeHook: badgeHook.url })) wrong.push(`${label}: ${leak}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await followersOf(page.pub)).toEqual(pubBefore);
    expect(await followersOf(page.badge)).toEqual(badgeBefore);
    expect(await subscribersOf(page.priv)).toEqual([]);

    for (const [base, token] of [
      [`/status/${SLUG.pub}`, pending],
      [`/status/${SLUG.pub}`, confirmed],
      [`/status/${SLUG.badge}`, badgeToken],
    ] as const) {
      expect((await postForm(`${base}/unsubscribe?token=${token}`, {})).status).toBe(200);
    }
    expect([...(await subscribersOf(page.pub)), ...(await subscribersOf(page.badge))]).toEqual([]);
  });

  it('changes nothing when a link is only opened (GET or HEAD, as mail scanners do), on either host', async () => {
    const from = '127.0.0.25';
    const pendingEmail = `scanned-pending-${RUN}@example.com`;
    const confirmedEmail = `scanned-confirmed-${RUN}@example.com`;
    expect((await postForm(`/status/${SLUG.pub}/subscribe`, { email: pendingEmail }, { from })).status).toBe(202);
    expect((await postForm('/subscribe', { email: confirmedEmail }, { from, host: DOMAIN.pub })).status).toBe(202);
    const pending = linkIn((await mailsTo(pendingEmail, 1))[0]!, 'subscription');
    const confirmed = linkIn((await mailsTo(confirmedEmail, 1))[0]!, 'subscription');
    expect((await follow(linkTo(confirmed, 'confirm'), { method: 'POST', headers: FORM })).status).toBe(200);
    const before = await followersOf(page.pub);
    expect(before).toEqual([
      [confirmedEmail, true],
      [pendingEmail, false],
    ]);

    for (const link of [pending, confirmed]) {
      // The scanner follows the links of the mail, and of the pages they open, again and again.
      for (let round = 0; round < 3; round++) {
        for (const action of ['subscription', 'unsubscribe', 'confirm'] as const) {
          for (const method of ['GET', 'HEAD']) {
            const res = await follow(linkTo(link, action), { method });
            if (action !== 'confirm') expect(res.status, `${method} ${action}`).toBe(200);
            if (method === 'GET' && action !== 'confirm') {
              // The page offers buttons that POST; it links nowhere that acts.
              expect(res.body).toMatch(/<form method="post" action="[^"]*\/unsubscribe\?token=/);
              expect(res.body).not.toMatch(/<a [^>]*href="[^"]*\/(confirm|unsubscribe)\?/);
            }
          }
        }
      }
      expect(await followersOf(page.pub)).toEqual(before);
    }
    for (const link of [pending, confirmed]) expect((await follow(linkTo(link, 'unsubscribe'), { method: 'POST', headers: FORM })).status).toBe(200);
    expect(await subscribersOf(page.pub)).toEqual([]);
  });

  it('escapes a hostile email address and webhook URL on every subscriber page', async () => {
    const from = '127.0.0.26';
    // No < > " ; or space is taken in an address: a quote and ampersands (&lt without its semicolon is still read as "<").
    const email = `o'neil&lt&gt&amp+{x}|=?${RUN}@example.com`;
    const hostileUrl = hooks.url(`/h/'"><svg onload=alert(1)>/${RUN}?q='<script>alert(2)</script>&x="y"#<img src=x onerror=alert(3)>`);
    const pages: { what: string; res: Answer }[] = [];

    const sent = await postForm(`/status/${SLUG.pub}/subscribe`, { email }, { from });
    expect(sent.status, sent.body).toBe(202);
    pages.push({ what: 'email sent', res: sent });
    const manage = linkIn((await mailsTo(email.toLowerCase(), 1))[0]!, 'subscription');
    pages.push({ what: 'email manage', res: await follow(manage) });
    pages.push({ what: 'email confirmed', res: await follow(linkTo(manage, 'confirm'), { method: 'POST', headers: FORM }) });
    pages.push({ what: 'email manage (confirmed)', res: await follow(manage) });
    pages.push({ what: 'email unsubscribed', res: await follow(linkTo(manage, 'unsubscribe'), { method: 'POST', headers: FORM }) });

    const subscribed = await postForm('/subscribe', { webhookUrl: hostileUrl }, { from, host: DOMAIN.pub });
    expect(subscribed.status, subscribed.body).toBe(201);
    pages.push({ what: 'webhook subscribed', res: subscribed });
    const [{ target: stored }] = (await subscribersOf(page.pub)) as [StatusPageSubscriber];
    const unsubscribeUrl = hooks.requests.find((h) => h.body?.type === 'subscription.confirm' && h.path.includes(RUN) && h.path.startsWith('/h/'))!.body!
      .unsubscribeUrl;
    pages.push({ what: 'webhook manage', res: await follow(unsubscribeUrl) });
    pages.push({ what: 'webhook unsubscribed', res: await follow(unsubscribeUrl, { method: 'POST', headers: FORM }) });

    for (const { what, res } of pages) {
      expect(res.status, what).toBeLessThan(300);
      expect(unsafeMarkup(res.body), what).toEqual([]);
      expect(res.body, what).not.toMatch(/<svg|<script|<img/i);
      // The address and URL are there, as text: each quote and ampersand escaped, none raw.
      const shown = what.startsWith('email') ? email.toLowerCase() : stored;
      expect(res.body, what).toContain(shown.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
      expect(res.body, what).not.toContain(shown.slice(0, shown.indexOf("'") + 4));
    }
    expect(await subscribersOf(page.pub)).toEqual([]);
  });

  it('refuses cross-site POSTs to subscribe, confirm and unsubscribe (403) on either host, taking and sending nothing', async () => {
    const from = '127.0.0.27';
    const email = `cross-site-${RUN}@example.com`;
    expect((await postForm(`/status/${SLUG.pub}/subscribe`, { email }, { from })).status).toBe(202);
    const pending = tokenOf(linkIn((await mailsTo(email, 1))[0]!, 'subscription'));
    const webhook = await subscribeHook(`/status/${SLUG.pub}`, `/hooks/cross-${RUN}`, { from });
    const confirmed = tokenOf(webhook.unsubscribeUrl);
    const before = await followersOf(page.pub);
    const mailsBefore = smtp.mails.length;
    const hooksBefore = hooks.requests.length;

    const refused: string[] = [];
    for (const [base, host] of [
      [`/status/${SLUG.pub}`, ownHost()],
      ['', DOMAIN.pub],
      [`/status/${SLUG.pub}`, DOMAIN.pub],
    ] as const) {
      const attackers: Record<string, string>[] = [
        { origin: FOREIGN },
        { origin: 'null' },
        { origin: `http://${DOMAIN.priv}` },
        { origin: `http://${host === ownHost() ? DOMAIN.pub : ownHost()}` },
        { origin: `https://${DOMAIN.pub}.evil.example` },
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of attackers) {
        const label = `on ${host} with ${JSON.stringify(headers)}`;
        for (const [what, res] of [
          ['subscribe (form, email)', await postForm(`${base}/subscribe`, { email: `victim-${RUN}@example.com` }, { from, host, headers })],
          ['subscribe (form, webhook)', await postForm(`${base}/subscribe`, { webhookUrl: hooks.url(`/hooks/victim-${RUN}`) }, { from, host, headers })],
          ['subscribe (JSON)', await postJson(`${base}/subscribe`, { email: `victim-${RUN}@example.com` }, { from, host, headers })],
          ['confirm', await postForm(`${base}/confirm?token=${pending}`, {}, { host, headers })],
          ['unsubscribe (confirmed)', await postForm(`${base}/unsubscribe?token=${confirmed}`, { 'List-Unsubscribe': 'One-Click' }, { host, headers })],
          ['unsubscribe (pending)', await postForm(`${base}/unsubscribe?token=${pending}`, {}, { host, headers })],
        ] as const) {
          if (res.status !== 403) refused.push(`${what} ${label} → ${res.status}`);
        }
      }
    }
    expect(refused).toEqual([]);
    await sleep(200);
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(hooks.requests.length).toBe(hooksBefore);
    expect(await followersOf(page.pub)).toEqual(before);

    // The page's own origin may (the refusals were for the Origin's sake).
    const own = await postForm(
      `/status/${SLUG.pub}/confirm?token=${pending}`,
      {},
      { headers: { origin: `http://${ownHost()}`, 'sec-fetch-site': 'same-origin' } },
    );
    expect(own.status).toBe(200);
    const onDomain = await postForm(`/unsubscribe?token=${confirmed}`, {}, { host: DOMAIN.pub, headers: { origin: `http://${DOMAIN.pub}` } });
    expect(onDomain.status).toBe(200);
    expect(await followersOf(page.pub)).toEqual([[email, true]]);
    expect((await postForm(`/status/${SLUG.pub}/unsubscribe?token=${pending}`, {})).status).toBe(200);
  });

  it('keeps visitors’ webhooks off private, loopback and metadata addresses: 400 blocked_target, nothing stored, no request made', async () => {
    const from = '127.0.0.28';
    const canary = hooks.port;
    const urls = [
      'http://10.0.0.1/hook',
      'http://10.255.255.254:8443/x',
      'https://192.168.1.1/',
      'http://192.168.0.10:8080/hook',
      'http://172.16.5.4/',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://0xa9fea9fe/',
      'http://0251.0376.0251.0376/',
      'http://[::ffff:169.254.169.254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:a00:1]/',
      'http://[64:ff9b::a00:1]/',
      'http://[2002:a9fe:a9fe::]/',
      'http://167772161/',
      'http://3232235777/',
      'http://10.1/',
      'http://0/',
      'http://[::]/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      // This machine, where the canary listens on every loopback address: only 127.0.0.1 is let through (ALLOWED_TARGETS).
      `http://localhost:${canary}/canary`,
      `http://LOCALHOST.:${canary}/canary`,
      `http://hooks.localhost:${canary}/canary`,
      `http://127.0.0.2:${canary}/canary`,
      `http://127.1.2.3:${canary}/canary`,
      `http://2130706434:${canary}/canary`,
      `http://[::1]:${canary}/canary`,
      `http://[::ffff:127.0.0.2]:${canary}/canary`,
    ];
    const hooksBefore = hooks.requests.length;
    const wrong: string[] = [];
    for (const url of urls) {
      for (const [base, host] of [
        [`/status/${SLUG.pub}`, ownHost()],
        ['', DOMAIN.pub],
      ] as const) {
        const started = Date.now();
        const json = await postJson(`${base}/subscribe`, { webhookUrl: url }, { from, host });
        const problem = JSON.parse(json.body) as ProblemDetails;
        if (json.status !== 400 || problem.code !== 'blocked_target') wrong.push(`JSON ${url} on ${host} → ${json.status} ${problem.code}: ${problem.detail}`);
        const html = await postForm(`${base}/subscribe`, { webhookUrl: url }, { from, host });
        if (html.status !== 400 || !html.body.includes('Notices cannot be sent to that address')) wrong.push(`form ${url} on ${host} → ${html.status}`);
        // Refused before any connection: no time spent waiting on one.
        if (Date.now() - started > 2000) wrong.push(`${url} on ${host}: ${Date.now() - started} ms`);
      }
    }
    expect(wrong).toEqual([]);
    await sleep(200);
    expect(hooks.requests.slice(hooksBefore).map((h) => `${h.host}${h.path}`)).toEqual([]);
    expect(await subscribersOf(page.pub)).toEqual([]);
  });
});

// HEAD of /events answers at once: Hono runs the GET handler for HEAD and throws the body away unread,
// which would hold a realtime connection slot and the stop (REALTIME_CONNECTIONS_PER_ADDRESS HEADs lock an address out).
describe('HEAD of the live stream (last: it stops Vigil)', () => {
  it('holds none of the address’s realtime connections, and leaves Vigil able to stop', async () => {
    const from = '127.0.0.9';
    for (let i = 0; i < CONNECTIONS_PER_ADDRESS; i++) {
      const res = await send(`/status/${SLUG.pub}/events`, { from, method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.body).toBe('');
    }
    const stream = await openStream(`/status/${SLUG.pub}/events`, { from });
    const held = stream.status;
    stream.close();
    stopped = true;
    const stoppedInTime = await stopWithin(vigil, 3000);
    expect(
      held,
      'each HEAD of /status/:slug/events holds one of the realtime connections of its address for good (server/http/routes/public-status.ts: Hono answers HEAD from the GET handler and drops the SSE body without cancelling it, so stream.onAbort never fires and release() never runs)',
    ).toBe(200);
    expect(stoppedInTime, "Vigil's stop never ends: publicSite.close() awaits end() → stream.write() on the SSE stream of a HEAD, which nobody reads").toBe(
      true,
    );
  });
});
