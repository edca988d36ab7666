import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelType, Notice, NotificationLanguage } from '../../server/contract/notifications.ts';
import type { OutgoingMessage, ProviderAnswer, SendContext } from '../../server/notifications/provider.ts';
import { TARGET_BLOCKED } from '../../server/checker/guarded-lookup.ts';
import { createEmailProvider } from '../../server/notifications/providers/email.ts';
import { describeBlockedConnection, TargetPolicy } from '../../server/security/target-policy.ts';
import { PROVIDERS } from '../../server/notifications/providers/index.ts';
import { createTestCa } from '../support/certificates.ts';
import { freePort } from '../support/free-port.ts';
import {
  HTTP_PROVIDER_TYPES,
  type HttpProviderType,
  type ProviderReceivers,
  type ReceivedRequest,
  startProviderReceivers,
} from '../support/provider-receivers.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../support/smtp-receiver.ts';

// Every provider against a real local receiver that checks requests as the provider would, and a
// real SMTP server: nothing leaves 127.0.0.1.

const context: SendContext = { fetch: globalThis.fetch, timeoutMs: 5000, userAgent: 'Vigil-test/1' };
const LINK = 'http://127.0.0.1:3000/endpoints/ep-api';
const ASSERTION = '$.status equals "ok": saw "down"';

let seq = 0;
/** A DOWN notice for "API Server" (HTTP 503, an error, a failed assertion), changed by `overrides`. */
function notice(overrides: Partial<Notice> = {}): Notice {
  seq++;
  return {
    id: `n-${seq}-${randomUUID().slice(0, 8)}`,
    event: 'down',
    endpoint: { id: 'ep-api', name: 'API Server', type: 'http', address: 'https://api.example.test/health?apikey=hidden', tags: ['prod'] },
    status: 'DOWN',
    previousStatus: 'UP',
    at: '2026-03-01T09:20:00.000Z',
    since: '2026-03-01T09:15:00.000Z',
    incidentId: 'inc-1',
    reason: { statusCode: 503, errorMessage: 'Service Unavailable from upstream', errorCode: null, failedAssertions: [ASSERTION], responseTime: 87 },
    durationMs: null,
    certificate: null,
    reminder: null,
    threadKey: 'vigil-ep-api-inc-1',
    threadRef: null,
    link: LINK,
    source: null,
    ...overrides,
  };
}

/** The recovery that follows `alert`: same endpoint, same thread. */
function recovery(alert: Notice, threadRef: string | null = null): Notice {
  return notice({
    event: 'recovered',
    status: 'UP',
    previousStatus: 'DOWN',
    at: '2026-03-01T09:32:00.000Z',
    since: null,
    reason: { statusCode: 200, errorMessage: null, errorCode: null, failedAssertions: [], responseTime: 45 },
    durationMs: 17 * 60_000,
    threadKey: alert.threadKey,
    threadRef,
  });
}

function message(notices: Notice[], language: NotificationLanguage = 'en', extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { language, notices, groupKey: notices.length > 1 ? `group-${randomUUID()}` : null, test: false, ...extra };
}

/** 500 DOWN notices of 500 endpoints. */
function flood(count = 500): Notice[] {
  return Array.from({ length: count }, (_, i) =>
    notice({ endpoint: { id: `ep-${i}`, name: `Service ${i}`, type: 'http', address: `https://s${i}.example.test/`, tags: [] }, threadKey: `vigil-ep-${i}` }),
  );
}

let receivers: ProviderReceivers;
let smtp: SmtpReceiver;

beforeAll(async () => {
  receivers = await startProviderReceivers();
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await receivers?.close();
  await smtp?.close();
});
beforeEach(() => {
  receivers.reset();
  smtp.mails.length = 0;
});

/** What a reader of the last message on `type` sees: the receiver's text, or the mail's subject and text. */
function lastText(type: ChannelType): string {
  if (type === 'email') {
    const mail = smtp.mails.at(-1)!;
    return `${mail.subject}\n${mail.text}`;
  }
  return receivers.textOf(receivers.requests(type as HttpProviderType).at(-1)!);
}

function configFor(type: ChannelType) {
  return type === 'email' ? smtp.configFor() : receivers.configFor(type);
}

