import type { Provider } from '../provider.ts';
import { clip, linkLabelOf, renderMessage } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

/** Slack's mrkdwn reads &, < and > as markup: everything shown is escaped. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A section's text holds at most 3000 characters. */
const SECTION_MAX = 3000;

/**
 * Slack incoming webhooks: `text` (what the phone's notification says) and `blocks` (a section
 * with the details, a context with the link). An incoming webhook cannot thread.
 */
export const slack: Provider = {
  type: 'slack',
  // Slack allows about one message a second per webhook.
  minIntervalMs: 1000,
  threads: false,
  async send(message, config, context) {
    const url = httpUrl(text(config, 'webhookUrl'));
    if (!url) return configError('slack: webhookUrl is not an http(s) URL');
    const r = renderMessage(message);
    const body = r.details.length > 0 ? r.details.map((d) => `*${escapeMrkdwn(d.label)}:* ${escapeMrkdwn(d.value)}`) : r.lines.map(escapeMrkdwn);
    const blocks: unknown[] = [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${escapeMrkdwn(r.title)}*`, SECTION_MAX) } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(body.join('\n'), SECTION_MAX) } },
    ];
    const context_ = [{ type: 'mrkdwn', text: 'Vigil' }];
    if (r.link)
      context_.unshift({ type: 'mrkdwn', text: `<${r.link.replace(/[|<>]/g, (c) => encodeURIComponent(c))}|${escapeMrkdwn(linkLabelOf(message.language))}>` });
    blocks.push({ type: 'context', elements: context_ });
    const reply = await sendHttp(context, { url, body: { text: r.title, blocks } });
    return answerFrom(reply, { secrets: [url] });
  },
};
