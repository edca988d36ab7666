import type { Provider } from '../provider.ts';
import { clip, type Severity, renderMessage } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

export const DISCORD_COLORS: Record<Severity, number> = { critical: 0xe74c3c, warning: 0xf1c40f, resolved: 0x2ecc71, info: 0x3498db };

/** Discord's embed limits: the API refuses a message beyond any of them. */
const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, total: 6000 } as const;

interface DiscordRateLimit {
  retry_after?: number;
}

/**
 * Discord webhooks: one embed coloured by severity (red, yellow, green), the details as fields,
 * the title linking to the endpoint's page. Mentions are switched off so an endpoint named
 * "@everyone" pings nobody.
 */
export const discord: Provider = {
  type: 'discord',
  // Discord allows 5 requests per 2 s per webhook, and 30 messages a minute per channel.
  minIntervalMs: 2000,
  threads: false,
  async send(message, config, context) {
    const url = httpUrl(text(config, 'webhookUrl'));
    if (!url) return configError('discord: webhookUrl is not an http(s) URL');
    const r = renderMessage(message);
    const title = clip(r.title, LIMITS.title);
    const footer = 'Vigil';
    let budget = LIMITS.total - title.length - footer.length;
    const description = r.details.length === 0 ? clip(r.lines.join('\n'), Math.min(LIMITS.description, budget)) : undefined;
    budget -= description?.length ?? 0;
    const fields: { name: string; value: string; inline: boolean }[] = [];
    for (const d of r.details.slice(0, LIMITS.fields)) {
      const name = clip(d.label, LIMITS.fieldName);
      const value = clip(d.value, LIMITS.fieldValue);
      if (name.length + value.length > budget) break;
      budget -= name.length + value.length;
      fields.push({ name, value, inline: value.length <= 40 });
    }
    const embed = {
      title,
      ...(description ? { description } : {}),
      ...(r.link ? { url: r.link } : {}),
      color: DISCORD_COLORS[r.severity],
      ...(fields.length ? { fields } : {}),
      timestamp: message.notices[0]?.at ?? new Date().toISOString(),
      footer: { text: footer },
    };
    const reply = await sendHttp(context, { url, body: { username: 'Vigil', embeds: [embed], allowed_mentions: { parse: [] } } });
    const limited = reply.status === 429 ? (reply.json as DiscordRateLimit | undefined) : undefined;
    const retryAfterMs = typeof limited?.retry_after === 'number' ? Math.ceil(limited.retry_after * 1000) : null;
    return answerFrom(reply, { secrets: [url], retryAfterMs });
  },
};
