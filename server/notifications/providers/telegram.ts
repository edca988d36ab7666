import type { Provider } from '../provider.ts';
import { linkLabelOf, renderMessage } from '../messages.ts';
import { answerFrom, configError, httpUrl, joinUrl, sendHttp, text } from './http-answer.ts';

/** Telegram's HTML parse mode knows &lt; &gt; &amp; &quot; only; everything shown is escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A message's text holds 4096 characters once its markup is parsed; some room is kept. */
const VISIBLE_MAX = 4000;

interface TelegramAnswer {
  ok?: boolean;
  description?: string;
  result?: { message_id?: number };
  parameters?: { retry_after?: number };
}

/**
 * Telegram Bot API sendMessage with HTML. A resolution or a reminder replies to the alert's
 * message (threadRef, the message_id the alert got), and is sent anyway when that message is gone.
 */
export const telegram: Provider = {
  type: 'telegram',
  // One message a second per chat (groups: 20 a minute).
  minIntervalMs: 1000,
  threads: true,
  replies: true,
  async send(message, config, context) {
    const token = text(config, 'botToken');
    const chatId = text(config, 'chatId');
    const api = httpUrl(text(config, 'apiUrl', 'https://api.telegram.org'));
    if (!token || !chatId) return configError('telegram: botToken and chatId are required');
    if (!api) return configError('telegram: apiUrl is not an http(s) URL');
    const r = renderMessage(message);
    // Each line is kept whole or dropped, so no tag or entity is ever cut in two.
    const lines =
      r.details.length > 0
        ? r.details.map((d) => [`<b>${escapeHtml(d.label)}:</b> ${escapeHtml(d.value)}`, `${d.label}: ${d.value}`])
        : r.lines.map((l) => [escapeHtml(l), l]);
    const parts = [`<b>${escapeHtml(r.title)}</b>`, ''];
    let visible = r.title.length + 1 + (r.link ? linkLabelOf(message.language).length + 2 : 0);
    for (const [html, plain] of lines) {
      if (visible + plain!.length + 1 > VISIBLE_MAX) {
        parts.push('…');
        break;
      }
      visible += plain!.length + 1;
      parts.push(html!);
    }
    if (r.link) parts.push('', `<a href="${escapeHtml(r.link)}">${escapeHtml(linkLabelOf(message.language))}</a>`);
    const body: Record<string, unknown> = {
      chat_id: chatId,
      text: parts.join('\n'),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
    const notice = message.notices.length === 1 && !message.test ? message.notices[0]! : null;
    const replyTo =
      notice?.threadRef && (notice.event === 'reminder' || notice.event === 'recovered' || notice.event === 'incident-resolved')
        ? Number(notice.threadRef)
        : NaN;
    if (Number.isSafeInteger(replyTo)) body.reply_parameters = { message_id: replyTo, allow_sending_without_reply: true };
    const reply = await sendHttp(context, { url: joinUrl(api.href, `bot${token}/sendMessage`), body });
    const answer = reply.json as TelegramAnswer | undefined;
    const messageId = answer?.result?.message_id;
    const ok = reply.status === 200 && answer?.ok === true;
    const retryAfter = answer?.parameters?.retry_after;
    return answerFrom(reply, {
      ok,
      secrets: [token, token.split(':')[1]],
      text: ok ? `message_id ${messageId}` : (answer?.description ?? reply.text),
      retryAfterMs: typeof retryAfter === 'number' ? retryAfter * 1000 : null,
      threadRef: typeof messageId === 'number' ? String(messageId) : null,
    });
  },
};
