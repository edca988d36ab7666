import type { CheckErrorCode, MessageParams } from '../contract/types.ts';

/**
 * Why a check failed, as a code with parameters and as the English sentence stored and shown
 * until now. Each code has ONE template: it writes the sentence from the parameters and reads the
 * parameters back from a stored sentence, so rows written before codes existed get theirs at
 * read time and no column is needed.
 * A placeholder is `{name}` (any text), `{name:n}` (a whole number) or `{name:errno}` (ECONNRESET).
 */
const TEMPLATES: Record<CheckErrorCode, string> = {
  timeout: 'Timeout exceeded',
  refused: 'Connection refused ({host}:{port:n})',
  dns: 'DNS lookup failed for {host}',
  reset: 'Connection reset by peer',
  tls: 'TLS error: {detail}',
  blocked: 'Blocked by policy: {detail}',
  invalid_url: 'Invalid URL',
  invalid_request: 'Invalid request: {detail}',
  invalid_redirect: 'Invalid redirect location: {location}',
  too_many_redirects: 'Too many redirects (more than {max:n})',
  unexpected_status: 'Unexpected status code {status:n} (expected {expected})',
  slow: 'Slow response: {responseTime:n} ms (threshold {threshold:n} ms)',
  // The first assertion not met (see server/domain/assertions.ts).
  assertion: '{subject}: expected {expected}, got {actual}',
  certificate_expiring: 'Certificate expires in {days:n} days (warning at {warningDays:n} days)',
  dns_code: 'DNS {type} lookup of {name} answered {code}',
  dns_no_answer: 'No {type} record for {name}',
  push_late: 'No ping by {deadline} (last ping: {last})',
  push_failed: 'The job reported a failure{detail}',
  // Last: the catch-all for socket errors with an errno code and no template of their own.
  network: '{errno:errno}: {detail}',
};

export interface CheckError {
  errorCode: CheckErrorCode;
  errorParams: MessageParams;
  errorMessage: string;
}

/** The code, parameters and English sentence of one check error. */
export function checkError(code: CheckErrorCode, params: MessageParams = {}): CheckError {
  const errorMessage = TEMPLATES[code].replace(/\{(\w+)(?::\w+)?\}/g, (_, name: string) => String(params[name] ?? ''));
  return { errorCode: code, errorParams: params, errorMessage };
}

const PATTERNS: { code: CheckErrorCode; regex: RegExp; numeric: Set<string> }[] = Object.entries(TEMPLATES).map(([code, template]) => {
  const numeric = new Set<string>();
  let source = '';
  let last = 0;
  const placeholders = [...template.matchAll(/\{(\w+)(?::(\w+))?\}/g)];
  placeholders.forEach((match, i) => {
    source += escapeRegExp(template.slice(last, match.index));
    const [, name, kind] = match;
    if (kind === 'n') numeric.add(name!);
    // Text ends at the first place the template goes on (the last text takes the rest): an
    // assertion's `actual` is what a target answered, and may hold ", got " or ": expected ".
    const text = i === placeholders.length - 1 ? '[\\s\\S]*' : '[\\s\\S]*?';
    source += `(?<${name}>${kind === 'n' ? '\\d+' : kind === 'errno' ? '[A-Z][A-Z0-9_]+' : text})`;
    last = match.index + match[0].length;
  });
  source += escapeRegExp(template.slice(last));
  return { code: code as CheckErrorCode, regex: new RegExp(`^${source}$`), numeric };
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The code and parameters of a stored English sentence, or nulls when it has none (no error, or
 * a sentence no template writes).
 * @example codeOfCheckError('Unexpected status code 500 (expected 200-299)')
 *   // { errorCode: 'unexpected_status', errorParams: { status: 500, expected: '200-299' } }
 */
export function codeOfCheckError(message: string | null): { errorCode: CheckErrorCode | null; errorParams: MessageParams | null } {
  if (message === null) return { errorCode: null, errorParams: null };
  for (const { code, regex, numeric } of PATTERNS) {
    const match = regex.exec(message);
    if (!match) continue;
    const params: MessageParams = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) params[name] = numeric.has(name) ? Number(value) : value!;
    return { errorCode: code, errorParams: params };
  }
  return { errorCode: null, errorParams: null };
}

/** The same, named as the Endpoint resource names its last error. */
export function codeOfLastError(message: string | null): { lastErrorCode: CheckErrorCode | null; lastErrorParams: MessageParams | null } {
  const { errorCode, errorParams } = codeOfCheckError(message);
  return { lastErrorCode: errorCode, lastErrorParams: errorParams };
}
