import { z } from 'zod';
import type { OidcSettings } from './auth/oidc.ts';
import { parseTrustProxy, type TrustProxy } from './http/client-address.ts';
import { NO_BLOCKED_TARGETS, splitTargetList } from './security/target-policy.ts';

const port = z.coerce.number().int().min(0).max(65535);
/** A comma-separated setting's entries. */
const list = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

const SettingsSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  API_KEY: z.string().min(1).optional(),
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /** Largest accepted body of POST /api/import (a file of up to 10,000 endpoints). */
  IMPORT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** How long shutdown waits for running checks, in ms. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  /** How long a client may take to send a whole request (headers and body); a stalled upload is cut after it. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Check results that may wait in memory while the database is away (about 1.5 KB each: 75 MB at the default). */
  RESULT_QUEUE_LIMIT: z.coerce.number().int().min(100).max(10_000_000).default(50_000),
  /** Largest number of check results written in one transaction. */
  WRITE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Where notifications are POSTed (status changes, incidents). */
  WEBHOOK_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL')
    .optional(),
  /** Signs each webhook body: X-Vigil-Signature: sha256=<hex HMAC>. */
  WEBHOOK_SECRET: z.string().min(1).optional(),
  /**
   * The mail server status page subscribers' mails go through: smtp://[user:pass@]host[:port]
   * (STARTTLS required, port 587), smtps://… (TLS from the first byte, port 465), or
   * smtp://host:25?security=none (a local relay, no TLS). Unset: no subscriptions by email.
   */
  SMTP_URL: z
    .string()
    .transform((value, ctx) => {
      const parsed = parseSmtpUrl(value);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    })
    .optional(),
  /** The From of those mails ("Status <status@example.com>"); required with SMTP_URL. */
  SMTP_FROM: z.string().min(3).max(320).optional(),
  /** A failed notification's first retry comes this much later; each next one twice as late (up to 30 min). */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  /** How often the outbox is read for notifications to take over or retry, and open incidents for reminders. */
  NOTIFICATION_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  /** How long a provider may take to answer one attempt. */
  NOTIFICATION_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long Socket.io keeps a dropped client's session to replay what it missed. */
  REALTIME_RECOVERY_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  /** Keepalive ping interval of the native WebSocket bridge. */
  WS_PING_INTERVAL_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** PostgreSQL connection pool size. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Least severe log level written (JSON lines on stdout). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** How long raw check results are kept; older ones are pruned, hourly rollups keep uptime. */
  CHECK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** How long hourly rollups (uptime and response-time history) are kept. */
  ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(30, 'must be at least 30 (the longest uptime window)').max(3650).default(400),
  /** Wrong API keys one client address may present per minute; past it they are answered 429 (the right key is always let in). */
  AUTH_FAILURE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  /** Sign-in through an OpenID Connect provider (docs/accounts.md#single-sign-on-openid-connect): all three, or none. */
  OIDC_ISSUER: z
    .string()
    .transform((value, ctx) => {
      try {
        const url = new URL(value);
        const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
        if ((url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) && !url.username && !url.password) return url;
      } catch {}
      ctx.addIssue({ code: 'custom', message: `must be the provider's issuer URL, https:// (http:// only on loopback), got "${value.slice(0, 100)}"` });
      return z.NEVER;
    })
    .optional(),
  OIDC_CLIENT_ID: z.string().max(1000).optional(),
  OIDC_CLIENT_SECRET: z.string().max(1000).optional(),
  /** The sign-in button's label. */
  OIDC_NAME: z.string().max(100).default('Single sign-on'),
  /** viewer or editor: people without an account are made at their first sign-in; unset: only existing accounts. */
  OIDC_NEW_USER_ROLE: z.enum(['viewer', 'editor'], { error: 'must be viewer or editor (or unset: only people with an account may sign in)' }).optional(),
  /** How long the audit log keeps its entries. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  /** A dashboard session unused this long ends (default 7 days). */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(525_600).default(10_080),
  /** A dashboard session ends this long after sign-in, however used (default 30 days). */
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(8_760).default(720),
  /** Targets checks may not reach, on top of the defaults (server/security/target-policy.ts); `none` blocks nothing. */
  BLOCKED_TARGETS: z
    .string()
    .transform((value, ctx) => {
      const { entries, errors } = splitTargetList(value);
      for (const message of errors) ctx.addIssue({ code: 'custom', message });
      if (entries.includes(NO_BLOCKED_TARGETS) && entries.length > 1) {
        ctx.addIssue({ code: 'custom', message: `"${NO_BLOCKED_TARGETS}" must be the only entry (it blocks nothing, the defaults included)` });
      }
      return entries;
    })
    .default([]),
  /** Targets checks may reach whatever BLOCKED_TARGETS and the defaults say. */
  ALLOWED_TARGETS: z
    .string()
    .transform((value, ctx) => {
      const { entries, errors } = splitTargetList(value);
      for (const message of errors) ctx.addIssue({ code: 'custom', message });
      return entries;
    })
    .default([]),
  /** This instance's name among several on one PostgreSQL (default: made once, kept in DATA_DIR/instance-id). */
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, dots, dashes or underscores')
    .optional(),
  /** On PostgreSQL: an instance silent this long is dead, and its endpoints are taken over. */
  LEASE_TTL_MS: z.coerce.number().int().min(2000).max(300_000).default(8000),
  /** The address people use to reach Vigil (https://vigil.example.com): its host is served, its origin may write, and Vigil's own absolute URLs use it. */
  PUBLIC_URL: z
    .string()
    .transform((value, ctx) => {
      try {
        const url = new URL(value);
        if (
          (url.protocol === 'http:' || url.protocol === 'https:') &&
          url.hostname !== '' &&
          url.username === '' &&
          url.password === '' &&
          !url.search &&
          !url.hash
        )
          return url;
      } catch {
        /* reported below */
      }
      ctx.addIssue({
        code: 'custom',
        message: 'must be an absolute http:// or https:// URL without credentials, query or fragment (https://vigil.example.com)',
      });
      return z.NEVER;
    })
    .optional(),
  /** Origins of other web pages that may write and connect (comma-separated, https://admin.example.com). */
  ALLOWED_ORIGINS: z
    .string()
    .transform((value, ctx) => {
      const origins = list(value);
      for (const entry of origins) {
        let url: URL | undefined;
        try {
          url = new URL(entry);
        } catch {
          /* reported below */
        }
        if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== entry.replace(/\/$/, '')) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not an origin (scheme://host[:port], e.g. https://admin.example.com)` });
        }
      }
      return origins.map((o) => new URL(o).origin);
    })
    .default([]),
  /** Host names served besides loopback, this machine's addresses and PUBLIC_URL's (comma-separated; *.example.com; * for any). */
  ALLOWED_HOSTS: z
    .string()
    .transform((value, ctx) => {
      const hosts = list(value);
      for (const entry of hosts) {
        if (!/^(\*|(\*\.)?[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])$/.test(entry))
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not a host name (vigil.lan, *.example.com, 192.168.1.20, or *)` });
      }
      return hosts;
    })
    .default([]),
  /** Behind reverse proxies: how many there are (true = 1), or their addresses/CIDRs; the client address is taken from X-Forwarded-For through them. */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const trust = parseTrustProxy(value);
      if (typeof trust !== 'string') return trust;
      ctx.addIssue({ code: 'custom', message: trust });
      return z.NEVER;
    }),
  /** Open realtime connections (Socket.io, /ws and SSE together) one client address may hold. */
  REALTIME_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
});

export interface Settings {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  apiKey: string | undefined;
  bodyLimitBytes: number;
  importBodyLimitBytes: number;
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
  writeBatchSize: number;
  resultQueueLimit: number;
  databasePoolSize: number;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  /** Subscribers' mail server (SMTP_URL, SMTP_FROM); undefined: none. */
  smtp: SmtpServer | undefined;
  notificationRetryBaseMs: number;
  notificationSweepMs: number;
  notificationTimeoutMs: number;
  realtimeRecoveryMs: number;
  wsPingIntervalMs: number;
  logLevel: LogLevel;
  checkRetentionDays: number;
  rollupRetentionDays: number;
  authFailureLimit: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  auditRetentionDays: number;
  /** Sign-in through an OpenID Connect provider; undefined: off. */
  oidc: OidcSettings | undefined;
  trustProxy: TrustProxy;
  realtimeConnectionsPerAddress: number;
  publicUrl: URL | undefined;
  allowedOrigins: string[];
  allowedHosts: string[];
  /** BLOCKED_TARGETS entries (without `none`). */
  blockedTargets: string[];
  allowedTargets: string[];
  /** False with BLOCKED_TARGETS=none: link-local and cloud-metadata targets are allowed too. */
  blockDefaultTargets: boolean;
  /** Unset: resolved at start (server/cluster/instance-id.ts). */
  instanceId: string | undefined;
  leaseTtlMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export class SettingsError extends Error {}

/**
 * Reads the environment once; nothing else in Vigil looks at process.env.
 * Empty strings count as unset. Throws SettingsError naming every bad variable.
 */
export function loadSettings(env: Record<string, string | undefined> = process.env): Settings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = SettingsSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SettingsError(`Invalid settings:\n  ${lines.join('\n  ')}`);
  }
  const s = parsed.data;
  if (s.SMTP_URL && !s.SMTP_FROM) throw new SettingsError("Invalid settings:\n  SMTP_FROM: is required with SMTP_URL (the From of subscribers' mails)");
  const oidcParts = [s.OIDC_ISSUER, s.OIDC_CLIENT_ID, s.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (oidcParts !== 0 && oidcParts !== 3) {
    throw new SettingsError(
      'Invalid settings:\n  OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three for sign-in through an OpenID Connect provider, or none',
    );
  }
  if (s.ROLLUP_RETENTION_DAYS < s.CHECK_RETENTION_DAYS) {
    throw new SettingsError(
      `Invalid settings:\n  ROLLUP_RETENTION_DAYS: must be at least CHECK_RETENTION_DAYS (${s.CHECK_RETENTION_DAYS}): hourly rollups outlive the raw results they sum up`,
    );
  }
  return {
    port: s.PORT,
    host: s.HOST,
    databaseUrl: s.DATABASE_URL,
    dataDir: s.DATA_DIR,
    apiKey: s.API_KEY,
    bodyLimitBytes: s.BODY_LIMIT_BYTES,
    importBodyLimitBytes: s.IMPORT_BODY_LIMIT_BYTES,
    shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: s.REQUEST_TIMEOUT_MS,
    writeBatchSize: s.WRITE_BATCH_SIZE,
    resultQueueLimit: s.RESULT_QUEUE_LIMIT,
    databasePoolSize: s.DATABASE_POOL_SIZE,
    webhookUrl: s.WEBHOOK_URL,
    webhookSecret: s.WEBHOOK_SECRET,
    smtp: s.SMTP_URL ? { ...s.SMTP_URL, from: s.SMTP_FROM ?? '' } : undefined,
    notificationRetryBaseMs: s.NOTIFICATION_RETRY_BASE_MS,
    notificationSweepMs: s.NOTIFICATION_SWEEP_MS,
    notificationTimeoutMs: s.NOTIFICATION_TIMEOUT_MS,
    realtimeRecoveryMs: s.REALTIME_RECOVERY_MS,
    wsPingIntervalMs: s.WS_PING_INTERVAL_MS,
    logLevel: s.LOG_LEVEL,
    checkRetentionDays: s.CHECK_RETENTION_DAYS,
    rollupRetentionDays: s.ROLLUP_RETENTION_DAYS,
    authFailureLimit: s.AUTH_FAILURE_LIMIT,
    sessionIdleMs: s.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: s.SESSION_MAX_HOURS * 3_600_000,
    auditRetentionDays: s.AUDIT_RETENTION_DAYS,
    oidc:
      s.OIDC_ISSUER && s.OIDC_CLIENT_ID && s.OIDC_CLIENT_SECRET
        ? {
            issuer: s.OIDC_ISSUER,
            clientId: s.OIDC_CLIENT_ID,
            clientSecret: s.OIDC_CLIENT_SECRET,
            name: s.OIDC_NAME,
            newUserRole: s.OIDC_NEW_USER_ROLE ?? null,
          }
        : undefined,
    trustProxy: s.TRUST_PROXY,
    realtimeConnectionsPerAddress: s.REALTIME_CONNECTIONS_PER_ADDRESS,
    publicUrl: s.PUBLIC_URL,
    allowedOrigins: s.ALLOWED_ORIGINS,
    allowedHosts: s.ALLOWED_HOSTS,
    blockedTargets: s.BLOCKED_TARGETS.filter((entry) => entry !== NO_BLOCKED_TARGETS),
    allowedTargets: s.ALLOWED_TARGETS,
    blockDefaultTargets: !s.BLOCKED_TARGETS.includes(NO_BLOCKED_TARGETS),
    instanceId: s.INSTANCE_ID,
    leaseTtlMs: s.LEASE_TTL_MS,
  };
}

/** A mail server as SMTP_URL names it, with SMTP_FROM. */
export interface SmtpServer {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  username: string;
  password: string;
  from: string;
}

/** SMTP_URL's parts, or what is wrong with it. */
export function parseSmtpUrl(value: string): Omit<SmtpServer, 'from'> | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL such as smtp://user:password@mail.example.com:587';
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return 'must start with smtp:// (STARTTLS) or smtps:// (TLS)';
  if (url.hostname === '') return 'must name a host';
  const security = url.searchParams.get('security');
  const others = [...url.searchParams.keys()].filter((key) => key !== 'security');
  if (others.length > 0 || (security !== null && !(security === 'none' && url.protocol === 'smtp:'))) {
    return 'the only option is ?security=none, with smtp://';
  }
  if (url.pathname !== '' && url.pathname !== '/') return 'must have no path';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    security: url.protocol === 'smtps:' ? 'tls' : security === 'none' ? 'none' : 'starttls',
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
