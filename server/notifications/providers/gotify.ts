import type { Provider } from '../provider.ts';
import { linkLabelOf, renderMessage, type Severity } from '../messages.ts';
import { answerFrom, configError, httpUrl, joinUrl, sendHttp, text } from './http-answer.ts';

/** Gotify's Android app: 8 and up pops up, 4–7 makes a sound, 1–3 stays quiet. */
const PRIORITIES: Record<Severity, number> = { critical: 8, warning: 5, resolved: 3, info: 3 };

/** Markdown's own characters in shown text are escaped. */
function escapeMarkdown(value: string): string {
  return value.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

/** Gotify: `POST /message` with the application's token, markdown text, a click to the endpoint's page. */
export const gotify: Provider = {
  type: 'gotify',
  minIntervalMs: 0,
  threads: false,
  async send(message, config, context) {
    const server = httpUrl(text(config, 'serverUrl'));
    const token = text(config, 'appToken');
    if (!server) return configError('gotify: serverUrl is not an http(s) URL');
    if (!token) return configError('gotify: appToken is required');
    const r = renderMessage(message);
    const lines = r.details.length > 0 ? r.details.map((d) => `**${escapeMarkdown(d.label)}:** ${escapeMarkdown(d.value)}`) : r.lines.map(escapeMarkdown);
    if (r.link) lines.push('', `[${escapeMarkdown(linkLabelOf(message.language))}](${r.link.replace(/[()]/g, (c) => encodeURIComponent(c))})`);
    const body = {
      title: r.title,
      // Two spaces end a markdown line without starting a paragraph.
      message: lines.join('  \n'),
      priority: PRIORITIES[r.severity],
      extras: {
        'client::display': { contentType: 'text/markdown' },
        ...(r.link ? { 'client::notification': { click: { url: r.link } } } : {}),
      },
    };
    const reply = await sendHttp(context, { url: joinUrl(server.href, 'message'), headers: { 'x-gotify-key': token }, body });
    return answerFrom(reply, { secrets: [token] });
  },
};
