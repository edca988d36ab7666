import type { ConnectionOptions } from 'node:tls';
import type { ProviderAnswer } from './provider.ts';
import { redact } from './providers/http-answer.ts';

/** Where and how to hand mail over: an email channel's config, or SMTP_URL. */
export interface SmtpServerConfig {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  username: string;
  password: string;
}

export interface MailToSend {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string | null;
  headers?: Record<string, string>;
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
export function messageIdOf(local: string): string {
  return `<${local.replace(/[^A-Za-z0-9._-]/g, '-')}@vigil>`;
}

type Transport = ReturnType<typeof import('nodemailer')['createTransport']>;

async function transportFor(server: SmtpServerConfig, options: { timeoutMs: number; tls?: ConnectionOptions; pool?: boolean }): Promise<Transport> {
  const { default: nodemailer } = await import('nodemailer');
  return nodemailer.createTransport({
    ...(options.pool ? { pool: true, maxConnections: 4 } : {}),
    host: server.host,
    port: server.port,
    secure: server.security === 'tls',
    requireTLS: server.security === 'starttls',
    ignoreTLS: server.security === 'none',
    ...(server.username ? { auth: { user: server.username, pass: server.password } } : {}),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    ...(options.tls ? { tls: options.tls } : {}),
  });
}

/**
 * Hands one mail to an SMTP server with nodemailer (loaded on the first mail, so a Vigil that
 * sends none never pays for it), on a connection of its own. Never throws: see `deliver`.
 * `tls`: options added to the connection (tests trust a CA they made; Vigil passes none: the
 * system's CAs, full verification).
 */
export async function sendMail(server: SmtpServerConfig, mail: MailToSend, options: { timeoutMs: number; tls?: ConnectionOptions }): Promise<ProviderAnswer> {
  const transport = await transportFor(server, options);
  try {
    return await deliver(transport, server, mail, options.timeoutMs);
  } finally {
    transport.close();
  }
}

/** A mail server kept open (up to 4 connections, reused): many mails to many people, as to a page's subscribers. */
export function pooledMailer(server: SmtpServerConfig, options: { timeoutMs: number; tls?: ConnectionOptions }) {
  let transport: Promise<Transport> | undefined;
  return {
    send: async (mail: MailToSend): Promise<ProviderAnswer> => {
      transport ??= transportFor(server, { ...options, pool: true });
      return deliver(await transport, server, mail, options.timeoutMs);
    },
    close: async () => (await transport)?.close(),
  };
}

/** Within `timeoutMs` for the whole exchange. SMTP 4xx and network errors are worth a retry, 5xx and a bad config are not. */
async function deliver(transport: Transport, server: SmtpServerConfig, mail: MailToSend, timeoutMs: number): Promise<ProviderAnswer> {
  let timer: NodeJS.Timeout | undefined;
  // nodemailer's timeouts are per step; this bounds the whole exchange.
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const sent = transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
      headers: { 'Auto-Submitted': 'auto-generated', ...mail.headers },
    });
    sent.catch(() => undefined);
    const result = await Promise.race([sent, deadline]);
    if (result === 'timeout') {
      return { ok: false, statusCode: null, answer: `timed out after ${timeoutMs} ms`, retryable: true, retryAfterMs: null, threadRef: null };
    }
    const code = Number.parseInt(result.response.slice(0, 3), 10);
    const rejected = result.rejected.length ? ` (refused: ${result.rejected.map(String).join(', ')})` : '';
    return {
      ok: true,
      statusCode: Number.isNaN(code) ? null : code,
      answer: redact(`${result.response}${rejected}`, [server.password]),
      retryable: false,
      retryAfterMs: null,
      threadRef: result.messageId || mail.messageId,
    };
  } catch (error) {
    const e = error as SmtpError;
    const code = e.responseCode ?? null;
    const retryable = code !== null ? !(e.permanent ?? code >= 500) : !PERMANENT_CODES.has(e.code ?? '');
    return { ok: false, statusCode: code, answer: redact(e.message || String(error), [server.password]), retryable, retryAfterMs: null, threadRef: null };
  } finally {
    clearTimeout(timer);
  }
}
