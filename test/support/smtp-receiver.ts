/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that parses each message it gets (mailparser)
 * and records it. It can ask for AUTH PLAIN/LOGIN, speak implicit TLS or offer STARTTLS with a
 * certificate the test made, and refuse the next message with a 4xx/5xx or never answer it.
 *
 * @example
 * const smtp = await startSmtpReceiver({ auth: { username: 'vigil', password: 'pw' } });
 * await PROVIDERS.email.send(message, smtp.configFor(), context);
 * expect(smtp.mails[0]!.subject).toContain('is DOWN');
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { ChannelConfigValue } from '../../server/contract/notifications.ts';

export interface SmtpReceiverOptions {
  /** Require AUTH with these credentials (PLAIN or LOGIN). */
  auth?: { username: string; password: string };
  /** A certificate to speak TLS with: implicit TLS from the first byte, or STARTTLS offered. */
  tls?: { certPem: string; keyPem: string; implicit: boolean };
}

export interface ReceivedMail {
  /** The envelope's MAIL FROM and RCPT TO. */
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Every header, lower-cased names, as text. */
  headers: Record<string, string>;
  /** The user that logged in; null: none. */
  user: string | null;
  /** Whether the session was encrypted (TLS or after STARTTLS). */
  secure: boolean;
}

/** How the server answers the next message's DATA. */
export interface SmtpScript {
  /** An SMTP reply code (451, 550…) and its text. */
  code?: number;
  message?: string;
  /** Never answer. */
  hang?: boolean;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** An email channel's config for this server (from, to, security and the credentials). */
  configFor(overrides?: Record<string, ChannelConfigValue>): Record<string, ChannelConfigValue>;
  answerNext(...scripts: SmtpScript[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** The mails to `address`, once there are `count` of them. */
  mailsTo(address: string, count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const scripts: SmtpScript[] = [];
  const tls = options.tls;
  const server = new SMTPServer({
    secure: tls?.implicit ?? false,
    ...(tls ? { key: tls.keyPem, cert: tls.certPem } : {}),
    // Without a certificate of the test's, STARTTLS is not offered at all.
    hideSTARTTLS: !tls || tls.implicit,
    authOptional: !options.auth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disabledCommands: options.auth ? [] : ['AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    // A hung session is cut at close instead of waited for 30 s.
    closeTimeout: 200,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.username && auth.password === options.auth?.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const script = scripts.shift();
      if (script?.hang) {
        stream.resume();
        return;
      }
      if (script?.code) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error(script.message ?? 'Refused'), { responseCode: script.code })));
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
          const references = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
          const addresses = (a: typeof parsed.to) => (a === undefined ? '' : Array.isArray(a) ? a.map((x) => x.text).join(', ') : a.text);
          mails.push({
            envelopeFrom: (session.envelope.mailFrom as SMTPServerAddress | false) ? (session.envelope.mailFrom as SMTPServerAddress).address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            from: addresses(parsed.from),
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html || '',
            messageId: parsed.messageId ?? null,
            inReplyTo: parsed.inReplyTo ?? null,
            references,
            headers,
            user: (session.user as string | undefined) ?? null,
            secure: session.secure,
          });
          callback(null, 'OK: queued as vigil-test');
        })
        .catch((error: Error) => callback(Object.assign(error, { responseCode: 451 })));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    mails,
    configFor: (overrides = {}) => ({
      host: '127.0.0.1',
      port,
      security: tls ? (tls.implicit ? 'tls' : 'starttls') : 'none',
      username: options.auth?.username ?? null,
      password: options.auth?.password ?? null,
      from: 'Vigil <vigil@example.test>',
      to: 'ops@example.test, oncall@example.test',
      ...overrides,
    }),
    answerNext: (...next) => void scripts.push(...next),
    async mailsTo(address, count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const to = mails.filter((m) => m.envelopeTo.includes(address));
        if (to.length >= count) return to;
        if (Date.now() > deadline) throw new Error(`smtp: ${to.length} of ${count} mails to ${address} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`smtp: ${mails.length} of ${count} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return [...mails];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
