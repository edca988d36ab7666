import type { Provider } from '../provider.ts';
import { linkLabelOf, renderMessage, type Severity } from '../messages.ts';
import { answerFrom, configError, httpUrl, sendHttp, text } from './http-answer.ts';

/** Adaptive Card text colours for each severity. */
const COLORS: Record<Severity, string> = { critical: 'Attention', warning: 'Warning', resolved: 'Good', info: 'Default' };

/**
 * Microsoft Teams, through a Workflows webhook (or an old incoming webhook): one Adaptive Card
 * 1.4 with the title, the details as a FactSet (one line per endpoint for a group) and a button
 * to the endpoint's page.
 */
export const teams: Provider = {
  type: 'teams',
  minIntervalMs: 1000,
  threads: false,
  async send(message, config, context) {
    const url = httpUrl(text(config, 'webhookUrl'));
    if (!url) return configError('teams: webhookUrl is not an http(s) URL');
    const r = renderMessage(message);
    const body: unknown[] = [{ type: 'TextBlock', text: r.title, weight: 'Bolder', size: 'Medium', wrap: true, color: COLORS[r.severity] }];
    if (r.details.length > 0) body.push({ type: 'FactSet', facts: r.details.map((d) => ({ title: d.label, value: d.value })) });
    else for (const line of r.lines) body.push({ type: 'TextBlock', text: line, wrap: true, spacing: 'None' });
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body,
      ...(r.link ? { actions: [{ type: 'Action.OpenUrl', title: linkLabelOf(message.language), url: r.link }] } : {}),
    };
    const payload = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
    const reply = await sendHttp(context, { url, body: payload });
    // An old incoming webhook answers 200 with the error in its text ("…returned HTTP error 429").
    const failedIn200 = reply.status === 200 && /error|failed/i.test(reply.text);
    if (failedIn200) {
      const answer = answerFrom(reply, { ok: false, secrets: [url] });
      return { ...answer, retryable: /\b(429|5\d\d)\b/.test(reply.text) };
    }
    return answerFrom(reply, { secrets: [url] });
  },
};
