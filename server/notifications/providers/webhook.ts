import { createHmac, randomUUID } from 'node:crypto';
import type { Provider } from '../provider.ts';
import { plainTextOf, renderMessage, testLinesOf } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

/**
 * The generic webhook: the body that WebhookNotifier has always sent (`{ event, data, sentAt }`,
 * so existing consumers keep working) plus `notification`, the whole notice, and `text`, the
 * message as the other providers word it. `x-vigil-delivery`
 * is the same on every attempt of one message, for receivers that de-duplicate.
 */
export const webhook: Provider = {
  type: 'webhook',
  minIntervalMs: 0,
  threads: false,
  async send(message, config, context) {
    const url = httpUrl(text(config, 'url'));
    if (!url) return configError('webhook: url is not an http(s) URL');
    const secret = text(config, 'secret');
    const sentAt = new Date().toISOString();
    const first = message.notices[0];
    let event: string;
    let payload: Record<string, unknown>;
    let delivery: string;
    if (message.test) {
      event = 'notification:test';
      payload = { event, data: { test: true, message: testLinesOf(message.language).join(' ') }, notification: first ?? null, sentAt };
      delivery = first?.id ?? `test-${randomUUID()}`;
    } else if (message.notices.length === 1 && first) {
      event = first.source?.event ?? `notification:${first.event}`;
      payload = { event, data: first.source ? first.source.data : first, notification: first, sentAt };
      delivery = first.id;
    } else {
      event = 'notification:group';
      payload = { event, notifications: message.notices, count: message.notices.length, sentAt };
      delivery = message.groupKey ?? first?.id ?? randomUUID();
    }
    // The message as people read it, in the channel's language: chat tools that take `{ text }` show it as it is.
    payload.text = plainTextOf(renderMessage(message), message.language);
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-vigil-event': event, 'x-vigil-delivery': delivery };
    if (secret) headers['x-vigil-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const reply = await sendHttp(context, { url, headers, body });
    return answerFrom(reply, { secrets: [secret] });
  },
};
