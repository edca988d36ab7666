import { TARGET_BLOCKED } from '../../checker/guarded-lookup.ts';
import type { ProviderAnswer, SendContext } from '../provider.ts';

/** What a provider's HTTP server answered, or why nothing did. */
export interface HttpReply {
  /** null: no answer (network error, timeout). */
  status: number | null;
  headers: Headers | null;
  /** The first ~4 KB of the body. */
  text: string;
  /** The error when nothing answered. */
  error: string | null;
  /** The body as JSON, when it is JSON. */
  json: unknown;
  /** Where it went: never shown in an answer. */
  url: string;
  /** An error no retry will fix: the target policy refused the address, the URL is malformed. */
  permanent: boolean;
}

export interface HttpRequest {
  url: string | URL;
  method?: 'POST' | 'PUT';
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string as it is (set content-type in `headers`). */
  body: unknown;
}

/** A provider's answer is read this far at most: enough for its error message, not a flood. */
const MAX_ANSWER_BYTES = 4096;
/** `answer` is shortened to this many characters. */
const ANSWER_CHARS = 300;

/**
 * Sends one request through the context's fetch: a timeout on the whole exchange, redirects not
 * followed (a webhook that redirects is misconfigured, and following could leak the body), at
 * most 4 KB of the answer read. Never throws.
 */
export async function sendHttp(context: SendContext, request: HttpRequest): Promise<HttpReply> {
  const json = typeof request.body !== 'string';
  const headers: Record<string, string> = { 'user-agent': context.userAgent, ...(json ? { 'content-type': 'application/json' } : {}), ...request.headers };
  const signal = AbortSignal.timeout(context.timeoutMs);
  try {
    const res = await context.fetch(request.url, {
      method: request.method ?? 'POST',
      headers,
      body: json ? JSON.stringify(request.body) : (request.body as string),
      redirect: 'manual',
      signal,
    });
    const text = await readSome(res, MAX_ANSWER_BYTES);
    return { status: res.status, headers: res.headers, text, error: null, json: parseJson(text), url: String(request.url), permanent: false };
  } catch (error) {
    const message = signal.aborted ? `timed out after ${context.timeoutMs} ms` : describeError(error);
    return {
      status: null,
      headers: null,
      text: '',
      error: message,
      json: undefined,
      url: String(request.url),
      permanent: !signal.aborted && isPermanentError(error),
    };
  }
}

/** Reads at most `max` bytes of the body and lets go of the rest. */
async function readSome(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= max) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.byteLength, bytes.byteLength - offset));
    bytes.set(part, offset);
    offset += part.byteLength;
    if (offset >= bytes.byteLength) break;
  }
  return new TextDecoder().decode(bytes);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The target policy's refusal (its lookup's code, wrapped by fetch in `cause`), or a URL fetch cannot use. */
function isPermanentError(error: unknown): boolean {
  const codes = [error, (error as Error | undefined)?.cause].map((e) => (e as { code?: unknown } | undefined)?.code);
  if (codes.includes(TARGET_BLOCKED)) return true;
  return error instanceof TypeError && /invalid url|unknown scheme|not supported/i.test(error.message);
}

/** fetch's "fetch failed" says nothing; its cause says what (ECONNREFUSED 127.0.0.1:443). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return `${error.message}: ${cause.message}`;
  return error.message;
}

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMsOf(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Worth trying again: no answer, 408, 425, 429 and 5xx. Other statuses will answer the same. */
export function isRetryableStatus(status: number | null): boolean {
  return status === null || status === 408 || status === 425 || status === 429 || status >= 500;
}

export interface AnswerOptions {
  /** Strings never to show in `answer`: tokens, keys, webhook URLs. The request's URL never is. */
  secrets?: readonly (string | URL | null | undefined)[];
  /** Overrides the 2xx rule (Telegram's `{ok:false}`). */
  ok?: boolean;
  /** Overrides the answer's text (a provider's own error field). */
  text?: string;
  /** A provider's own retry delay (Telegram's, Discord's retry_after), in ms. */
  retryAfterMs?: number | null;
  threadRef?: string | null;
}

/** Turns a reply into the provider's answer: ok or not, retryable or not, shortened and without secrets. */
export function answerFrom(reply: HttpReply, options: AnswerOptions = {}): ProviderAnswer {
  const ok = options.ok ?? (reply.status !== null && reply.status >= 200 && reply.status < 300);
  let text: string;
  if (reply.status === null) text = reply.error ?? 'no answer';
  else if (reply.status >= 300 && reply.status < 400) text = `HTTP ${reply.status}: redirects are not followed`;
  else text = `HTTP ${reply.status}${(options.text ?? reply.text).trim() ? ` ${(options.text ?? reply.text).trim()}` : ''}`;
  const headerDelay = reply.status === 429 || reply.status === 503 ? retryAfterMsOf(reply.headers?.get('retry-after')) : null;
  return {
    ok,
    statusCode: reply.status,
    answer: redact(text, [reply.url, ...(options.secrets ?? [])]),
    retryable: !ok && !reply.permanent && isRetryableStatus(reply.status),
    retryAfterMs: ok ? null : (options.retryAfterMs ?? headerDelay),
    threadRef: ok ? (options.threadRef ?? null) : null,
  };
}

/** Removes every secret (and each URL's path and query, which carry a webhook's token) from the text, then shortens it. */
export function redact(text: string, secrets: readonly (string | URL | null | undefined)[]): string {
  const hidden: string[] = [];
  for (const secret of secrets) {
    if (!secret) continue;
    const value = String(secret);
    hidden.push(value);
    try {
      const url = new URL(value);
      if (url.pathname.length > 1) hidden.push(url.pathname.slice(1));
      if (url.search) hidden.push(url.search.slice(1));
      for (const [, v] of url.searchParams) if (v.length >= 8) hidden.push(v);
      for (const segment of url.pathname.split('/')) if (segment.length >= 16) hidden.push(segment);
    } catch {
      // Not a URL: hidden as it is.
    }
  }
  let out = text.replace(/[\r\n\t]+/g, ' ');
  // Longest first, so a URL goes whole before its parts.
  for (const value of hidden.sort((a, b) => b.length - a.length)) if (value.length >= 4) out = out.split(value).join('***');
  return out.length > ANSWER_CHARS ? `${out.slice(0, ANSWER_CHARS - 1)}…` : out;
}

/** Joins a base URL and a path without doubling or losing a slash (a server under a prefix keeps it). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** A config value as a trimmed string ('' when missing). */
export function text(config: Record<string, unknown>, key: string, fallback = ''): string {
  const value = config[key];
  if (value === null || value === undefined || value === '') return fallback;
  return String(value).trim();
}

/** A channel whose config cannot work: not worth retrying until someone edits it. */
export function configError(message: string): ProviderAnswer {
  return { ok: false, statusCode: null, answer: message, retryable: false, retryAfterMs: null, threadRef: null };
}

/** The config value as an http(s) URL, or null. */
export function httpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
