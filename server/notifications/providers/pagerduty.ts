import { randomUUID } from 'node:crypto';
import type { Notice } from '../../contract/notifications.ts';
import type { OutgoingMessage, Provider, ProviderAnswer, SendContext } from '../provider.ts';
import { clip, type Detail, isResolution, linkLabelOf, renderMessage, type Severity, shortReasonOf } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

const SEVERITIES: Record<Severity, 'critical' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', resolved: 'info', info: 'info' };

/** The details as PagerDuty's custom_details: a label given more than once (failed assertions) holds a list. */
export function detailsRecord(details: readonly Detail[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const { label, value } of details) {
    const seen = out[label];
    out[label] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/** Where the trouble is, as PagerDuty's `source` wants it: the host of the endpoint's address. */
export function sourceOf(notice: Notice | undefined): string {
  if (!notice) return 'Vigil';
  try {
    const url = new URL(notice.endpoint.address);
    if (url.hostname) return url.hostname;
  } catch {
    // host:port or a name: as it is.
  }
  return notice.endpoint.address || notice.endpoint.name;
}

interface PagerDutyAnswer {
  status?: string;
  message?: string;
  errors?: string[];
}

/**
 * PagerDuty Events API v2. An alert triggers with the notice's threadKey as dedup_key; its
 * recovery resolves the same key. A grouped message is one event keyed by the group.
 */
export const pagerduty: Provider = {
  type: 'pagerduty',
  // 120 events a minute per integration.
  minIntervalMs: 500,
  threads: true,
  async send(message, config, context) {
    const routingKey = text(config, 'routingKey');
    const api = httpUrl(text(config, 'apiUrl', 'https://events.pagerduty.com/v2/enqueue'));
    if (!routingKey) return configError('pagerduty: routingKey is required');
    if (!api) return configError('pagerduty: apiUrl is not an http(s) URL');
    const post = (event: Record<string, unknown>) => postEvent(context, api, routingKey, event);
    if (message.test) {
      // A test opens an info alert and resolves it at once: nobody is paged for long.
      const dedupKey = `vigil-test-${randomUUID()}`;
      const triggered = await post(triggerEvent(message, dedupKey));
      if (!triggered.ok) return triggered;
      const resolved = await post({ event_action: 'resolve', dedup_key: dedupKey });
      return resolved.ok ? { ...triggered, answer: `${triggered.answer} (test alert resolved)` } : resolved;
    }
    const single = message.notices.length === 1 ? message.notices[0]! : null;
    const dedupKey = single ? single.threadKey : (message.groupKey ?? `vigil-group-${message.notices[0]?.id ?? randomUUID()}`);
    const resolve = message.notices.every((n) => isResolution(n.event));
    // A resolve names the alert only; PagerDuty ignores a payload on it.
    return post(resolve ? { event_action: 'resolve', dedup_key: dedupKey } : triggerEvent(message, dedupKey));
  },
};

function triggerEvent(message: OutgoingMessage, dedupKey: string): Record<string, unknown> {
  const r = renderMessage(message);
  const single = message.notices.length === 1 && !message.test ? message.notices[0]! : null;
  const reason = single ? shortReasonOf(single) : null;
  const customDetails = r.details.length > 0 ? detailsRecord(r.details) : { count: message.notices.length, notifications: r.lines };
  return {
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: clip(reason ? `${r.title} — ${reason}` : r.title, 1024),
      source: message.test ? 'Vigil' : sourceOf(single ?? message.notices[0]),
      severity: SEVERITIES[r.severity],
      timestamp: single?.at ?? new Date().toISOString(),
      ...(single ? { component: single.endpoint.name, class: single.event } : {}),
      ...(single?.endpoint.tags[0] ? { group: single.endpoint.tags[0] } : {}),
      custom_details: customDetails,
    },
    ...(r.link ? { links: [{ href: r.link, text: linkLabelOf(message.language) }], client_url: r.link } : {}),
    client: 'Vigil',
  };
}

async function postEvent(context: SendContext, api: URL, routingKey: string, event: Record<string, unknown>): Promise<ProviderAnswer> {
  const reply = await sendHttp(context, { url: api, body: { routing_key: routingKey, ...event } });
  const answer = reply.json as PagerDutyAnswer | undefined;
  const said = answer?.message ? [answer.status, answer.message, ...(answer.errors ?? [])].filter(Boolean).join(': ') : undefined;
  return answerFrom(reply, { secrets: [routingKey], ...(said ? { text: said } : {}) });
}
