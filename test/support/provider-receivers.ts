/**
 * One real HTTP server on 127.0.0.1 that plays every HTTP notification provider: Slack, Discord,
 * Telegram, Teams, Google Chat, ntfy, Gotify, PagerDuty, Opsgenie and a generic webhook. Each
 * route checks the request the way the provider documents it (shape, limits, content type,
 * auth), refuses a bad one with the provider's own status and error body, records every request,
 * and answers like the provider does — or as a test scripts it (429 with Retry-After, 500, a
 * delay, a hang).
 *
 * @example
 * const receivers = await startProviderReceivers();
 * await PROVIDERS.slack.send(message, receivers.configFor('slack'), context);
 * expect(receivers.accepted('slack')).toHaveLength(1);
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChannelConfigValue, ChannelType } from '../../server/contract/notifications.ts';

export type HttpProviderType = Exclude<ChannelType, 'email'>;

export const HTTP_PROVIDER_TYPES: readonly HttpProviderType[] = [
  'webhook',
  'slack',
  'discord',
  'telegram',
  'teams',
  'google-chat',
  'ntfy',
  'gotify',
  'pagerduty',
  'opsgenie',
];

export interface ReceivedRequest {
  provider: HttpProviderType;
  method: string;
  /** The path after the provider's prefix ("/v2/enqueue"). */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  raw: string;
  /** The parsed JSON body (or the raw text when it is not JSON). */
  body: any;
  /** Why the receiver refused it as the provider would; null: accepted. */
  rejected: string | null;
  /** The status it answered (0 while it hangs). */
  status: number;
  at: number;
}

/** How a provider answers its next valid request. */
export interface ScriptedAnswer {
  /** The status; the provider's own error body goes with it (Telegram's `{ok:false}`, Discord's `retry_after`…). */
  status?: number;
  /** Seconds, sent as Retry-After and in the provider's own field where it has one. */
  retryAfter?: number;
  /** Retry-After as an HTTP date instead of seconds. */
  retryAfterDate?: Date;
  /** A body of its own instead of the provider's. */
  body?: unknown;
  /** Answer after this many ms. */
  delayMs?: number;
  /** Never answer (until the receivers close). */
  hang?: boolean;
  /** Put the request's path, query and auth headers into the error body, as careless servers do: to prove they never reach `answer`. */
  echo?: boolean;
}

export interface ProviderReceivers {
  /** http://127.0.0.1:port */
  url: string;
  /** A channel config pointing at this receiver (the type's CHANNEL_FIELDS keys), with the receiver's secrets. */
  configFor(type: HttpProviderType, overrides?: Record<string, ChannelConfigValue>): Record<string, ChannelConfigValue>;
  /** The strings that must never show in an answer (tokens, keys, webhook URLs and paths). */
  secretsOf(type: HttpProviderType): string[];
  /** Queues how the provider answers its next valid requests, one each. */
  answerNext(type: HttpProviderType, ...answers: ScriptedAnswer[]): void;
  /** Every request the provider got, refused or not. */
  requests(type: HttpProviderType): ReceivedRequest[];
  /** The requests it accepted (a 2xx answer). */
  accepted(type: HttpProviderType): ReceivedRequest[];
  /** Waits until the provider has got `count` requests; throws after `timeoutMs`. */
  waitFor(type: HttpProviderType, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Every string in a request's body, entities decoded: what a reader would see. */
  textOf(request: ReceivedRequest): string;
  /** PagerDuty incidents by dedup_key. */
  pagerDutyIncidents: Map<string, 'triggered' | 'acknowledged' | 'resolved'>;
  /** Opsgenie alerts by alias. */
  opsgenieAlerts: Map<string, 'open' | 'closed'>;
  /** Google Chat thread names by threadKey. */
  googleChatThreads: Map<string, string>;
  /** Forgets requests, scripts and state. */
  reset(): void;
  close(): Promise<void>;
}

/** The receivers' credentials, shaped like the real ones. */
const SECRETS = {
  webhook: 'whsec_vigil_test_8f2c41d9a7',
  slack: 'xQ9vT2mLk8RwZp4HsY7bN3cD',
  discord: 'Zk3_w9XyT7qLmN2vB8cR4sD1fG6hJ0kP5aE-uI3oY7tR9wQ2zX4cV6bN8mL1kJ3hG5',
  telegram: '7000001234:AAHvigilTestBotToken_x9Kq2LmN4pR6sT',
  teams: 'sigVigilTestTeamsSignature0123456789abc',
  googleChatKey: 'AIzaSyVigilTestKey0123456789abcdefgh',
  googleChatToken: 'vigilChatToken_0123456789abcdefABCDEF',
  ntfy: 'tk_vigiltestntfytoken000000000',
  gotify: 'AvigilGotifyTok',
  pagerduty: 'R0UT1NGKEYvigil0123456789abcdef0',
  opsgenie: 'e2b5a3f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
} as const;

const TELEGRAM_CHAT = '-1001234567890';
/** The ntfy topic that needs the token; any other is open to all, as on a real server with ACLs. */
const NTFY_PROTECTED_TOPIC = 'vigil-alerts';
const GOOGLE_CHAT_SPACE = 'AAAAvigil01';

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route's verdict: a refusal (with the provider's status and body), or the answer to give. */
type Verdict = { refuse: Reply; reason: string } | { accept: () => Reply };

