import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type { StatusPageRow } from '../../../db/schema/index.ts';
import { accessCookieName, accessToken, ACCESS_DAYS, isAccessToken } from '../../auth/page-password.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { FailureTable, throttleKey } from '../../auth/api-keys.ts';
import type { StatusPageLanguage } from '../../contract/status-pages.ts';
import { type BadgeSpec, BADGE_COLORS, parseBadgeStyle, renderBadge, statusColor, uptimeColor } from '../../public/badge-svg.ts';
import { renderAtom, renderRss } from '../../public/status-feed.ts';
import {
  ASSETS_PATH,
  pickLanguage,
  renderNotFoundPage,
  renderPasswordPage,
  renderStatusPage,
  renderSubscriptionPage,
  renderUnavailablePage,
  type SubscribeErrorCode,
  type SubscriptionPageState,
} from '../../public/status-page-html.ts';
import type { ConnectionLimit } from '../../realtime/connection-limit.ts';
import type { PageFrame, PublicPageCache, Snapshot } from '../../services/status-pages/public-cache.ts';
import { renderedOnce } from '../../services/status-pages/public-cache.ts';
import type { StatusPageDirectory } from '../../state/status-page-directory.ts';
import { acceptsGzip } from '../middleware/compress.ts';
import { clientAddressOf } from '../remote-address.ts';
import type { BadgeSource } from '../../services/status-pages/badge-figures.ts';
import {
  confirmSubscriber,
  SubscribeError,
  type SubscriptionDeps,
  subscribe,
  subscriberByToken,
  unsubscribe,
} from '../../services/status-pages/subscriptions.ts';
import { ValidationError } from '../../domain/errors.ts';
import { SUBSCRIPTION_LIMITS, type SubscriberKind } from '../../contract/status-pages.ts';
import { problem } from '../problem.ts';
import { readJson } from '../read-json.ts';

const ASSET_DIR = new URL('../../public/assets/', import.meta.url);
const ASSET_TYPES: Record<string, string> = { 'status.css': 'text/css; charset=utf-8', 'status.js': 'text/javascript; charset=utf-8' };
const ASSETS = new Map(Object.keys(ASSET_TYPES).map((name) => [name, readFileSync(new URL(name, ASSET_DIR))]));
/** Changes whenever an asset does: pages ask for ?v=<it>, cached for a year. */
const ASSET_VERSION = createHash('sha256')
  .update(Buffer.concat([...ASSETS.values()]))
  .digest('hex')
  .slice(0, 12);

export interface PublicStatusOptions {
  pages: StatusPageDirectory;
  cache: PublicPageCache;
  badges: BadgeSource;
  /** PUBLIC_URL without its final slash ('' when not set): absolute links in feeds. */
  publicUrl: string;
  /** Live streams per address, shared with the other realtime transports. */
  connections: ConnectionLimit;
  /** Subscribing by email and webhook. */
  subscriptions: SubscriptionDeps;
  /** Wrong page passwords per address before a pause. */
  passwordFailureLimit?: number;
  keepaliveMs?: number;
  /** How long readers are told to wait before reconnecting after a graceful stop. */
  retryAfterMs?: number;
}

export interface PublicStatusSite {
  routes: Hono;
  /** Whether a Host names a status page's custom domain (the Host check lets those reach the page alone). */
  isPageHost(host: string | undefined): boolean;
  /** Ends every live stream with a `retry:` (EventSource comes back by itself). */
  close(): Promise<void>;
}

/** What a custom domain serves besides its page at the root: the routes below (an unknown slug answers 404 there). */
const ON_PAGE_HOST =
  /^\/(?:status\/assets\/[^/]+|status\/[^/]+(?:\/(?:page\.json|events|feed\.atom|feed\.rss|badge\.svg|login|subscribe|subscription|confirm|unsubscribe))?|badge\/endpoints\/[^/]+\/(?:status|uptime|response)\.svg)$/;