function expectOk(answer: ProviderAnswer, type: ChannelType) {
  const last = type === 'email' ? null : receivers.requests(type as HttpProviderType).at(-1);
  expect(answer, `${type}: ${answer.answer} / ${last?.rejected ?? ''}`).toMatchObject({ ok: true, retryable: false });
}

const ALL_TYPES = [...HTTP_PROVIDER_TYPES, 'email'] as const;

describe('one DOWN notice, in English and in Korean', () => {
  it.each(ALL_TYPES)('%s: accepted, with the title, the reason and the link', async (type) => {
    const provider = PROVIDERS[type];
    expect(provider.type).toBe(type);

    const en = await provider.send(message([notice()], 'en'), configFor(type), context);
    expectOk(en, type);
    const english = lastText(type);
    // ntfy shows the title's emoji as a tag: the words are what every provider carries.
    expect(english).toContain('API Server is DOWN');
    if (type !== 'ntfy') expect(english).toContain('❌ API Server is DOWN');
    expect(english).toContain('503');
    expect(english).toContain('Service Unavailable from upstream');
    expect(english).toContain(ASSERTION);
    expect(english).toContain('2026-03-01 09:15:00 UTC (for 5 min)');
    expect(english).toContain(LINK);
    // The endpoint's query string (an API key, often) is not shown (the webhook hands over the notice whole).
    if (type !== 'webhook') expect(english).not.toContain('apikey=hidden');

    const ko = await provider.send(message([notice()], 'ko'), configFor(type), context);
    expectOk(ko, type);
    const korean = lastText(type);
    expect(korean).toContain('API Server 장애 발생');
    if (type !== 'ntfy') expect(korean).toContain('❌ API Server 장애 발생');
    expect(korean).toContain('503');
    expect(korean).toContain(ASSERTION);
    expect(korean).toContain('5분째');
    // Discord links the title itself; the others name the link.
    if (type !== 'discord') expect(korean).toContain('Vigil에서 보기');
    expect(korean).toContain(LINK);
  });
});

describe('the messages for each event', () => {
  it.each([
    [{ event: 'degraded', status: 'DEGRADED' }, '⚠️ API Server is DEGRADED', '⚠️ API Server 성능 저하'],
    [{ event: 'incident-started' }, '🚨 Incident started: API Server', '🚨 API Server 장애 시작됨'],
    [{ event: 'push-missed' }, '⏰ API Server missed its ping', '⏰ API Server 신호 없음'],
    [{ event: 'reminder', reminder: { number: 2, max: 5 } }, '🔁 Still DOWN: API Server (reminder 2 of 5)', '🔁 API Server 장애 계속 중 (2/5)'],
    [
      { event: 'certificate-expiring', status: 'UP', certificate: { expiresAt: '2026-03-08T00:00:00.000Z', daysLeft: 7 } },
      '🔒 API Server: certificate expires in 7 days',
      '🔒 API Server 인증서 만료 7일 전',
    ],
    [{ event: 'incident-resolved', status: 'UP', durationMs: 3_900_000 }, '✨ Incident resolved: API Server', '✨ API Server 복구됨'],
    [{ event: 'recovered', status: 'UP', durationMs: 600_000 }, '✅ API Server is back UP', '✅ API Server 정상 작동'],
  ] as [Partial<Notice>, string, string][])('%o', async (overrides, english, korean) => {
    await PROVIDERS.telegram.send(message([notice(overrides)], 'en'), receivers.configFor('telegram'), context);
    await PROVIDERS.telegram.send(message([notice(overrides)], 'ko'), receivers.configFor('telegram'), context);
    const [en, ko] = receivers.accepted('telegram').map((r) => receivers.textOf(r));
    expect(en).toContain(english);
    expect(ko).toContain(korean);
    if (overrides.certificate) expect(en).toContain('7 days left');
    if (overrides.event === 'incident-resolved') expect(ko).toContain('1시간 5분');
    if (overrides.event === 'recovered') expect(en).toContain('Down for: 10 min');
  });

  it('a test message says it is a test, on every provider', async () => {
    for (const type of ALL_TYPES) {
      const answer = await PROVIDERS[type].send(message([], 'en', { test: true }), configFor(type), context);
      expectOk(answer, type);
      // PagerDuty's and Opsgenie's last request closes the test alert: the alert itself came just before.
      const text = type === 'pagerduty' || type === 'opsgenie' ? receivers.textOf(receivers.requests(type).at(-2)!) : lastText(type);
      expect(text, type).toContain('Vigil test');
    }
    // A test alert on PagerDuty and Opsgenie is closed at once: nobody stays paged.
    expect([...receivers.pagerDutyIncidents.values()]).toEqual(['resolved']);
    expect([...receivers.opsgenieAlerts.values()]).toEqual(['closed']);
  });
});