const refuse = (status: number, reason: string, body: unknown): Verdict => ({ refuse: { status, body }, reason });

export async function startProviderReceivers(): Promise<ProviderReceivers> {
  const received = new Map<HttpProviderType, ReceivedRequest[]>();
  const scripts = new Map<HttpProviderType, ScriptedAnswer[]>();
  const pagerDutyIncidents = new Map<string, 'triggered' | 'acknowledged' | 'resolved'>();
  const opsgenieAlerts = new Map<string, 'open' | 'closed'>();
  const googleChatThreads = new Map<string, string>();
  /** Telegram message ids sent to the chat, to check replies against. */
  const telegramMessages = new Set<number>();
  let telegramNextId = 1;
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, prefix = '', ...rest] = url.pathname.split('/');
      const provider = HTTP_PROVIDER_TYPES.find((t) => t === prefix);
      if (!provider) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such provider');
        return;
      }
      let body: any = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // Not JSON: kept as text; a JSON route refuses it.
      }
      const request: ReceivedRequest = {
        provider,
        method: req.method ?? 'GET',
        path: `/${rest.join('/')}`,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        raw,
        body,
        rejected: null,
        status: 0,
        at: Date.now(),
      };
      list(provider).push(request);
      const verdict = ROUTES[provider](request);
      if ('refuse' in verdict) {
        request.rejected = verdict.reason;
        send(res, request, verdict.refuse);
        return;
      }
      const script = scripts.get(provider)?.shift();
      if (script?.hang) return;
      const answer = () =>
        send(res, request, script?.status !== undefined || script?.body !== undefined ? scripted(provider, request, script) : verdict.accept());
      if (script?.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, script.delayMs);
        timers.add(timer);
      } else answer();
    });
  });

  function list(type: HttpProviderType): ReceivedRequest[] {
    let requests = received.get(type);
    if (!requests) received.set(type, (requests = []));
    return requests;
  }

  function send(res: http.ServerResponse, request: ReceivedRequest, reply: Reply): void {
    request.status = reply.status;
    if (res.destroyed) return;
    const json = reply.body !== undefined && typeof reply.body !== 'string';
    const headers = { ...(reply.body === undefined ? {} : { 'content-type': json ? 'application/json' : 'text/plain; charset=utf-8' }), ...reply.headers };
    res.writeHead(reply.status, headers).end(reply.body === undefined ? undefined : json ? JSON.stringify(reply.body) : (reply.body as string));
  }

  /** A scripted answer with the provider's own error body. */
  function scripted(type: HttpProviderType, request: ReceivedRequest, script: ScriptedAnswer): Reply {
    const status = script.status ?? 200;
    const headers: Record<string, string> = {};
    if (script.retryAfter !== undefined) headers['retry-after'] = String(script.retryAfter);
    else if (script.retryAfterDate) headers['retry-after'] = script.retryAfterDate.toUTCString();
    const echo = script.echo
      ? ` (${request.path}?${new URLSearchParams(request.query)} ${request.headers.authorization ?? ''} ${request.headers['x-gotify-key'] ?? ''})`
      : '';
    if (script.body !== undefined) return { status, body: script.body, headers };
    return { status, body: errorBody(type, status, script.retryAfter, echo), headers };
  }

  /** Every string in a request's body, entities decoded: what a reader would see. */
  function textOf(request: ReceivedRequest): string {
    const strings: string[] = [];
    const walk = (value: unknown) => {
      if (typeof value === 'string') strings.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(request.body);
    // Telegram's HTML as a reader sees it, beside the markup (which holds the link's href).
    if (request.provider === 'telegram' && typeof request.body?.text === 'string') {
      const parsed = parseTelegramHtml(request.body.text);
      if ('text' in parsed) strings.push(parsed.text);
    }
    return decodeEntities(strings.join('\n'));
  }

  const ROUTES: Record<HttpProviderType, (r: ReceivedRequest) => Verdict> = {
    webhook: (r) => {
      if (r.method !== 'POST') return refuse(405, 'not POST', 'method not allowed');
      if (!isJson(r)) return refuse(415, 'content-type is not JSON', 'unsupported media type');
      if (!r.body || typeof r.body !== 'object') return refuse(400, 'body is not a JSON object', 'bad request');
      if (r.path.startsWith('/signed')) {
        const expected = `sha256=${createHmac('sha256', SECRETS.webhook).update(r.raw).digest('hex')}`;
        if (r.headers['x-vigil-signature'] !== expected) return refuse(401, 'bad signature', 'invalid signature');
      }
      const b = r.body;
      if (typeof b.event !== 'string' || r.headers['x-vigil-event'] !== b.event)
        return refuse(400, 'event missing or differs from x-vigil-event', 'bad request');
      if (!r.headers['x-vigil-delivery']) return refuse(400, 'x-vigil-delivery missing', 'bad request');
      if (Number.isNaN(Date.parse(b.sentAt))) return refuse(400, 'sentAt is not a date', 'bad request');
      if (b.event === 'notification:group') {
        if (!Array.isArray(b.notifications) || b.count !== b.notifications.length) return refuse(400, 'group without notifications or count', 'bad request');
      } else if (!('data' in b) || !('notification' in b)) return refuse(400, 'data or notification missing', 'bad request');
      return { accept: () => ({ status: 200, body: 'ok' }) };
    },

    slack: (r) => {
      if (r.path !== `/services/T0VIGIL/B0VIGIL/${SECRETS.slack}`) return refuse(404, 'unknown webhook', 'no_service');
      if (r.method !== 'POST') return refuse(405, 'not POST', 'invalid_request');
      if (!isJson(r) || typeof r.body !== 'object') return refuse(400, 'not JSON', 'invalid_payload');
      const { text, blocks } = r.body;
      if (text === undefined && blocks === undefined) return refuse(400, 'neither text nor blocks', 'no_text');
      if (text !== undefined && (typeof text !== 'string' || text.length > 40_000)) return refuse(400, 'text not a string of at most 40000', 'invalid_payload');
      if (blocks !== undefined) {
        const problem = slackBlocksProblem(blocks);
        if (problem) return refuse(400, problem, 'invalid_blocks');
      }
      return { accept: () => ({ status: 200, body: 'ok' }) };
    },

    discord: (r) => {
      const match = /^\/api\/webhooks\/(\d+)\/([^/]+)$/.exec(r.path);
      if (!match) return refuse(404, 'unknown webhook path', { message: '404: Not Found', code: 0 });
      if (match[2] !== SECRETS.discord) return refuse(401, 'bad webhook token', { message: 'Invalid Webhook Token', code: 50027 });
      if (!isJson(r) || typeof r.body !== 'object') return refuse(400, 'not JSON', { message: 'Cannot send an empty message', code: 50006 });
      const problem = discordProblem(r.body);
      if (problem)
        return refuse(400, problem, { message: 'Invalid Form Body', code: problem.startsWith('empty') ? 50006 : 50035, errors: { detail: problem } });
      return {
        accept: () =>
          r.query.wait === 'true'
            ? {
                status: 200,
                body: { id: String(Date.now()), type: 0, channel_id: '1100', webhook_id: match[1], content: r.body.content ?? '', embeds: r.body.embeds ?? [] },
              }
            : { status: 204 },
      };
    },

    telegram: (r) => {
      const match = /^\/bot([^/]+)\/sendMessage$/.exec(r.path);
      if (!match) return refuse(404, 'unknown method', { ok: false, error_code: 404, description: 'Not Found' });
      if (match[1] !== SECRETS.telegram) return refuse(401, 'bad bot token', { ok: false, error_code: 401, description: 'Unauthorized' });
      const bad = (description: string) => refuse(400, description, { ok: false, error_code: 400, description: `Bad Request: ${description}` });
      if (!isJson(r) || typeof r.body !== 'object') return bad('message text is empty');
      const b = r.body;
      if (String(b.chat_id) !== TELEGRAM_CHAT) return bad('chat not found');
      if (typeof b.text !== 'string' || !b.text.trim()) return bad('message text is empty');
      if (b.parse_mode !== undefined && !['HTML', 'MarkdownV2', 'Markdown'].includes(b.parse_mode)) return bad('unsupported parse_mode');
      let visible = b.text;
      if (b.parse_mode === 'HTML') {
        const parsed = parseTelegramHtml(b.text);
        if ('error' in parsed) return bad(`can't parse entities: ${parsed.error}`);
        visible = parsed.text;
      }
      if (visible.length > 4096) return bad('message is too long');
      if (b.link_preview_options !== undefined && typeof b.link_preview_options !== 'object') return bad('invalid link_preview_options');
      if (b.disable_web_page_preview !== undefined && typeof b.disable_web_page_preview !== 'boolean') return bad('invalid disable_web_page_preview');
      let replyTo: number | null = null;
      if (b.reply_parameters !== undefined) {
        const p = b.reply_parameters;
        if (!p || !Number.isInteger(p.message_id)) return bad('invalid reply_parameters');
        if (!telegramMessages.has(p.message_id) && p.allow_sending_without_reply !== true) return bad('message to be replied not found');
        replyTo = telegramMessages.has(p.message_id) ? p.message_id : null;
      }
      return {
        accept: () => {
          const id = telegramNextId++;
          telegramMessages.add(id);
          const chat = { id: Number(TELEGRAM_CHAT), title: 'Vigil alerts', type: 'supergroup' };
          const result = {
            message_id: id,
            from: { id: 7000001234, is_bot: true, first_name: 'Vigil', username: 'vigil_test_bot' },
            chat,
            date: Math.floor(Date.now() / 1000),
            text: visible,
            ...(replyTo !== null ? { reply_to_message: { message_id: replyTo, chat } } : {}),
          };
          return { status: 200, body: { ok: true, result } };
        },
      };
    },

    teams: (r) => {
      if (!r.path.startsWith('/workflows/') || r.query.sig !== SECRETS.teams) {
        return refuse(401, 'bad signature', { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated.' } });
      }
      const bad = (message: string) => refuse(400, message, { error: { code: 'InvalidRequestContent', message } });
      if (!isJson(r) || typeof r.body !== 'object') return bad('The request content is not valid JSON.');
      const problem = teamsProblem(r.body);
      if (problem) return bad(problem);
      return { accept: () => ({ status: 202 }) };
    },

    'google-chat': (r) => {
      if (r.path !== `/v1/spaces/${GOOGLE_CHAT_SPACE}/messages` || r.query.key !== SECRETS.googleChatKey || r.query.token !== SECRETS.googleChatToken) {
        return refuse(401, 'bad key or token', { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      }
      const bad = (message: string) => refuse(400, message, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
      if (!isJson(r) || typeof r.body !== 'object') return bad('Invalid JSON payload received.');
      const { text, cardsV2 } = r.body;
      if ((typeof text !== 'string' || !text) && !Array.isArray(cardsV2)) return bad('Message cannot be empty. Discarded message must have text or cardsV2.');
      if (typeof text === 'string' && text.length > 4096) return bad('Message text is too long.');
      const option = r.query.messageReplyOption;
      if (option !== undefined && !['MESSAGE_REPLY_OPTION_UNSPECIFIED', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD', 'REPLY_MESSAGE_OR_FAIL'].includes(option)) {
        return bad(`Invalid value at 'message_reply_option' (${option})`);
      }
      const threadKey = r.query.threadKey;
      if (threadKey !== undefined && (!threadKey || threadKey.length > 4000)) return bad('Invalid thread key.');
      if (threadKey && option === 'REPLY_MESSAGE_OR_FAIL' && !googleChatThreads.has(threadKey))
        return refuse(404, 'thread not found', { error: { code: 404, status: 'NOT_FOUND' } });
      return {
        accept: () => {
          let thread = threadKey ? googleChatThreads.get(threadKey) : undefined;
          // A threadKey without REPLY_* starts a new thread each time, as Google Chat does now.
          if (!thread || !option || option === 'MESSAGE_REPLY_OPTION_UNSPECIFIED') {
            thread = `spaces/${GOOGLE_CHAT_SPACE}/threads/${randomUUID().slice(0, 11)}`;
            if (threadKey) googleChatThreads.set(threadKey, thread);
          }
          const name = `spaces/${GOOGLE_CHAT_SPACE}/messages/${randomUUID().slice(0, 11)}`;
          return {
            status: 200,
            body: {
              name,
              sender: { name: 'users/vigil', type: 'BOT' },
              text,
              thread: { name: thread },
              space: { name: `spaces/${GOOGLE_CHAT_SPACE}`, type: 'ROOM' },
              createTime: new Date().toISOString(),
            },
          };
        },
      };
    },

    ntfy: (r) => {
      const err = (status: number, code: number, error: string) => refuse(status, error, { code, http: status, error, link: 'https://ntfy.sh/docs/publish/' });
      if (r.method !== 'POST' && r.method !== 'PUT') return err(405, 40501, 'method not allowed');
      let message: Record<string, any>;
      if (r.path === '/' || r.path === '') {
        // JSON publishing: everything in the body.
        if (!r.body || typeof r.body !== 'object') return err(400, 40024, 'invalid request: request body must be message JSON');
        message = r.body;
      } else {
        const title = r.headers.title ?? r.headers['x-title'];
        message = {
          topic: r.path.slice(1),
          message: r.raw,
          title: typeof title === 'string' ? decodeRfc2047(title) : undefined,
          priority: r.headers.priority ?? r.headers['x-priority'],
          tags: String(r.headers.tags ?? r.headers['x-tags'] ?? '')
            .split(',')
            .filter(Boolean),
          click: r.headers.click ?? r.headers['x-click'],
        };
      }
      if (typeof message.topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(message.topic)) return err(400, 40009, 'invalid topic');
      const auth = r.headers.authorization;
      if (auth !== undefined && auth !== `Bearer ${SECRETS.ntfy}`) return err(401, 40101, 'unauthorized');
      if (message.topic === NTFY_PROTECTED_TOPIC && auth === undefined) return err(403, 40301, 'forbidden');
      if (message.priority !== undefined && !/^[1-5]$/.test(String(message.priority))) return err(400, 40007, 'invalid priority');
      if (message.tags !== undefined && (!Array.isArray(message.tags) || message.tags.some((t: unknown) => typeof t !== 'string')))
        return err(400, 40024, 'invalid tags');
      if (message.title !== undefined && typeof message.title !== 'string') return err(400, 40024, 'invalid title');
      if (typeof message.message === 'string' && Buffer.byteLength(message.message) > 4096)
        return err(400, 41301, 'message too large for a message, sent as attachment');
      if (message.click !== undefined && !isHttpUrl(String(message.click))) return err(400, 40013, 'invalid click URL');
      return {
        accept: () => ({
          status: 200,
          body: {
            id: randomUUID().replace(/-/g, '').slice(0, 12),
            time: Math.floor(Date.now() / 1000),
            expires: Math.floor(Date.now() / 1000) + 43_200,
            event: 'message',
            topic: message.topic,
            title: message.title,
            message: message.message,
            priority: Number(message.priority ?? 3),
            tags: message.tags,
            click: message.click,
          },
        }),
      };
    },

    gotify: (r) => {
      if (r.path !== '/message') return refuse(404, 'no such route', { error: 'Not Found', errorCode: 404, errorDescription: 'page not found' });
      const token = r.headers['x-gotify-key'] ?? r.query.token ?? r.headers.authorization?.replace(/^Bearer /, '');
      if (token !== SECRETS.gotify) {
        return refuse(401, 'bad app token', {
          error: 'Unauthorized',
          errorCode: 401,
          errorDescription: 'you need to provide a valid access token or user credentials to access this api',
        });
      }
      const bad = (errorDescription: string) => refuse(400, errorDescription, { error: 'Bad Request', errorCode: 400, errorDescription });
      if (!isJson(r) || !r.body || typeof r.body !== 'object') return bad('invalid JSON');
      const b = r.body;
      if (typeof b.message !== 'string' || !b.message) return bad("Field 'message' is required");
      if (b.title !== undefined && typeof b.title !== 'string') return bad("Field 'title' must be a string");
      if (b.priority !== undefined && !Number.isInteger(b.priority)) return bad("Field 'priority' must be an integer");
      if (b.extras !== undefined) {
        if (typeof b.extras !== 'object' || Object.keys(b.extras).some((k) => !/^[a-z]+::[a-z]+$/i.test(k))) return bad('extras keys must be namespace::name');
        const click = b.extras['client::notification']?.click?.url;
        if (click !== undefined && !isHttpUrl(click)) return bad('client::notification click url invalid');
      }
      return {
        accept: () => ({
          status: 200,
          body: {
            id: Math.floor(Math.random() * 1e6),
            appid: 7,
            message: b.message,
            title: b.title ?? 'Vigil',
            priority: b.priority ?? 0,
            extras: b.extras,
            date: new Date().toISOString(),
          },
        }),
      };
    },

    pagerduty: (r) => {
      const bad = (error: string) => refuse(400, error, { status: 'invalid event', message: 'Event object is invalid', errors: [error] });
      if (r.path !== '/v2/enqueue') return refuse(404, 'no such route', { status: 'not found' });
      if (!isJson(r) || !r.body || typeof r.body !== 'object') return bad('Request body is not valid JSON');
      const b = r.body;
      if (b.routing_key !== SECRETS.pagerduty || String(b.routing_key).length !== 32) return bad("'routing_key' is invalid");
      if (!['trigger', 'acknowledge', 'resolve'].includes(b.event_action)) return bad("'event_action' is missing or invalid");
      if (b.dedup_key !== undefined && (typeof b.dedup_key !== 'string' || b.dedup_key.length > 255))
        return bad("'dedup_key' must be a string of at most 255 characters");
      if (b.event_action !== 'trigger' && !b.dedup_key) return bad("'dedup_key' is required for acknowledge and resolve");
      if (b.event_action === 'trigger') {
        const p = b.payload;
        if (!p || typeof p !== 'object') return bad("'payload' is missing");
        if (typeof p.summary !== 'string' || !p.summary || p.summary.length > 1024) return bad("'payload.summary' is missing or longer than 1024");
        if (typeof p.source !== 'string' || !p.source) return bad("'payload.source' is missing");
        if (!['critical', 'error', 'warning', 'info'].includes(p.severity)) return bad("'payload.severity' is invalid");
        if (p.timestamp !== undefined && Number.isNaN(Date.parse(p.timestamp))) return bad("'payload.timestamp' is not ISO 8601");
        if (p.custom_details !== undefined && (typeof p.custom_details !== 'object' || p.custom_details === null))
          return bad("'payload.custom_details' must be an object");
      }
      if (b.links !== undefined && (!Array.isArray(b.links) || b.links.some((l: any) => typeof l?.href !== 'string')))
        return bad("'links' must be a list of {href, text}");
      return {
        accept: () => {
          const dedupKey: string = b.dedup_key ?? randomUUID().replace(/-/g, '');
          const state = b.event_action === 'trigger' ? 'triggered' : b.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
          // A resolve of an unknown key is accepted and does nothing, as on PagerDuty.
          if (state === 'triggered' || pagerDutyIncidents.has(dedupKey)) pagerDutyIncidents.set(dedupKey, state);
          return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
        },
      };
    },

    opsgenie: (r) => {
      const meta = () => ({ took: 0.012, requestId: randomUUID() });
      if (r.headers.authorization !== `GenieKey ${SECRETS.opsgenie}`) return refuse(401, 'bad GenieKey', { message: 'Could not authenticate', ...meta() });
      const invalid = (message: string) => refuse(422, message, { message: 'Request body is not valid', errors: { detail: message }, ...meta() });
      if (!isJson(r) && r.raw) return refuse(415, 'not JSON', { message: 'Unsupported media type', ...meta() });
      const b = r.body ?? {};
      if (r.path === '/v2/alerts') {
        if (typeof b.message !== 'string' || !b.message.trim()) return invalid('Message can not be empty');
        if (b.message.length > 130) return invalid('Message can not be longer than 130 characters');
        if (b.alias !== undefined && (typeof b.alias !== 'string' || b.alias.length > 512)) return invalid('Alias can not be longer than 512 characters');
        if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 15_000))
          return invalid('Description can not be longer than 15000 characters');
        if (b.priority !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(b.priority)) return invalid('Priority should be one of P1..P5');
        if (b.source !== undefined && (typeof b.source !== 'string' || b.source.length > 100)) return invalid('Source can not be longer than 100 characters');
        if (b.entity !== undefined && (typeof b.entity !== 'string' || b.entity.length > 512)) return invalid('Entity can not be longer than 512 characters');
        if (b.tags !== undefined && (!Array.isArray(b.tags) || b.tags.length > 20 || b.tags.some((t: unknown) => typeof t !== 'string' || t.length > 50))) {
          return invalid('Tags: at most 20, each at most 50 characters');
        }
        if (b.details !== undefined) {
          if (typeof b.details !== 'object' || Object.values(b.details).some((v) => typeof v !== 'string')) return invalid('Details values must be strings');
          const size = Object.entries(b.details).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
          if (size > 8000) return invalid('Details can not be longer than 8000 characters');
        }
        return {
          accept: () => {
            opsgenieAlerts.set(b.alias ?? b.message, 'open');
            return { status: 202, body: { result: 'Request will be processed', ...meta() } };
          },
        };
      }
      const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(r.path);
      if (close) {
        const identifierType = r.query.identifierType ?? 'id';
        if (!['id', 'alias', 'tiny'].includes(identifierType)) return invalid('identifierType should be one of id, alias, tiny');
        if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 25_000)) return invalid('Note can not be longer than 25000 characters');
        if (b.source !== undefined && (typeof b.source !== 'string' || b.source.length > 100)) return invalid('Source can not be longer than 100 characters');
        const identifier = decodeURIComponent(close[1]!);
        return {
          accept: () => {
            // Opsgenie closes asynchronously: an unknown alias is accepted too (and fails later).
            if (identifierType === 'alias' && opsgenieAlerts.has(identifier)) opsgenieAlerts.set(identifier, 'closed');
            return { status: 202, body: { result: 'Request will be processed', ...meta() } };
          },
        };
      }
      return refuse(404, 'no such route', { message: 'Not found', ...meta() });
    },
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const CONFIGS: Record<HttpProviderType, Record<string, ChannelConfigValue>> = {
    webhook: { url: `${base}/webhook/signed/vigil`, secret: SECRETS.webhook },
    slack: { webhookUrl: `${base}/slack/services/T0VIGIL/B0VIGIL/${SECRETS.slack}` },
    discord: { webhookUrl: `${base}/discord/api/webhooks/112233445566778899/${SECRETS.discord}` },
    telegram: { botToken: SECRETS.telegram, chatId: TELEGRAM_CHAT, apiUrl: `${base}/telegram` },
    teams: {
      webhookUrl: `${base}/teams/workflows/8d1f0c2e/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SECRETS.teams}`,
    },
    'google-chat': { webhookUrl: `${base}/google-chat/v1/spaces/${GOOGLE_CHAT_SPACE}/messages?key=${SECRETS.googleChatKey}&token=${SECRETS.googleChatToken}` },
    ntfy: { serverUrl: `${base}/ntfy`, topic: NTFY_PROTECTED_TOPIC, token: SECRETS.ntfy },
    gotify: { serverUrl: `${base}/gotify`, appToken: SECRETS.gotify },
    pagerduty: { routingKey: SECRETS.pagerduty, apiUrl: `${base}/pagerduty/v2/enqueue` },
    opsgenie: { apiKey: SECRETS.opsgenie, apiUrl: `${base}/opsgenie` },
  };

  const SECRET_LIST: Record<HttpProviderType, string[]> = {
    webhook: [SECRETS.webhook],
    slack: [SECRETS.slack, String(CONFIGS.slack.webhookUrl)],
    discord: [SECRETS.discord, String(CONFIGS.discord.webhookUrl)],
    telegram: [SECRETS.telegram, SECRETS.telegram.split(':')[1]!],
    teams: [SECRETS.teams, String(CONFIGS.teams.webhookUrl)],
    'google-chat': [SECRETS.googleChatKey, SECRETS.googleChatToken, String(CONFIGS['google-chat'].webhookUrl)],
    ntfy: [SECRETS.ntfy],
    gotify: [SECRETS.gotify],
    pagerduty: [SECRETS.pagerduty],
    opsgenie: [SECRETS.opsgenie],
  };

  return {
    url: base,
    configFor: (type, overrides = {}) => ({ ...CONFIGS[type], ...overrides }),
    secretsOf: (type) => [...SECRET_LIST[type]],
    answerNext(type, ...answers) {
      let queue = scripts.get(type);
      if (!queue) scripts.set(type, (queue = []));
      queue.push(...answers);
    },
    requests: (type) => [...list(type)],
    accepted: (type) => list(type).filter((r) => r.rejected === null && r.status >= 200 && r.status < 300),
    async waitFor(type, count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (list(type).length < count) {
        if (Date.now() > deadline) throw new Error(`${type}: ${list(type).length} of ${count} requests after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return [...list(type)];
    },
    textOf,
    pagerDutyIncidents,
    opsgenieAlerts,
    googleChatThreads,
    reset() {
      received.clear();
      scripts.clear();
      pagerDutyIncidents.clear();
      opsgenieAlerts.clear();
      googleChatThreads.clear();
      telegramMessages.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The provider's own error body for a scripted status. */
function errorBody(type: HttpProviderType, status: number, retryAfter: number | undefined, echo: string): unknown {
  const limited = status === 429;
  const word = limited ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : 'Bad Request';
  switch (type) {
    case 'telegram':
      return {
        ok: false,
        error_code: status,
        description: limited ? `Too Many Requests: retry after ${retryAfter ?? 1}${echo}` : `${word}${echo}`,
        ...(limited ? { parameters: { retry_after: retryAfter ?? 1 } } : {}),
      };
    case 'discord':
      return limited ? { message: `You are being rate limited.${echo}`, retry_after: retryAfter ?? 1, global: false } : { message: `${word}${echo}`, code: 0 };
    case 'slack':
      return `${limited ? 'rate_limited' : status >= 500 ? 'internal_error' : 'invalid_payload'}${echo}`;
    case 'pagerduty':
      return limited
        ? { status: 'throttle event', message: `Requests for this service are arriving too quickly.${echo}` }
        : { status: 'error', message: `${word}${echo}`, errors: [] };
    case 'opsgenie':
      return { message: `${word}${echo}`, took: 0.001, requestId: randomUUID() };
    case 'gotify':
      return { error: word, errorCode: status, errorDescription: `${word}${echo}` };
    case 'ntfy':
      return { code: status * 100 + 1, http: status, error: `${limited ? 'limit reached: too many requests' : word}${echo}` };
    case 'google-chat':
      return { error: { code: status, message: `${word}${echo}`, status: limited ? 'RESOURCE_EXHAUSTED' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT' } };
    case 'teams':
    case 'webhook':
      return `${word}${echo}`;
  }
}

function isJson(r: ReceivedRequest): boolean {
  return /^application\/json\b/i.test(String(r.headers['content-type'] ?? ''));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export function decodeEntities(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1))) : ENTITIES[e.toLowerCase()]!,
  );
}

/** Telegram's HTML parse mode: only its tags, balanced; <, > and & outside a tag must be entities. Returns the text shown. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  const allowed = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'span', 'tg-spoiler', 'tg-emoji', 'blockquote']);
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { error: `unclosed start tag at byte offset ${i}` };
      const tag = html.slice(i + 1, end);
      const closing = tag.startsWith('/');
      const name = (closing ? tag.slice(1) : tag).split(/\s/)[0]!.toLowerCase();
      if (!allowed.has(name)) return { error: `unsupported start tag "${name}" at byte offset ${i}` };
      if (closing) {
        if (stack.pop() !== name) return { error: `unmatched end tag at byte offset ${i}, expected "</${stack.at(-1) ?? ''}>", found "</${name}>"` };
      } else {
        if (name === 'a' && !/^a\s+href="[^"<>]*"$/i.test(tag)) return { error: `bad <a> tag at byte offset ${i}` };
        stack.push(name);
      }
      i = end + 1;
    } else if (c === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+|#x[0-9a-f]+);/i.exec(html.slice(i));
      if (!entity) return { error: `unsupported entity at byte offset ${i}` };
      text += decodeEntities(entity[0]);
      i += entity[0].length;
    } else if (c === '>') {
      return { error: `unexpected ">" at byte offset ${i}` };
    } else {
      text += c;
      i++;
    }
  }
  if (stack.length) return { error: `can't find end tag corresponding to start tag "${stack.at(-1)}"` };
  return { text };
}

/** Slack's Block Kit rules for the blocks an incoming webhook may post. */
function slackBlocksProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) return 'blocks must be 1 to 50';
  const textObject = (t: any, max: number) =>
    t && (t.type === 'mrkdwn' || t.type === 'plain_text') && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;
  for (const block of blocks as any[]) {
    switch (block?.type) {
      case 'section':
        if (block.text === undefined && !Array.isArray(block.fields)) return 'section needs text or fields';
        if (block.text !== undefined && !textObject(block.text, 3000)) return 'section text must be a text object of 1 to 3000 characters';
        if (Array.isArray(block.fields) && (block.fields.length > 10 || !block.fields.every((f: any) => textObject(f, 2000))))
          return 'section fields: at most 10 of 2000';
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) return 'context needs 1 to 10 elements';
        if (!block.elements.every((e: any) => e?.type === 'image' || textObject(e, 3000))) return 'context elements must be text or images';
        break;
      case 'header':
        if (block.text?.type !== 'plain_text' || !textObject(block.text, 150)) return 'header text must be plain_text of at most 150';
        break;
      case 'divider':
      case 'actions':
      case 'image':
      case 'rich_text':
        break;
      default:
        return `unknown block type ${block?.type}`;
    }
  }
  return null;
}

/** Discord's message limits for a webhook. */
function discordProblem(body: any): string | null {
  const { content, embeds } = body;
  if ((content === undefined || content === '') && (!Array.isArray(embeds) || embeds.length === 0)) return 'empty message';
  if (content !== undefined && (typeof content !== 'string' || content.length > 2000)) return 'content must be at most 2000 characters';
  if (embeds === undefined) return null;
  if (!Array.isArray(embeds) || embeds.length > 10) return 'at most 10 embeds';
  let total = 0;
  for (const embed of embeds) {
    const { title, description, fields, footer, url, color, timestamp } = embed ?? {};
    if (title !== undefined && (typeof title !== 'string' || title.length > 256)) return 'embed title at most 256';
    if (description !== undefined && (typeof description !== 'string' || description.length > 4096)) return 'embed description at most 4096';
    if (url !== undefined && !isHttpUrl(url)) return 'embed url not a URL';
    if (color !== undefined && (!Number.isInteger(color) || color < 0 || color > 0xffffff)) return 'embed color out of range';
    if (timestamp !== undefined && Number.isNaN(Date.parse(timestamp))) return 'embed timestamp not ISO8601';
    if (footer !== undefined && (typeof footer.text !== 'string' || footer.text.length > 2048)) return 'embed footer at most 2048';
    total += (title?.length ?? 0) + (description?.length ?? 0) + (footer?.text?.length ?? 0);
    if (fields !== undefined) {
      if (!Array.isArray(fields) || fields.length > 25) return 'at most 25 fields';
      for (const f of fields) {
        if (typeof f?.name !== 'string' || !f.name || f.name.length > 256) return 'field name 1 to 256';
        if (typeof f.value !== 'string' || !f.value || f.value.length > 1024) return 'field value 1 to 1024';
        total += f.name.length + f.value.length;
      }
    }
  }
  return total > 6000 ? 'embeds total more than 6000 characters' : null;
}

/** A Teams message with one Adaptive Card: the shape Workflows' "post card" accepts. */
function teamsProblem(body: any): string | null {
  if (body.type !== 'message') return "type must be 'message'";
  if (!Array.isArray(body.attachments) || body.attachments.length === 0) return 'attachments missing';
  for (const attachment of body.attachments) {
    if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive') return 'contentType must be application/vnd.microsoft.card.adaptive';
    const card = attachment.content;
    if (card?.type !== 'AdaptiveCard') return "content.type must be 'AdaptiveCard'";
    if (typeof card.version !== 'string' || !/^1\.[0-6]$/.test(card.version)) return 'content.version must be 1.0 … 1.6';
    if (!Array.isArray(card.body)) return 'content.body must be a list';
    for (const element of card.body) {
      if (element?.type === 'TextBlock') {
        if (typeof element.text !== 'string') return 'TextBlock.text must be a string';
      } else if (element?.type === 'FactSet') {
        if (!Array.isArray(element.facts) || element.facts.some((f: any) => typeof f?.title !== 'string' || typeof f?.value !== 'string'))
          return 'FactSet.facts must be {title, value} strings';
      } else if (!['ColumnSet', 'Container', 'Image', 'RichTextBlock', 'ActionSet'].includes(element?.type)) {
        return `unknown element type ${element?.type}`;
      }
    }
    for (const action of card.actions ?? []) {
      if (action?.type === 'Action.OpenUrl') {
        if (!isHttpUrl(action.url)) return 'Action.OpenUrl.url must be a URL';
      } else if (!['Action.Submit', 'Action.ShowCard', 'Action.ToggleVisibility', 'Action.Execute'].includes(action?.type)) {
        return `unknown action type ${action?.type}`;
      }
    }
  }
  return null;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=), as ntfy does for its headers. */
export function decodeRfc2047(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
