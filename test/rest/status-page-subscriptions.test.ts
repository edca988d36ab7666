/**
 * Following a status page by email and webhook: double opt-in by a mailed link (a page with a
 * button; nothing changes on GET), a webhook that must echo a challenge, notices of what the page
 * shows (an incident's start, its updates, its resolution) in the subscriber's language with its
 * own unsubscribe link, signed webhook bodies, retries, 410 and one-click unsubscribe, and the
 * refusals (private webhook targets, bad input, a page that offers nothing, too many requests)
 * that store nothing. A real SMTP server and a real HTTP receiver on 127.0.0.1.
 */
import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentUpdate, StatusPage, StatusPageSubscriber, SubscriberWebhookBody } from '../../server/contract/status-pages.ts';
import type { Endpoint, Incident, Page, ProblemDetails } from '../../server/contract/types.ts';
import { endpointInput, postEndpoint } from '../support/endpoints.ts';
import { unique } from '../support/rest-api.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver.ts';
import { startTargetServer, type TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

interface Hook {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: SubscriberWebhookBody;
}

/** A receiver of subscriber webhooks: per path, echo the challenge (or not) and answer notices with the scripted statuses. */
async function startHookReceiver() {
  const hooks: Hook[] = [];
  const scripts = new Map<string, { echo: boolean; statuses: number[] }>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = JSON.parse(raw) as SubscriberWebhookBody;
      hooks.push({ path, headers: req.headers, raw, body });
      const script = scripts.get(path) ?? { echo: true, statuses: [] };
      if (body.type === 'subscription.confirm') {
        if (path.endsWith('/missing')) res.writeHead(404).end('no');
        else res.writeHead(200, { 'content-type': 'text/plain' }).end(script.echo ? body.challenge : 'ok');
        return;
      }
      res.writeHead(script.statuses.shift() ?? 200).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    hooks,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    script: (path: string, script: { echo?: boolean; statuses?: number[] }) =>
      scripts.set(path, { echo: script.echo ?? true, statuses: script.statuses ?? [] }),
    to: (path: string) => hooks.filter((h) => h.path === path),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let smtp: SmtpReceiver;
let hooks: Awaited<ReturnType<typeof startHookReceiver>>;
let target: TargetServer;
let vigil: TestVigil;

beforeAll(async () => {
  [smtp, hooks, target] = await Promise.all([startSmtpReceiver(), startHookReceiver(), startTargetServer()]);
  vigil = await startTestVigil({
    SMTP_URL: `smtp://${smtp.host}:${smtp.port}?security=none`,
    SMTP_FROM: 'Status <status@vigil.test>',
    ALLOWED_TARGETS: '127.0.0.1',
    NOTIFICATION_SWEEP_MS: '200',
    NOTIFICATION_RETRY_BASE_MS: '100',
  });
});
afterAll(async () => {
  await vigil?.dispose();
  await Promise.all([smtp?.close(), hooks?.close(), target?.close()]);
});

const base = () => `http://127.0.0.1:${vigil.port}`;

async function endpointOnPage(subscriptions: Record<string, boolean>, fields: Record<string, unknown> = {}) {
  const path = `/${unique('ep')}`;
  const endpoint: Endpoint = await postEndpoint(vigil, endpointInput(target, path, { name: 'Payments API', failureThreshold: 1, ...fields }));
  const res = await vigil.api<StatusPage>('POST', '/api/status-pages', {
    slug: unique('subs').toLowerCase(),
    title: 'Acme Status',
    sections: [{ name: 'All', endpointIds: [endpoint.id] }],
    subscriptions,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { endpoint, page: res.body, path };
}

async function check(endpoint: Endpoint) {
  const res = await vigil.api('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(res.status).toBe(200);
}

async function openIncident(endpoint: Endpoint, path: string): Promise<Incident> {
  target.setMode(path, { kind: 'ok', status: 503 });
  await check(endpoint);
  return waitFor(async () => (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items[0], 5000, 'the incident');
}

async function subscribers(page: StatusPage): Promise<StatusPageSubscriber[]> {
  const res = await vigil.api<Page<StatusPageSubscriber>>('GET', `/api/status-pages/${page.id}/subscribers`);
  expect(res.status).toBe(200);
  return res.body.items;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const signed = (hook: Hook, secret: string) => hook.headers['x-vigil-signature'] === `sha256=${createHmac('sha256', secret).update(hook.raw).digest('hex')}`;

describe('by email', () => {
  it('confirms by the mailed link, then tells the start, each update and the resolution of an incident, threaded, until unsubscribed in one click', async () => {
    const { endpoint, page, path } = await endpointOnPage({ email: true });
    const before = smtp.mails.length;
    const res = await fetch(`${base()}/status/${page.slug}/subscribe?lang=ko`, form({ email: ' Ann@Example.com ' }));
    expect(res.status).toBe(202);
    expect(await res.text()).toContain('ann@example.com');
    const [confirmation] = (await smtp.waitFor(before + 1)).slice(before);
    expect(confirmation!.envelopeTo).toEqual(['ann@example.com']);
    expect(confirmation!.from).toContain('status@vigil.test');
    const manage = /https?:\/\/\S+\/subscription\?token=[\w-]+/.exec(confirmation!.text)?.[0];
    expect(manage, confirmation!.text).toBeDefined();
    expect(manage!.startsWith(`${base()}/status/${page.slug}/subscription?token=`)).toBe(true);
    expect((await subscribers(page)).map((s) => [s.target, s.kind, s.confirmedAt, s.language])).toEqual([['ann@example.com', 'email', null, 'ko']]);

    // Opening the link changes nothing (mail scanners open links); its button confirms.
    const shown = await fetch(manage!);
    expect(shown.status).toBe(200);
    const token = new URL(manage!).searchParams.get('token')!;
    expect(await shown.text()).toContain(`/status/${page.slug}/confirm?token=${token}`);
    expect((await subscribers(page))[0]!.confirmedAt).toBeNull();
    const confirmed = await fetch(`${base()}/status/${page.slug}/confirm?token=${token}`, form({}));
    expect(confirmed.status).toBe(200);
    expect((await subscribers(page))[0]!.confirmedAt).not.toBeNull();

    // Asking again within ten minutes sends no second mail (the answer is the same).
    expect((await fetch(`${base()}/status/${page.slug}/subscribe`, form({ email: 'ann@example.com' }))).status).toBe(202);

    const incident = await openIncident(endpoint, path);
    const started = (await smtp.waitFor(before + 2, 10_000))[before + 1]!;
    expect(started.envelopeTo).toEqual(['ann@example.com']);
    expect(started.subject).toContain('Acme Status');
    expect(started.subject).toContain('Payments API');
    expect(started.headers['x-vigil-event']).toBe('incident.started');
    expect(started.headers['list-unsubscribe']).toBe(`<${base()}/status/${page.slug}/unsubscribe?token=${token}>`);
    expect(started.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(started.text).toContain(`/status/${page.slug}/unsubscribe?token=${token}`);

    const update = await vigil.api<IncidentUpdate>('POST', `/api/incidents/${incident.id}/updates`, { state: 'identified', message: '카드 결제 대행사 장애' });
    expect(update.status).toBe(201);
    const updated = (await smtp.waitFor(before + 3, 10_000))[before + 2]!;
    expect(updated.headers['x-vigil-event']).toBe('incident.updated');
    expect(updated.text).toContain('카드 결제 대행사 장애');
    expect(updated.inReplyTo).toBe(started.messageId);

    target.setMode(path, { kind: 'ok', status: 200 });
    await check(endpoint);
    const resolved = (await smtp.waitFor(before + 4, 10_000))[before + 3]!;
    expect(resolved.headers['x-vigil-event']).toBe('incident.resolved');
    expect(resolved.inReplyTo).toBe(started.messageId);
    expect(smtp.mails.length).toBe(before + 4);

    // RFC 8058 one-click: the mail provider POSTs to the List-Unsubscribe URL.
    const gone = await fetch(`${base()}/status/${page.slug}/unsubscribe?token=${token}`, form({ 'List-Unsubscribe': 'One-Click' }));
    expect(gone.status).toBe(200);
    expect(await subscribers(page)).toEqual([]);
    expect((await fetch(manage!)).status).toBe(404);
    expect(vigil.errors).toEqual([]);
  });
});

describe('by webhook', () => {
  it('subscribes a URL that echoes the challenge; signed notices of the page only, retried, stopped by 410', async () => {
    const { endpoint, page, path } = await endpointOnPage({ webhook: true });
    const hidden = await endpointOnPage({});
    const hookPath = `/${unique('hook')}`;
    hooks.script(hookPath, { statuses: [500] });

    const res = await vigil.api<{ status: string; unsubscribeUrl: string }>('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url(hookPath) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe('subscribed');
    const [challenge] = hooks.to(hookPath);
    expect(challenge!.body).toMatchObject({ type: 'subscription.confirm', page: { slug: page.slug, title: 'Acme Status' }, notice: null });
    const secret = challenge!.body.secret!;
    expect(signed(challenge!, secret)).toBe(true);
    expect(res.body.unsubscribeUrl).toBe(challenge!.body.unsubscribeUrl);
    expect((await subscribers(page)).map((s) => [s.kind, s.target, s.confirmedAt !== null])).toEqual([['webhook', hooks.url(hookPath), true]]);

    // An endpoint that is on no page of this subscriber's: nothing.
    await openIncident(hidden.endpoint, hidden.path);
    const incident = await openIncident(endpoint, path);
    // The first answer is a 500: sent again, under the same delivery id.
    const attempts = await waitFor(() => {
      const notices = hooks.to(hookPath).filter((h) => h.body.type === 'incident.started');
      return notices.length >= 2 ? notices : null;
    }, 10_000);
    expect(attempts[0]!.headers['x-vigil-delivery']).toBe(attempts[1]!.headers['x-vigil-delivery']);
    const notice = attempts[1]!.body;
    expect(signed(attempts[1]!, secret)).toBe(true);
    expect(notice.notice).toMatchObject({ kind: 'incident.started', incident: { id: incident.id, endpointName: 'Payments API', resolvedAt: null } });
    expect(notice.text).toContain('Payments API');
    expect(hooks.to(hookPath).every((h) => !h.raw.includes(hidden.endpoint.id) && !h.raw.includes(endpoint.url))).toBe(true);
    await waitFor(async () => (await subscribers(page))[0]!.lastDeliveredAt !== null, 5000, 'the delivery recorded');

    // 410 Gone: the receiver wants no more.
    hooks.script(hookPath, { statuses: [410] });
    await vigil.api('POST', `/api/incidents/${incident.id}/updates`, { state: 'monitoring', message: 'A fix is out.' });
    await waitFor(async () => (await subscribers(page)).length === 0, 10_000, 'the subscriber gone after 410');
    expect(vigil.errors).toEqual([]);
  });

  it('refuses a URL that does not echo the challenge, answers 404, or is not public — storing nothing', async () => {
    const { page } = await endpointOnPage({ webhook: true });
    hooks.script('/silent', { echo: false });
    const silent = await vigil.api<ProblemDetails>('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url('/silent') });
    expect(silent.status).toBe(400);
    expect(silent.body).toMatchObject({ code: 'webhook_not_confirmed', params: { detail: 'the answer did not hold the challenge' } });
    const missing = await vigil.api<ProblemDetails>('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url('/x/missing') });
    expect(missing.body).toMatchObject({ code: 'webhook_not_confirmed', params: { detail: 'the URL answered 404' } });
    for (const url of ['http://10.0.0.1/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook', 'http://169.254.169.254/latest', 'http://192.168.1.1/']) {
      const blocked = await vigil.api<ProblemDetails>('POST', `/status/${page.slug}/subscribe`, { webhookUrl: url });
      expect(blocked.status, url).toBe(400);
      expect(blocked.body.code, url).toBe('blocked_target');
    }
    // The form answers with a page that says it.
    const html = await fetch(`${base()}/status/${page.slug}/subscribe`, form({ webhookUrl: 'http://10.1.2.3/' }));
    expect(html.status).toBe(400);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await subscribers(page)).toEqual([]);
  });
});

describe('privacy and order', () => {
  it('stops telling subscribers of a page that turns private, and takes new ones under its password', async () => {
    const { endpoint, page, path } = await endpointOnPage({ webhook: true });
    const before = `/${unique('hook')}`;
    expect((await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url(before) })).status).toBe(201);
    const locked = await vigil.api<StatusPage>('PATCH', `/api/status-pages/${page.id}`, { visibility: 'password', password: 'correct horse battery' });
    expect(locked.status).toBe(200);
    // Subscribing now needs the password (its cookie).
    expect((await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url('/any') })).status).toBe(404);
    const login = await fetch(`${base()}/status/${page.slug}/login`, { ...form({ password: 'correct horse battery' }), redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const after = `/${unique('hook')}`;
    const res = await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url(after) }, { cookie });
    expect(res.status).toBe(201);
    await openIncident(endpoint, path);
    await waitFor(() => hooks.to(after).some((h) => h.body.type === 'incident.started'), 10_000, 'the notice to the subscriber under the password');
    // A few sweeps more: still nothing for the one who subscribed while the page was public.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(hooks.to(before).map((h) => h.body.type)).toEqual(['subscription.confirm']);
  });

  it('tells one subscriber an incident that started and resolved at once in order, each notice as it stood then', async () => {
    const { endpoint, page, path } = await endpointOnPage({ webhook: true });
    const hook = `/${unique('hook')}`;
    expect((await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url(hook) })).status).toBe(201);
    target.setMode(path, { kind: 'ok', status: 503 });
    await check(endpoint);
    target.setMode(path, { kind: 'ok', status: 200 });
    await check(endpoint);
    const notices = await waitFor(() => {
      const got = hooks.to(hook).filter((h) => h.body.type !== 'subscription.confirm');
      return got.length >= 2 ? got : null;
    }, 10_000);
    expect(notices.map((h) => h.body.type)).toEqual(['incident.started', 'incident.resolved']);
    expect(notices[0]!.body.notice!.incident.resolvedAt).toBeNull();
    expect(notices[1]!.body.notice!.incident.resolvedAt).not.toBeNull();
  });

  it('never tells a visitor what a name resolves to when it is refused at connect time', async () => {
    const bare = await startTestVigil();
    try {
      const res = await bare.api<StatusPage>('POST', '/api/status-pages', { slug: 'named', title: 'T', subscriptions: { webhook: true } });
      expect(res.status).toBe(201);
      const addresses = (await lookup(hostname(), { all: true }).catch(() => [])).map((a) => a.address);
      const answer = await bare.api<ProblemDetails>('POST', '/status/named/subscribe', { webhookUrl: `http://${hostname()}:9/hook` });
      expect(answer.status).toBe(400);
      expect(['blocked_target', 'webhook_not_confirmed']).toContain(answer.body.code);
      for (const address of [...addresses, '127.0.0.1', 'Blocked by policy', 'ENOTFOUND', 'getaddrinfo'])
        expect(JSON.stringify(answer.body)).not.toContain(address);
    } finally {
      await bare.dispose();
    }
  });
});

describe('refusals', () => {
  it('bad input, a page that offers nothing, a password page before sign-in, an unknown link: precise answers, nothing stored', async () => {
    const { page } = await endpointOnPage({ webhook: true });
    const cases: [unknown, number, string][] = [
      [{ email: 'not-an-address' }, 400, 'invalid_email'],
      [{ email: 'a@b.c, d@e.f' }, 400, 'invalid_email'],
      [{ webhookUrl: 'ftp://example.com/' }, 400, 'invalid_url'],
      [{ webhookUrl: 'https://user:pw@example.com/' }, 400, 'invalid_url'],
      [{ email: 'a@example.com', webhookUrl: 'https://example.com/' }, 400, 'invalid'],
      [{}, 400, 'required'],
      [[1], 400, 'invalid_type'],
      // Email is not offered on this page.
      [{ email: 'a@example.com' }, 404, 'subscriptions_off'],
    ];
    for (const [body, status, code] of cases) {
      const res = await vigil.api<ProblemDetails>('POST', `/status/${page.slug}/subscribe`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect([res.body.code, ...(res.body.errors ?? []).map((e) => e.code)], JSON.stringify(res.body)).toContain(code);
    }
    const off = await endpointOnPage({});
    expect((await vigil.api('POST', `/status/${off.page.slug}/subscribe`, { webhookUrl: hooks.url('/any') })).status).toBe(404);
    const locked = await vigil.api<StatusPage>('POST', '/api/status-pages', {
      slug: unique('locked').toLowerCase(),
      title: 'Private',
      visibility: 'password',
      password: 'correct horse',
      subscriptions: { webhook: true },
    });
    expect((await vigil.api('POST', `/status/${locked.body.slug}/subscribe`, { webhookUrl: hooks.url('/any') })).status).toBe(404);
    for (const path of ['subscription?token=nope', 'unsubscribe?token=nope']) expect((await fetch(`${base()}/status/${page.slug}/${path}`)).status).toBe(404);
    expect((await fetch(`${base()}/status/${page.slug}/confirm?token=nope`, form({}))).status).toBe(404);
    expect((await fetch(`${base()}/status/${page.slug}/unsubscribe`, form({}))).status).toBe(404);
    expect(await subscribers(page)).toEqual([]);
    expect(await subscribers(off.page)).toEqual([]);
  });

  it('turns email on only with a mail server, keeps the other setting on a partial PATCH, and lists and removes subscribers', async () => {
    const bare = await startTestVigil();
    try {
      const res = await bare.api<ProblemDetails>('POST', '/api/status-pages', { slug: 'mailless', title: 'T', subscriptions: { email: true } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'subscriptions.email', code: 'smtp_not_configured' })]);
      expect((await bare.api<StatusPage[]>('GET', '/api/status-pages')).body).toMatchObject({ items: [] });
    } finally {
      await bare.dispose();
    }
    const { page } = await endpointOnPage({ webhook: true });
    const patched = await vigil.api<StatusPage>('PATCH', `/api/status-pages/${page.id}`, { subscriptions: { email: true } });
    expect(patched.body.subscriptions).toEqual({ email: true, webhook: true });
    const hook = `/${unique('hook')}`;
    expect((await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url(hook) })).status).toBe(201);
    const [subscriber] = await subscribers(page);
    expect((await vigil.api('GET', `/api/status-pages/${page.id}/subscribers?kind=sms`)).status).toBe(400);
    expect((await vigil.api('GET', `/api/status-pages/${page.id}/subscribers?limit=0`)).status).toBe(400);
    expect((await vigil.api('DELETE', `/api/status-pages/${page.id}/subscribers/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await vigil.api('DELETE', `/api/status-pages/${page.id}/subscribers/${subscriber!.id}`)).status).toBe(204);
    expect(await subscribers(page)).toEqual([]);
  });

  it('sends at most ten mails or challenges a minute for one address', async () => {
    const { page } = await endpointOnPage({ webhook: true });
    hooks.script('/silent', { echo: false });
    let answer = 0;
    let retryAfter: string | null = null;
    for (let i = 0; i < 12 && answer !== 429; i++) {
      const res = await vigil.api('POST', `/status/${page.slug}/subscribe`, { webhookUrl: hooks.url('/silent') });
      answer = res.status;
      retryAfter = res.headers.get('retry-after');
    }
    expect(answer).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
