import type { Provider } from '../provider.ts';
import { clip, linkLabelOf, renderMessage } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

/** Google Chat reads <…> as links and mentions: shown text is escaped. */
function escapeChat(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A message's text: Google Chat takes up to 4096 characters. */
const TEXT_MAX = 4000;

/**
 * Google Chat space webhooks: `{ text }` in the space's thread for this alert (`threadKey`), so a
 * resolution lands under its alert; a new thread when the key is new.
 */
export const googleChat: Provider = {
  type: 'google-chat',
  // One message a second per space.
  minIntervalMs: 1000,
  threads: true,
  async send(message, config, context) {
    const url = httpUrl(text(config, 'webhookUrl'));
    if (!url) return configError('google-chat: webhookUrl is not an http(s) URL');
    const r = renderMessage(message);
    const lines = r.details.length > 0 ? r.details.map((d) => `*${escapeChat(d.label)}:* ${escapeChat(d.value)}`) : r.lines.map(escapeChat);
    const link = r.link ? `\n\n<${r.link.replace(/[|<>]/g, (c) => encodeURIComponent(c))}|${escapeChat(linkLabelOf(message.language))}>` : '';
    const body = `*${escapeChat(r.title)}*\n${clip(lines.join('\n'), TEXT_MAX - r.title.length - link.length - 4)}${link}`;
    const threadKey = message.test ? null : message.notices.length === 1 ? message.notices[0]!.threadKey : message.groupKey;
    const target = new URL(url);
    if (threadKey) {
      target.searchParams.set('threadKey', threadKey);
      target.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    }
    const reply = await sendHttp(context, { url: target, body: { text: body } });
    return answerFrom(reply, { secrets: [url] });
  },
};