describe('the generic webhook keeps its shape', () => {
  it('sends { event, data, sentAt } plus the notification, signed, with a delivery id', async () => {
    const source = { event: 'endpoint:status-changed', data: { endpointId: 'ep-api', previousStatus: 'UP', currentStatus: 'DOWN' } };
    const alert = notice({ source });
    const answer = await PROVIDERS.webhook.send(message([alert]), receivers.configFor('webhook'), context);
    expectOk(answer, 'webhook');
    const [request] = receivers.accepted('webhook') as [ReceivedRequest];
    expect(Object.keys(request.body).sort()).toEqual(['data', 'event', 'notification', 'sentAt', 'text']);
    expect(request.body).toMatchObject({ event: source.event, data: source.data, notification: { id: alert.id, event: 'down' } });
    expect(request.headers['x-vigil-event']).toBe(source.event);
    expect(request.headers['x-vigil-delivery']).toBe(alert.id);
    const secret = String(receivers.configFor('webhook').secret);
    expect(request.headers['x-vigil-signature']).toBe(`sha256=${createHmac('sha256', secret).update(request.raw).digest('hex')}`);

    // Without a source event: notification:<event>, and the notice as data.
    await PROVIDERS.webhook.send(message([notice({ event: 'degraded' })]), receivers.configFor('webhook'), context);
    expect(receivers.accepted('webhook')[1]!.body).toMatchObject({ event: 'notification:degraded', data: { event: 'degraded' } });
  });

  it('a wrong secret is refused by the receiver (401), and not retried', async () => {
    const answer = await PROVIDERS.webhook.send(message([notice()]), receivers.configFor('webhook', { secret: 'not-the-secret' }), context);
    expect(answer).toMatchObject({ ok: false, statusCode: 401, retryable: false });
  });
});

