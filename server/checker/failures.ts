import { checkError, type CheckError } from '../domain/check-errors.ts';
import { TARGET_BLOCKED } from './guarded-lookup.ts';

type ErrnoLike = Error & { code?: unknown };

const TLS_CODE_PREFIXES = ['ERR_TLS', 'ERR_SSL', 'CERT_', 'UNABLE_TO_', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED', 'HOSTNAME_MISMATCH'];

/** A failure with a code, or (an error Node gave no code) its bare message. */
export type Failure = CheckError | { errorMessage: string; errorCode: null; errorParams: null };

/** "Blocked by policy: x (reason)" → "x (reason)": the template adds the words back. */
export const blockedDetail = (sentence: string) => sentence.replace(/^Blocked by policy: /, '');

/** Turns a socket/DNS/TLS error into a coded failure (docs/api-errors.md). */
export function describeFailure(err: ErrnoLike, host: string, port: number): Failure {
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = err.message || String(err);

  if (code === TARGET_BLOCKED) return checkError('blocked', { detail: blockedDetail(message) });
  if (code === 'ECONNREFUSED') return checkError('refused', { host, port });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return checkError('dns', { host: host.replace(/^\[|\]$/g, '') });
  if (code === 'ECONNRESET') return checkError('reset');
  if (code !== undefined && TLS_CODE_PREFIXES.some((prefix) => code.startsWith(prefix))) return checkError('tls', { detail: message });
  // OpenSSL handshake failures (e.g. https:// against a plain-HTTP port) arrive as EPROTO.
  if (code === 'EPROTO' && /ssl|tls/i.test(message)) return checkError('tls', { detail: message });
  if (code !== undefined && /^[A-Z][A-Z0-9_]+$/.test(code)) return checkError('network', { errno: code, detail: message });
  if (code !== undefined) return { errorMessage: `${code}: ${message}`, errorCode: null, errorParams: null };
  return { errorMessage: message, errorCode: null, errorParams: null };
}
