import { randomUUID } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import type { OutgoingMessage, Provider, ProviderAnswer, SendContext } from '../provider.ts';
import { linkLabelOf, plainTextOf, type RenderedMessage, renderMessage } from '../messages.ts';
import { configError, redact, text } from './http-answer.ts';

export interface EmailOptions {
  /**
   * TLS options added to the connection (STARTTLS or TLS). Vigil's own provider passes none: the
   * system's trusted CAs and full verification. Tests pass `{ ca }` to trust a CA they made.
   */
  tls?: ConnectionOptions;
}

/** The parts of nodemailer's error that say what the server replied. */
interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
}

/** Errors that no retry will fix: the message or the config is wrong, nothing on the wire. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EAUTH']);

/** A Message-ID's local part: only what RFC 5322 allows unquoted. */
function messageIdOf(local: string): string {
  return `<${local.replace(/[^A-Za-z0-9._-]/g, '-')}@vigil>`;
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
  const port = Number(config.port ?? 587) || 587;
  const security = text(config, 'security', 'starttls');
  const username = text(config, 'username');
  const password = text(config, 'password');
  const from = text(config, 'from');
  const to = recipientsOf(text(config, 'to'));
  if (!host || !from || to.length === 0) return configError('email: host, from and to are required');
  const r = renderMessage(message);
  const single = message.notices.length === 1 && !message.test ? message.notices[0]! : null;
  const messageId = message.test
    ? messageIdOf(`test-${randomUUID()}`)
    : single
      ? messageIdOf(single.id)
      : messageIdOf(`group-${message.groupKey ?? randomUUID()}`);
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(username ? { auth: { user: username, pass: password } } : {}),
    connectionTimeout: context.timeoutMs,
    greetingTimeout: context.timeoutMs,
    socketTimeout: context.timeoutMs,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  // nodemailer's timeouts are per step; this bounds the whole exchange.
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), context.timeoutMs);
  });
  try {
    const sent = transport.sendMail({
      from,
      to,
      subject: r.title,
      text: plainTextOf(r, message.language),
      html: htmlOf(r, message),
      messageId,
      ...(single?.threadRef ? { inReplyTo: single.threadRef, references: [single.threadRef] } : {}),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Vigil-Event': message.test ? 'test' : single ? single.event : 'group' },
    });
    sent.catch(() => undefined);
    const result = await Promise.race([sent, deadline]);
    if (result === 'timeout') {
      return { ok: false, statusCode: null, answer: `timed out after ${context.timeoutMs} ms`, retryable: true, retryAfterMs: null, threadRef: null };
    }
    const code = Number.parseInt(result.response.slice(0, 3), 10);
    const rejected = result.rejected.length ? ` (refused: ${result.rejected.map(String).join(', ')})` : '';
    return {
      ok: true,
      statusCode: Number.isNaN(code) ? null : code,
      answer: redact(`${result.response}${rejected}`, [password]),
      retryable: false,
      retryAfterMs: null,
      threadRef: result.messageId || messageId,
    };
  } catch (error) {
    const e = error as SmtpError;
    const code = e.responseCode ?? null;
    const retryable = code !== null ? !(e.permanent ?? code >= 500) : !PERMANENT_CODES.has(e.code ?? '');
    return { ok: false, statusCode: code, answer: redact(e.message || String(error), [password]), retryable, retryAfterMs: null, threadRef: null };
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