/** Paths a custom domain serves (its page at the root) and the public paths of Vigil's own host. */
export const PUBLIC_PATHS =
  /^\/(?:$|login$|events$|page\.json$|feed\.(?:atom|rss)$|badge\.svg$|subscribe$|subscription$|confirm$|unsubscribe$|status\/|badge\/)/;

/**
 * The public side: status pages (HTML without JavaScript, JSON, a live SSE stream, Atom and RSS),
 * their password sign-in, and SVG badges. Everything shown comes from PublicStatusPage, built by
 * the cache from names, statuses and figures only; a password page shows nothing before sign-in;
 * badges show only endpoints on a public page.
 */
export function publicStatusRoutes(options: PublicStatusOptions): PublicStatusSite {
  const { pages, cache } = options;
  const failures = new FailureTable({ limit: options.passwordFailureLimit ?? 10, windowMs: 60_000, capacity: 10_000, now: Date.now });
  const subscribeRequests = new FailureTable({ limit: SUBSCRIPTION_LIMITS.requestsPerMinute, windowMs: 60_000, capacity: 10_000, now: Date.now });
  const streams = new Set<() => Promise<void>>();
  const keepaliveMs = options.keepaliveMs ?? 15_000;
  const retryAfterMs = options.retryAfterMs ?? 2000;
  let closing = false;

  const hostOf = (c: Context) => (c.req.header('host') ?? '').replace(/:\d+$/, '');
  const languageOf = (c: Context, page: StatusPageRow | null) =>
    pickLanguage({
      query: c.req.query('lang'),
      cookie: getCookie(c, 'vigil_lang'),
      acceptLanguage: c.req.header('accept-language'),
      pageDefault: (page?.defaultLanguage as StatusPageLanguage | null) ?? null,
    });
  const html = (c: Context, status: 200 | 201 | 202 | 400 | 401 | 404 | 409 | 429 | 503, body: string) => {
    c.header('Cache-Control', 'no-store');
    return c.html(body, status);
  };
  const notFound = (c: Context) => html(c, 404, renderNotFoundPage(languageOf(c, null), ASSET_VERSION));
  const signedIn = (c: Context, page: StatusPageRow) =>
    page.visibility !== 'password' || (page.passwordHash !== null && isAccessToken(getCookie(c, accessCookieName(page.id)), page.id, page.passwordHash));

  /** A body made once per snapshot, sent gzipped to those who take it, 304 to those who have it. */
  const sendRendered = (c: Context, snapshot: Snapshot, key: string, type: string, render: () => string, maxAge: number) => {
    const rendered = renderedOnce(snapshot, key, render);
    c.header('Vary', 'Accept-Encoding, Accept-Language, Cookie');
    c.header('ETag', rendered.etag);
    c.header('Cache-Control', `${maxAge > 0 ? 'public' : 'private'}, max-age=${maxAge}`);
    if (c.req.header('if-none-match') === rendered.etag) return c.body(null, 304);
    c.header('Content-Type', type);
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      c.header('Content-Encoding', 'gzip');
      return c.body(new Uint8Array(rendered.gzipped));
    }
    return c.body(new Uint8Array(rendered.body));
  };

  const snapshotOr503 = async (c: Context, page: StatusPageRow): Promise<Snapshot | Response> => {
    try {
      return await cache.get(page);
    } catch {
      c.header('Retry-After', '5');
      return html(c, 503, renderUnavailablePage(languageOf(c, page), ASSET_VERSION));
    }
  };

  type Answer = (c: Context, page: StatusPageRow, basePath: string) => Response | Promise<Response>;
  /** What each path of a page answers, at `basePath` ('' on its custom domain, /status/<slug> on Vigil's host). */
  const answers: Record<string, Answer> = {
    'GET /': async (c, page, basePath) => {
      const language = languageOf(c, page);
      if (c.req.query('lang')) setCookie(c, 'vigil_lang', language, { path: '/', maxAge: 365 * 86_400, sameSite: 'Lax' });
      if (!signedIn(c, page)) return html(c, 401, renderPasswordPage({ title: page.title, basePath, language, assetVersion: ASSET_VERSION }));
      const snapshot = await snapshotOr503(c, page);
      if (snapshot instanceof Response) return snapshot;
      return sendRendered(
        c,
        snapshot,
        `html:${language}:${basePath}`,
        'text/html; charset=utf-8',
        () => renderStatusPage(snapshot.page, { language, basePath, assetVersion: ASSET_VERSION, now: new Date() }),
        page.visibility === 'public' ? 10 : 0,
      );
    },
    'GET /page.json': async (c, page) => {
      if (!signedIn(c, page)) return c.json({ title: 'Not Found', status: 404 }, 404);
      const snapshot = await snapshotOr503(c, page);
      if (snapshot instanceof Response) return snapshot;
      return sendRendered(c, snapshot, 'json', 'application/json', () => JSON.stringify(snapshot.page), page.visibility === 'public' ? 10 : 0);
    },
    'GET /feed.atom': (c, page, basePath) => feed(c, page, basePath, 'atom'),
    'GET /feed.rss': (c, page, basePath) => feed(c, page, basePath, 'rss'),
    'GET /badge.svg': async (c, page) => {
      if (page.visibility !== 'public') return badgeNotFound(c);
      const snapshot = await cache.get(page).catch(() => undefined);
      const overall = snapshot?.page.overall ?? 'unknown';
      const status = {
        operational: 'UP',
        degraded: 'DEGRADED',
        partial_outage: 'DOWN',
        major_outage: 'DOWN',
        maintenance: 'MAINTENANCE',
        unknown: 'PENDING',
      }[overall];
      const words = {
        operational: 'operational',
        degraded: 'degraded',
        partial_outage: 'partial outage',
        major_outage: 'major outage',
        maintenance: 'maintenance',
        unknown: 'unknown',
      };
      return badge(c, { label: page.title, message: words[overall], color: statusColor(status) });
    },
    'POST /login': async (c, page, basePath) => {
      const language = languageOf(c, page);
      if (page.visibility !== 'password' || page.passwordHash === null) return c.redirect(basePath || '/', 303);
      const key = throttleKey(clientAddressOf(c));
      const wait = failures.lockedFor(key);
      if (wait !== null) {
        const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
        c.header('Retry-After', String(retryAfterSeconds));
        return html(
          c,
          429,
          renderPasswordPage({ title: page.title, basePath, language, assetVersion: ASSET_VERSION, error: 'too_many_attempts', retryAfterSeconds }),
        );
      }
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const password = typeof form.password === 'string' ? form.password.slice(0, 1000) : '';
      if (!(await verifyPassword(password, page.passwordHash))) {
        failures.fail(key);
        return html(c, 401, renderPasswordPage({ title: page.title, basePath, language, assetVersion: ASSET_VERSION, error: 'wrong_password' }));
      }
      setCookie(c, accessCookieName(page.id), accessToken(page.id, page.passwordHash), {
        path: basePath || '/',
        httpOnly: true,
        sameSite: 'Lax',
        maxAge: ACCESS_DAYS * 86_400,
        secure: /^https\b/i.test(c.req.header('x-forwarded-proto') ?? '') || new URL(c.req.url).protocol === 'https:',
      });
      return c.redirect(basePath || '/', 303);
    },
    'POST /subscribe': async (c, page, basePath) => {
      const language = languageOf(c, page);
      const asJson = (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json');
      const shown = (status: 200 | 201 | 202 | 400 | 404 | 409 | 429 | 503, state: SubscriptionPageState) =>
        html(c, status, renderSubscriptionPage({ title: page.title, basePath, language, assetVersion: ASSET_VERSION, state }));
      if (!signedIn(c, page)) return asJson ? problem(c, 404, 'No such status page') : notFound(c);
      // Only what sends something (a mail, a challenge) counts: bad input costs nobody anything.
      const key = throttleKey(clientAddressOf(c));
      const beforeSend = () => {
        const wait = subscribeRequests.lockedFor(key);
        if (wait !== null) {
          const seconds = Math.max(1, Math.ceil(wait / 1000));
          c.header('Retry-After', String(seconds));
          throw new SubscribeError(
            'too_many_requests',
            429,
            `at most ${SUBSCRIPTION_LIMITS.requestsPerMinute} subscriptions a minute from one address; try again in ${seconds} s`,
            String(seconds),
          );
        }
        subscribeRequests.fail(key);
      };
      try {
        const body = asJson ? await readJson(c) : await c.req.parseBody();
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new ValidationError([{ path: '', message: 'send a JSON object: {"email": …} or {"webhookUrl": …}', code: 'invalid_type' }]);
        }
        const outcome = await subscribe(options.subscriptions, page, body as Record<string, unknown>, { origin: originOf(c), language }, beforeSend);
        if (asJson) {
          return outcome.kind === 'email-sent'
            ? c.json({ status: 'pending', email: outcome.email }, 202)
            : c.json({ status: 'subscribed', url: outcome.url, unsubscribeUrl: outcome.unsubscribeUrl }, 201);
        }
        return shown(outcome.kind === 'email-sent' ? 202 : 201, outcome);
      } catch (error) {
        if (error instanceof SubscribeError) {
          if (asJson) return problem(c, error.status, error.message, { code: error.reason, params: error.params });
          if (error.reason === 'too_many_requests') return shown(429, { kind: 'error', code: error.reason, retryAfterSeconds: Number(error.detail) });
          return shown(error.status, { kind: 'error', code: error.reason, ...(error.detail ? { detail: error.detail } : {}) });
        }
        if (error instanceof ValidationError && !asJson) {
          const first = error.errors[0];
          const code: SubscribeErrorCode = first?.path === 'webhookUrl' ? 'invalid_url' : 'invalid_email';
          return shown(400, { kind: 'error', code });
        }
        throw error;
      }
    },
    'GET /subscription': (c, page, basePath) => manage(c, page, basePath),
    'GET /unsubscribe': (c, page, basePath) => manage(c, page, basePath),
    'POST /confirm': async (c, page, basePath) => {
      const row = await confirmSubscriber(options.subscriptions.db, page, c.req.query('token'));
      return subscriptionPage(c, page, basePath, row ? 200 : 404, row ? { kind: 'confirmed', target: row.target } : { kind: 'invalid-link' });
    },
    'POST /unsubscribe': async (c, page, basePath) => {
      // Also RFC 8058's one-click unsubscribe (a mail provider POSTs List-Unsubscribe=One-Click here).
      const row = await unsubscribe(options.subscriptions.db, page, c.req.query('token'));
      return subscriptionPage(c, page, basePath, row ? 200 : 404, row ? { kind: 'unsubscribed', target: row.target } : { kind: 'invalid-link' });
    },
    'GET /events': (c, page) => {
      if (!signedIn(c, page)) return c.json({ title: 'Not Found', status: 404 }, 404);
      // HEAD would run the stream with nobody to read or end it, holding a connection slot.
      if (c.req.method === 'HEAD') return c.body(null, 200, { 'Content-Type': 'text/event-stream' });
      const release = options.connections.take(clientAddressOf(c));
      if (!release) return c.json({ title: 'Too Many Requests', status: 429, detail: options.connections.message() }, 429);
      if (closing) {
        release();
        return c.body(`retry: ${retryAfterMs}\n\n`, 200, { 'Content-Type': 'text/event-stream' });
      }
      c.header('Cache-Control', 'no-cache, no-transform');
      c.header('X-Accel-Buffering', 'no');
      return streamSSE(c, async (stream) => {
        let done: () => void = () => undefined;
        const finished = new Promise<void>((resolve) => {
          done = resolve;
        });
        const end = async () => {
          // A reader that stopped reading does not hold up the stop.
          await Promise.race([stream.write(`retry: ${retryAfterMs}\n\n`).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
          done();
        };
        streams.add(end);
        let pending = 0;
        const send = (frame: PageFrame) => {
          // A reader that does not read is dropped (it reconnects and gets the state afresh).
          if (pending > 100) return done();
          // The page changed (a new password, public turned private, deleted): this stream was
          // opened under the old rules, so it ends; the reader reloads and is asked again.
          const current = pages.get(page.id);
          if (frame.event === 'reload' || !current || !signedIn(c, current)) {
            void stream
              .writeSSE({ event: 'reload', data: '{}' })
              .catch(() => undefined)
              .finally(() => done());
            return;
          }
          pending++;
          void stream.writeSSE({ event: frame.event, data: frame.data }).finally(() => pending--);
        };
        const stop = cache.listen(page.id, send);
        const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => done()), keepaliveMs);
        stream.onAbort(() => done());
        try {
          const snapshot = await cache.get(page);
          const { overall, statuses, activeIncidents, maintenance, generatedAt } = snapshot.page;
          send({ event: 'state', data: JSON.stringify({ overall, statuses, activeIncidents, maintenance, generatedAt }) });
        } catch {
          // The database is away and nothing was built yet: the stream waits for the first change.
        }
        await finished;
        clearInterval(keepalive);
        stop();
        streams.delete(end);
        release();
      });
    },
  };

  /** The origin a visitor used (its links in mails point there when PUBLIC_URL is not set). */
  const originOf = (c: Context) => {
    const url = new URL(c.req.url);
    if (/^https\b/i.test(c.req.header('x-forwarded-proto') ?? '')) url.protocol = 'https:';
    return url.origin;
  };
  const subscriptionPage = (c: Context, page: StatusPageRow, basePath: string, status: 200 | 404, state: SubscriptionPageState) => {
    return html(c, status, renderSubscriptionPage({ title: page.title, basePath, language: languageOf(c, page), assetVersion: ASSET_VERSION, state }));
  };
  /** A subscriber's page (from a mail's link): what it follows, a button to confirm, one to unsubscribe. Nothing changes on GET (mail scanners open links). */
  const manage = async (c: Context, page: StatusPageRow, basePath: string) => {
    const token = c.req.query('token');
    const row = await subscriberByToken(options.subscriptions.db, page, token);
    if (!row || !token) return subscriptionPage(c, page, basePath, 404, { kind: 'invalid-link' });
    return subscriptionPage(c, page, basePath, 200, {
      kind: 'manage',
      token,
      subscriberKind: row.kind as SubscriberKind,
      target: row.target,
      confirmed: row.confirmedAt !== null,
    });
  };

  const feed = async (c: Context, page: StatusPageRow, basePath: string, kind: 'atom' | 'rss') => {
    if (!signedIn(c, page)) return c.text('Not Found', 404);
    const snapshot = await snapshotOr503(c, page);
    if (snapshot instanceof Response) return snapshot;
    const origin = options.publicUrl && !pages.findByDomain(hostOf(c)) ? options.publicUrl : new URL(c.req.url).origin;
    const pageUrl = `${origin}${basePath || '/'}`;
    const feedUrl = `${origin}${basePath}/feed.${kind}`;
    const language = page.defaultLanguage === 'ko' ? 'ko' : 'en';
    const type = kind === 'atom' ? 'application/atom+xml; charset=utf-8' : 'application/rss+xml; charset=utf-8';
    const render = () => (kind === 'atom' ? renderAtom : renderRss)(snapshot.page, { pageUrl, feedUrl, language });
    return sendRendered(c, snapshot, `${kind}:${feedUrl}`, type, render, page.visibility === 'public' ? 60 : 0);
  };

  const badge = (c: Context, spec: BadgeSpec) => {
    const style = parseBadgeStyle(c.req.query('style'));
    const label = c.req.query('label');
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=60');
    // Embedded in READMEs and other sites' pages: it must load from anywhere.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    return c.body(renderBadge({ ...spec, label: label === undefined ? spec.label : label, ...(style ? { style } : {}) }));
  };
  const badgeNotFound = (c: Context) => {
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', 'image/svg+xml; charset=utf-8');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    return c.body(renderBadge({ label: 'vigil', message: 'not found', color: BADGE_COLORS.unknown }), 404);
  };

  const routes = new Hono();
  routes.get(`${ASSETS_PATH}/:file`, (c) => {
    const name = c.req.param('file');
    const body = ASSETS.get(name);
    if (!body) return c.text('Not Found', 404);
    c.header('Content-Type', ASSET_TYPES[name]!);
    c.header('Cache-Control', c.req.query('v') === ASSET_VERSION ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    return c.body(new Uint8Array(body));
  });
  for (const kind of ['status', 'uptime', 'response'] as const) {
    routes.get(`/badge/endpoints/:id/${kind}.svg`, async (c) => {
      const figures = await options.badges.figures(c.req.param('id').toLowerCase(), c.req.query('period') ?? '24h').catch(() => null);
      if (!figures) return badgeNotFound(c);
      if (kind === 'status') return badge(c, { label: figures.name, message: figures.status.toLowerCase(), color: statusColor(figures.status) });
      if (kind === 'uptime') {
        return badge(c, {
          label: `uptime ${figures.period}`,
          message: figures.uptime === null ? 'no data' : `${figures.uptime}%`,
          color: uptimeColor(figures.uptime),
        });
      }
      return badge(c, {
        label: 'response time',
        message: figures.avgResponseTime === null ? 'no data' : `${figures.avgResponseTime} ms`,
        color: figures.avgResponseTime === null ? BADGE_COLORS.unknown : BADGE_COLORS.maintenance,
      });
    });
  }
  // On a custom domain, its page at the root (a middleware: on Vigil's own host these paths are the dashboard's).
  const onDomain = (c: Context) => pages.findByDomain(hostOf(c));
  routes.use('*', async (c, next) => {
    const page = onDomain(c);
    if (!page) return next();
    const answer = answers[`${c.req.method === 'HEAD' ? 'GET' : c.req.method} ${c.req.path}`];
    if (answer) return answer(c, page, '');
    // The routes below (its page by slug, assets, badges); nothing else of Vigil's on this host.
    return ON_PAGE_HOST.test(c.req.path) ? next() : notFound(c);
  });
  const misses: Record<string, (c: Context) => Response> = {
    'GET /': notFound,
    'POST /login': notFound,
    'GET /subscription': notFound,
    'GET /unsubscribe': notFound,
    'POST /confirm': notFound,
    'POST /unsubscribe': notFound,
    'GET /badge.svg': badgeNotFound,
    'GET /feed.atom': (c) => c.text('Not Found', 404),
    'GET /feed.rss': (c) => c.text('Not Found', 404),
  };
  for (const [key, answer] of Object.entries(answers)) {
    const [method, path] = key.split(' ') as ['GET' | 'POST', string];
    routes.on(method, `/status/:slug${path === '/' ? '' : path}`, (c) => {
      const page = pages.findBySlug(c.req.param('slug') ?? '');
      // A page with a domain is also at /status/<slug> on Vigil's host; on another page's domain, no.
      const domainPage = onDomain(c);
      if (!page || (domainPage && domainPage.id !== page.id)) return (misses[key] ?? ((x: Context) => x.json({ title: 'Not Found', status: 404 }, 404)))(c);
      return answer(c, page, `/status/${page.slug}`);
    });
  }

  return {
    routes,
    isPageHost: (host) => host !== undefined && pages.findByDomain(host.replace(/:\d+$/, '')) !== undefined,
    async close() {
      closing = true;
      await Promise.all([...streams].map((end) => end()));
    },
  };
}
