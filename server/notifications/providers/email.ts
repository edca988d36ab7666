import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import type { OutgoingMessage, Provider, ProviderAnswer, SendContext } from '../provider.ts';
import { linkLabelOf, plainTextOf, type RenderedMessage, renderMessage } from '../messages.ts';
import { messageIdOf, sendMail, type SmtpServerConfig } from '../smtp.ts';
import { configError, text } from './http-answer.ts';

export interface EmailOptions {
  /**
   * TLS options added to the connection (STARTTLS or TLS). Vigil's own provider passes none: the
   * system's trusted CAs and full verification. Tests pass `{ ca }` to trust a CA they made.
   */
  tls?: ConnectionOptions;
}

export function recipientsOf(value: string): string[] {
  return value
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A plain HTML body: the title, the details as a table (or the group as a list), the link. */
function htmlOf(r: RenderedMessage, message: OutgoingMessage): string {
  const rows = r.details.map((d) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(d.label)}</th><td>${escapeHtml(d.value)}</td></tr>`);
  const body = rows.length > 0 ? `<table>${rows.join('')}</table>` : `<ul>${r.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`;
  const link = r.link ? `<p><a href="${escapeHtml(r.link)}">${escapeHtml(linkLabelOf(message.language))}</a></p>` : '';
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(r.title)}</h2>${body}${link}</body></html>`;
}

/**
 * Email over SMTP with nodemailer, loaded on the first send so a Vigil without email channels
 * never pays for it. Each message has its own Message-ID; a resolution or reminder answers the
 * alert's (threadRef) so mail clients thread them. SMTP 4xx is worth a retry, 5xx is not.
 */
export function createEmailProvider(options: EmailOptions = {}): Provider {
  return {
    type: 'email',
    minIntervalMs: 0,
    threads: true,
    replies: true,
    send: (message, config, context) => sendEmail(message, config, context, options),
  };
}

export const email: Provider = createEmailProvider();

async function sendEmail(message: OutgoingMessage, config: Record<string, unknown>, context: SendContext, options: EmailOptions): Promise<ProviderAnswer> {
  const host = text(config, 'host');
  const from = text(config, 'from');
  const to = recipientsOf(text(config, 'to'));
  if (!host || !from || to.length === 0) return configError('email: host, from and to are required');
  const server: SmtpServerConfig = {
    host,
    port: Number(config.port ?? 587) || 587,
    security: text(config, 'security', 'starttls') as SmtpServerConfig['security'],
    username: text(config, 'username'),
    password: text(config, 'password'),
  };
  const r = renderMessage(message);
  const single = message.notices.length === 1 && !message.test ? message.notices[0]! : null;
  const messageId = message.test
    ? messageIdOf(`test-${randomUUID()}`)
    : single
      ? messageIdOf(single.id)
      : messageIdOf(`group-${message.groupKey ?? randomUUID()}`);
  return sendMail(
    server,
    {
      from,
      to,
      subject: r.title,
      text: plainTextOf(r, message.language),
      html: htmlOf(r, message),
      messageId,
      inReplyTo: single?.threadRef ?? null,
      headers: { 'X-Vigil-Event': message.test ? 'test' : single ? single.event : 'group' },
    },
    { timeoutMs: context.timeoutMs, ...(options.tls ? { tls: options.tls } : {}) },
  );
}
