import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, Provider, ProviderAnswer, SendContext } from '../provider.ts';
import { clip, isResolution, plainTextOf, renderMessage, type Severity } from '../messages.ts';
import { answerFrom, configError, httpUrl, joinUrl, sendHttp, text } from './http-answer.ts';

const PRIORITIES: Record<Severity, string> = { critical: 'P1', warning: 'P3', resolved: 'P5', info: 'P5' };

/** Opsgenie's limits on an alert's fields. */
const LIMITS = { message: 130, alias: 512, description: 15_000, tags: 20, tag: 50, entity: 512, detailsTotal: 8000, note: 25_000 } as const;

interface OpsgenieAnswer {
  result?: string;
  message?: string;
  requestId?: string;
}

/**
 * Opsgenie Alert API: an alert whose alias is the notice's threadKey, closed by that alias when
 * the endpoint recovers. A grouped message is one alert aliased by the group.
 */
export const opsgenie: Provider = {
  type: 'opsgenie',
  minIntervalMs: 500,
  threads: true,
  async send(message, config, context) {
    const apiKey = text(config, 'apiKey');
    const api = httpUrl(text(config, 'apiUrl', 'https://api.opsgenie.com'));
    if (!apiKey) return configError('opsgenie: apiKey is required');
    if (!api) return configError('opsgenie: apiUrl is not an http(s) URL');
    const call = (path: string, body: Record<string, unknown>) => postAlert(context, apiKey, joinUrl(api.href, path), body);
    if (message.test) {
      // A test opens a P5 alert and closes it at once.
      const alias = `vigil-test-${randomUUID()}`;
      const created = await call('v2/alerts', createBody(message, alias));
      if (!created.ok) return created;
      const closed = await call(closePath(alias), { source: 'Vigil', note: 'Vigil test' });
      return closed.ok ? { ...created, answer: `${created.answer} (test alert closed)` } : closed;
    }
    const single = message.notices.length === 1 ? message.notices[0]! : null;
    const alias = clip(single ? single.threadKey : (message.groupKey ?? `vigil-group-${message.notices[0]?.id ?? randomUUID()}`), LIMITS.alias);
    if (message.notices.every((n) => isResolution(n.event))) {
      const r = renderMessage(message);
      return call(closePath(alias), { source: 'Vigil', note: clip(plainTextOf(r, message.language), LIMITS.note) });
    }
    return call('v2/alerts', createBody(message, alias));
  },
};

function closePath(alias: string): string {
  return `v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`;
}

function createBody(message: OutgoingMessage, alias: string): Record<string, unknown> {
  const r = renderMessage(message);
  const single = message.notices.length === 1 && !message.test ? message.notices[0]! : null;
  const details: Record<string, string> = {};
  let size = 0;
  for (const { label, value } of r.details) {
    const key = label in details ? `${label} ${Object.keys(details).filter((k) => k.startsWith(label)).length + 1}` : label;
    if (size + key.length + value.length > LIMITS.detailsTotal) break;
    size += key.length + value.length;
    details[key] = value;
  }
  if (r.link) details.link = r.link;
  const tags = ['vigil', ...(single ? [single.event, ...single.endpoint.tags] : ['group'])].map((t) => clip(t, LIMITS.tag)).slice(0, LIMITS.tags);
  return {
    message: clip(r.title, LIMITS.message),
    alias,
    description: clip(plainTextOf(r, message.language), LIMITS.description),
    priority: PRIORITIES[r.severity],
    source: 'Vigil',
    tags,
    details,
    ...(single ? { entity: clip(single.endpoint.name, LIMITS.entity) } : {}),
  };
}

async function postAlert(context: SendContext, apiKey: string, url: string, body: Record<string, unknown>): Promise<ProviderAnswer> {
  const reply = await sendHttp(context, { url, headers: { authorization: `GenieKey ${apiKey}` }, body });
  const answer = reply.json as OpsgenieAnswer | undefined;
  const said = answer?.result ?? answer?.message;
  return answerFrom(reply, { secrets: [apiKey], ...(said ? { text: `${said}${answer?.requestId ? ` (request ${answer.requestId})` : ''}` } : {}) });
}