describe('a resolution references its alert', () => {
  it('PagerDuty resolves the same dedup_key', async () => {
    const alert = notice();
    expectOk(await PROVIDERS.pagerduty.send(message([alert]), receivers.configFor('pagerduty'), context), 'pagerduty');
    expect(receivers.pagerDutyIncidents.get(alert.threadKey)).toBe('triggered');
    expectOk(await PROVIDERS.pagerduty.send(message([recovery(alert)]), receivers.configFor('pagerduty'), context), 'pagerduty');
    const [trigger, resolve] = receivers.accepted('pagerduty') as [ReceivedRequest, ReceivedRequest];
    expect(trigger.body).toMatchObject({
      event_action: 'trigger',
      dedup_key: alert.threadKey,
      payload: { severity: 'critical', source: 'api.example.test', component: 'API Server' },
    });
    expect(trigger.body.payload.summary).toBe('❌ API Server is DOWN — HTTP 503');
    expect(trigger.body.links).toEqual([{ href: LINK, text: 'Open in Vigil' }]);
    expect(resolve.body).toMatchObject({ event_action: 'resolve', dedup_key: alert.threadKey });
    expect(receivers.pagerDutyIncidents.get(alert.threadKey)).toBe('resolved');
  });

  it('Opsgenie closes the alert by its alias', async () => {
    const alert = notice();
    expectOk(await PROVIDERS.opsgenie.send(message([alert]), receivers.configFor('opsgenie'), context), 'opsgenie');
    expectOk(await PROVIDERS.opsgenie.send(message([recovery(alert)]), receivers.configFor('opsgenie'), context), 'opsgenie');
    const [create, close] = receivers.accepted('opsgenie') as [ReceivedRequest, ReceivedRequest];
    expect(create.body).toMatchObject({ alias: alert.threadKey, priority: 'P1', source: 'Vigil', entity: 'API Server' });
    expect(close.path).toBe(`/v2/alerts/${alert.threadKey}/close`);
    expect(close.query.identifierType).toBe('alias');
    expect(close.body.note).toContain('✅ API Server is back UP');
    expect(receivers.opsgenieAlerts.get(alert.threadKey)).toBe('closed');
  });

  it('Telegram replies to the alert’s message', async () => {
    const alert = notice();
    const first = await PROVIDERS.telegram.send(message([alert]), receivers.configFor('telegram'), context);
    expectOk(first, 'telegram');
    expect(first.threadRef).toMatch(/^\d+$/);
    const second = await PROVIDERS.telegram.send(message([recovery(alert, first.threadRef)]), receivers.configFor('telegram'), context);
    expectOk(second, 'telegram');
    const reply = receivers.accepted('telegram')[1]!;
    expect(reply.body.reply_parameters).toEqual({ message_id: Number(first.threadRef), allow_sending_without_reply: true });
  });

  it('Google Chat posts into the same thread', async () => {
    const alert = notice();
    await PROVIDERS['google-chat'].send(message([alert]), receivers.configFor('google-chat'), context);
    await PROVIDERS['google-chat'].send(message([recovery(alert)]), receivers.configFor('google-chat'), context);
    const [a, b] = receivers.accepted('google-chat') as [ReceivedRequest, ReceivedRequest];
    expect(a.query).toMatchObject({ threadKey: alert.threadKey, messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' });
    expect(b.query.threadKey).toBe(alert.threadKey);
    expect(receivers.googleChatThreads.size).toBe(1);
  });

  it('an email answers the alert’s Message-ID', async () => {
    const alert = notice();
    const first = await PROVIDERS.email.send(message([alert]), smtp.configFor(), context);
    expectOk(first, 'email');
    expect(first.threadRef).toBe(`<${alert.id}@vigil>`);
    expect(first.statusCode).toBe(250);
    const second = await PROVIDERS.email.send(message([recovery(alert, first.threadRef)]), smtp.configFor(), context);
    expectOk(second, 'email');
    const [down, up] = smtp.mails as [(typeof smtp.mails)[0], (typeof smtp.mails)[0]];
    expect(down.messageId).toBe(first.threadRef);
    expect(up.inReplyTo).toBe(first.threadRef);
    expect(up.references).toEqual([first.threadRef]);
    expect(up.subject).toBe('✅ API Server is back UP');
    expect(down.envelopeTo).toEqual(['ops@example.test', 'oncall@example.test']);
    expect(down.html).toContain('<a href="http://127.0.0.1:3000/endpoints/ep-api">');
  });
});

describe('a flood of 500 notices is one message that says 500', () => {
  it.each(ALL_TYPES)('%s', async (type) => {
    const notices = flood();
    const answer = await PROVIDERS[type].send(message(notices), configFor(type), context);
    expectOk(answer, type);
    if (type === 'email') expect(smtp.mails).toHaveLength(1);
    else expect(receivers.requests(type)).toHaveLength(1);
    const text = lastText(type);
    expect(text).toContain('500');
    expect(text).toContain('Service 0');
    if (type === 'webhook') {
      expect(receivers.requests('webhook')[0]!.body).toMatchObject({ event: 'notification:group', count: 500 });
    } else {
      expect(text).toContain('500 endpoints need attention: 500 DOWN');
      expect(text).toContain('…and 480 more');
      expect(text).not.toContain('Service 20 ');
      // About no one endpoint: the link is the dashboard's.
      expect(text).toContain('http://127.0.0.1:3000/');
      expect(text).not.toContain('/endpoints/ep-api');
    }
  });

  it('in Korean, with the counts of each event', async () => {
    const notices = [...flood(3), recovery(notice()), notice({ event: 'degraded', status: 'DEGRADED' })];
    await PROVIDERS.slack.send(message(notices, 'ko'), receivers.configFor('slack'), context);
    const text = receivers.textOf(receivers.accepted('slack')[0]!);
    expect(text).toContain('🚨 엔드포인트 4개 확인 필요: 장애 3, 성능 저하 1, 복구 1');
    expect(text).toContain('❌ Service 0 — 장애 (HTTP 503)');
    await PROVIDERS.slack.send(
      message(
        flood(2).map((n) => recovery(n)),
        'en',
      ),
      receivers.configFor('slack'),
      context,
    );
    expect(receivers.textOf(receivers.accepted('slack')[1]!)).toContain('✅ 1 endpoint recovered: 2 recovered');
  });

  it('PagerDuty: a group of recoveries resolves the group’s key', async () => {
    const notices = flood(3).map((n) => recovery(n));
    await PROVIDERS.pagerduty.send(message(notices, 'ko', { groupKey: 'group-1' }), receivers.configFor('pagerduty'), context);
    expect(receivers.accepted('pagerduty')[0]!.body).toMatchObject({ event_action: 'resolve', dedup_key: 'group-1' });
  });
});

describe('failures are answers: retryable or not', () => {
  it.each(HTTP_PROVIDER_TYPES)('%s: 429 with Retry-After, 500, 400, a hang', async (type) => {
    const provider = PROVIDERS[type];
    const config = receivers.configFor(type);
    receivers.answerNext(type, { status: 429, retryAfter: 2 });
    const limited = await provider.send(message([notice()]), config, context);
    expect(limited).toMatchObject({ ok: false, statusCode: 429, retryable: true, retryAfterMs: 2000 });

    receivers.answerNext(type, { status: 503, retryAfterDate: new Date(Date.now() + 30_000) });
    const unavailable = await provider.send(message([notice()]), config, context);
    expect(unavailable).toMatchObject({ ok: false, statusCode: 503, retryable: true });
    expect(unavailable.retryAfterMs).toBeGreaterThan(25_000);
    expect(unavailable.retryAfterMs).toBeLessThanOrEqual(30_000);

    receivers.answerNext(type, { status: 500 });
    expect(await provider.send(message([notice()]), config, context)).toMatchObject({ ok: false, statusCode: 500, retryable: true, retryAfterMs: null });

    receivers.answerNext(type, { status: 400 });
    expect(await provider.send(message([notice()]), config, context)).toMatchObject({ ok: false, statusCode: 400, retryable: false });

    receivers.answerNext(type, { hang: true });
    const started = Date.now();
    const hung = await provider.send(message([notice()]), config, { ...context, timeoutMs: 300 });
    expect(hung).toMatchObject({ ok: false, statusCode: null, retryable: true });
    expect(hung.answer).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('nobody listening: retryable, no status', async () => {
    const port = await freePort();
    const answer = await PROVIDERS.slack.send(message([notice()]), { webhookUrl: `http://127.0.0.1:${port}/services/T/B/secretpath0123456789` }, context);
    expect(answer).toMatchObject({ ok: false, statusCode: null, retryable: true });
    expect(answer.answer).not.toContain('secretpath0123456789');
  });

  it('a redirect is not followed, nor retried', async () => {
    const answer = await PROVIDERS.slack.send(message([notice()]), { webhookUrl: `${receivers.url}/nowhere` }, context);
    expect(answer).toMatchObject({ ok: false, statusCode: 404, retryable: false });
  });

  it('Telegram’s own retry_after and {ok:false} are read', async () => {
    receivers.answerNext('telegram', { status: 429, retryAfter: 7 });
    const answer = await PROVIDERS.telegram.send(message([notice()]), receivers.configFor('telegram'), context);
    expect(answer).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(answer.answer).toContain('Too Many Requests: retry after 7');
    const wrongChat = await PROVIDERS.telegram.send(message([notice()]), receivers.configFor('telegram', { chatId: '42' }), context);
    expect(wrongChat).toMatchObject({ ok: false, statusCode: 400, retryable: false });
    expect(wrongChat.answer).toContain('chat not found');
  });

  it('a target the policy blocks is not retried', async () => {
    // A fetch that applies the target policy first, as Vigil's SendContext does; its refusal carries TARGET_BLOCKED.
    const policy = TargetPolicy.defaults();
    const guardedFetch: typeof fetch = async (input, init) => {
      const decision = policy.decideUrl(String(input));
      if (!decision.allowed)
        throw new TypeError('fetch failed', { cause: Object.assign(new Error(describeBlockedConnection(decision)), { code: TARGET_BLOCKED }) });
      return fetch(input, init);
    };
    const answer = await PROVIDERS.webhook.send(message([notice()]), { url: 'http://169.254.169.254/hook' }, { ...context, fetch: guardedFetch });
    expect(answer).toMatchObject({ ok: false, statusCode: null, retryable: false });
    expect(answer.answer).toContain('link-local');
    const allowed = await PROVIDERS.webhook.send(message([notice()]), receivers.configFor('webhook'), { ...context, fetch: guardedFetch });
    expect(allowed.ok).toBe(true);
  });

  it('a config that cannot work is not retried', async () => {
    const answer = await PROVIDERS.discord.send(message([notice()]), { webhookUrl: 'not a url' }, context);
    expect(answer).toMatchObject({ ok: false, statusCode: null, retryable: false });
  });

  it('email: SMTP 451 is retryable, 550 is not, a silent server times out', async () => {
    smtp.answerNext({ code: 451, message: 'Try again later' });
    const later = await PROVIDERS.email.send(message([notice()]), smtp.configFor(), context);
    expect(later).toMatchObject({ ok: false, statusCode: 451, retryable: true });
    smtp.answerNext({ code: 550, message: 'Mailbox unavailable' });
    const refused = await PROVIDERS.email.send(message([notice()]), smtp.configFor(), context);
    expect(refused).toMatchObject({ ok: false, statusCode: 550, retryable: false });
    smtp.answerNext({ hang: true });
    const hung = await PROVIDERS.email.send(message([notice()]), smtp.configFor(), { ...context, timeoutMs: 500 });
    expect(hung).toMatchObject({ ok: false, statusCode: null, retryable: true });
  });

  it('email: nobody listening is retryable', async () => {
    const port = await freePort();
    const answer = await PROVIDERS.email.send(message([notice()]), smtp.configFor({ port }), context);
    expect(answer).toMatchObject({ ok: false, statusCode: null, retryable: true });
  });
});

describe('secrets never show in an answer', () => {
  it.each(HTTP_PROVIDER_TYPES)('%s: not in success, nor in an error that echoes the request', async (type) => {
    const secrets = receivers.secretsOf(type);
    const answers: ProviderAnswer[] = [];
    answers.push(await PROVIDERS[type].send(message([notice()]), receivers.configFor(type), context));
    receivers.answerNext(type, { status: 400, echo: true });
    answers.push(await PROVIDERS[type].send(message([notice()]), receivers.configFor(type), context));
    // The same with a body of its own that names every secret outright.
    receivers.answerNext(type, { status: 500, body: `failed for ${secrets.join(' and ')}` });
    answers.push(await PROVIDERS[type].send(message([notice()]), receivers.configFor(type), context));
    expect(answers.map((a) => a.ok)).toEqual([true, false, false]);
    for (const answer of answers) {
      expect(answer.answer.length).toBeLessThanOrEqual(300);
      for (const secret of secrets) expect(answer.answer, `${type} answer shows ${secret}`).not.toContain(secret);
    }
  });

  it('email: the password is not in the answer to a failed login', async () => {
    const guarded = await startSmtpReceiver({ auth: { username: 'vigil', password: 'correct-horse-battery' } });
    try {
      const ok = await PROVIDERS.email.send(message([notice()]), guarded.configFor(), context);
      expectOk(ok, 'email');
      expect(guarded.mails[0]!.user).toBe('vigil');
      const wrong = await PROVIDERS.email.send(message([notice()]), guarded.configFor({ password: 'wrong-horse-battery' }), context);
      expect(wrong).toMatchObject({ ok: false, statusCode: 535, retryable: false });
      expect(wrong.answer).not.toContain('wrong-horse-battery');
    } finally {
      await guarded.close();
    }
  });
});

describe('email over TLS, with a certificate the test made', () => {
  it.each([
    ['tls', true],
    ['starttls', false],
  ] as const)('%s: sent encrypted when the CA is trusted, refused when it is not', async (security, implicit) => {
    const ca = await createTestCa();
    const day = 86_400_000;
    const cert = await ca.serverCertificate({ notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 30 * day) });
    const server = await startSmtpReceiver({ tls: { ...cert, implicit } });
    try {
      expect(server.configFor().security).toBe(security);
      const trusting = createEmailProvider({ tls: { ca: [ca.certPem] } });
      const sent = await trusting.send(message([notice()], 'ko'), server.configFor(), context);
      expect(sent, sent.answer).toMatchObject({ ok: true });
      expect(server.mails[0]).toMatchObject({ secure: true, subject: '❌ API Server 장애 발생' });
      // Vigil's own provider trusts the system's CAs only: the test's certificate is refused.
      const untrusting = await PROVIDERS.email.send(message([notice()]), server.configFor(), context);
      expect(untrusting.ok).toBe(false);
      expect(server.mails).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('security "starttls" refuses a server that offers no STARTTLS', async () => {
    const answer = await PROVIDERS.email.send(message([notice()]), smtp.configFor({ security: 'starttls' }), context);
    expect(answer.ok).toBe(false);
    expect(smtp.mails).toHaveLength(0);
  });
});
