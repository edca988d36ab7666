import { SECRET_MARKER, type EndpointDefinition } from '../contract/types.ts';
import { ValidationError, type FieldError } from './errors.ts';

/**
 * Target credentials are write-only. The database holds the real values (checks send them); every
 * read, event and default export shows SECRET_MARKER in their place, and a write that sends the
 * marker back keeps the stored value.
 *
 * What is secret:
 * - a request header named authorization, proxy-authorization, cookie or set-cookie, or whose name
 *   contains token, key, secret, password, passwd, auth, session or credential (any letter case);
 * - a header the endpoint's `secretHeaders` names (any letter case), on top of that rule; the rule
 *   itself cannot be loosened per endpoint;
 * - the password of the URL (`https://user:password@host/`); the user name stays visible.
 *
 * The marker is the same string everywhere: a header value `"(secret)"`, and the URL password
 * `https://user:(secret)@host/`. It needs no percent-encoding in a URL's user info, so a URL read
 * from Vigil, edited and sent back keeps both its shape and its password.
 */
export { SECRET_MARKER };

/** Header names that are secret whatever else they contain. */
export const SECRET_HEADER_NAMES: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** A header whose name contains one of these is secret. */
export const SECRET_NAME_PARTS: readonly string[] = ['token', 'key', 'secret', 'password', 'passwd', 'auth', 'session', 'credential'];

/**
 * Whether a header's value is secret, by the rule or because the endpoint marks it so.
 * @example isSecretHeader('X-Api-Key') // true
 * @example isSecretHeader('X-Tenant', ['x-tenant']) // true
 */
export function isSecretHeader(name: string, secretHeaders: readonly string[] = []): boolean {
  const lower = name.toLowerCase();
  return (
    SECRET_HEADER_NAMES.includes(lower) ||
    SECRET_NAME_PARTS.some((part) => lower.includes(part)) ||
    secretHeaders.some((marked) => marked.toLowerCase() === lower)
  );
}

/** A definition as anyone who can read may see it: every secret replaced by SECRET_MARKER. */
export function redactDefinition<T extends EndpointDefinition>(definition: T): T {
  // fromEntries, not assignment: a header may be named "__proto__".
  const headers = Object.fromEntries(
    Object.entries(definition.headers).map(([name, value]) => [name, isSecretHeader(name, definition.secretHeaders) ? SECRET_MARKER : value]),
  );
  return { ...definition, url: redactUrl(definition.url), headers };
}

/** The URL with its password (if any) replaced by SECRET_MARKER; a URL without one is returned as it is. */
export function redactUrl(url: string): string {
  const parsed = parseUrl(url);
  if (!parsed || parsed.password === '') return url;
  parsed.password = SECRET_MARKER;
  return parsed.href;
}

/** Says what a marker without a stored value to keep should be replaced with. */
export type MarkerHint = 'send-value' | 'export-with-secrets';

export interface KeepSecretsOptions {
  /** Put before each error's path ("endpoints.3."). */
  pathPrefix?: string;
  hint?: MarkerHint;
}

/**
 * Puts the stored secrets back where a write sent SECRET_MARKER:
 * 1. a header whose value is the marker takes the stored value of the header of that name (any
 *    letter case); a header left out of a sent `headers` map is gone, as any other;
 * 2. a URL whose password is the marker takes the stored URL's password (and, when nothing else
 *    changed, the stored URL as it was written);
 * 3. a stored secret is only kept for the origin (scheme, host and port) it was given for:
 *    otherwise anyone who may write could point the endpoint at a host of theirs and receive the
 *    secret with the next check, without ever reading it. Moving an endpoint to another origin
 *    needs its secrets sent again (or removed);
 * 4. a marker with nothing to keep (a new endpoint, a header or password not stored, another
 *    origin) is an error naming the field.
 * `stored` is null for a new endpoint. Returns the definition with real values, or the errors.
 * A PATCH merges into the redacted stored definition before this runs, so a field left out is
 * treated as sent back as read.
 */
export function keepStoredSecrets<T extends EndpointDefinition>(
  sent: T,
  stored: EndpointDefinition | null,
  options: KeepSecretsOptions = {},
): { definition: T; errors: FieldError[] } {
  const prefix = options.pathPrefix ?? '';
  const errors: FieldError[] = [];
  const sameOrigin = stored !== null && originOf(stored.url) === originOf(sent.url);
  const unkept = (what: string) => {
    if (stored !== null && !sameOrigin) {
      return `is a secret stored for ${originOf(stored.url)}, and the URL now points to another origin (${originOf(sent.url)}); a stored secret is only kept for the origin it was given for: send its value again, or remove it`;
    }
    const advice = options.hint === 'export-with-secrets' ? 'export with ?secrets=include to move secrets' : 'send the real value';
    return `holds the redaction marker ${JSON.stringify(SECRET_MARKER)}, not a value, and there is no stored ${what} to keep; ${advice}`;
  };

  let headers = sent.headers;
  if (Object.values(sent.headers).includes(SECRET_MARKER)) {
    headers = Object.fromEntries(
      Object.entries(sent.headers).map(([name, value]) => {
        const kept = value === SECRET_MARKER && sameOrigin ? storedHeader(stored!, name) : undefined;
        if (value === SECRET_MARKER && kept === undefined) errors.push({ path: `${prefix}headers.${name}`, message: unkept('value of this header') });
        return [name, kept ?? value];
      }),
    );
  }

  let url = sent.url;
  const parsed = parseUrl(sent.url);
  if (parsed && passwordOf(parsed) === SECRET_MARKER) {
    const storedUrl = stored ? parseUrl(stored.url) : undefined;
    if (sameOrigin && storedUrl && storedUrl.password !== '') {
      parsed.password = storedUrl.password;
      url = parsed.href === storedUrl.href ? stored!.url : parsed.href;
    } else {
      errors.push({ path: `${prefix}url`, message: unkept('password of the URL') });
    }
  }

  return { definition: { ...sent, headers, url }, errors };
}

/** `keepStoredSecrets`, throwing a ValidationError when a marker has nothing to keep. */
export function withStoredSecrets<T extends EndpointDefinition>(sent: T, stored: EndpointDefinition | null, options: KeepSecretsOptions = {}): T {
  const { definition, errors } = keepStoredSecrets(sent, stored, options);
  if (errors.length) throw new ValidationError(errors);
  return definition;
}

function storedHeader(stored: EndpointDefinition, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [storedName, value] of Object.entries(stored.headers)) if (storedName.toLowerCase() === lower) return value;
  return undefined;
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

const originOf = (url: string) => parseUrl(url)?.origin ?? url;

/** The password as the user wrote it ("%28secret%29" is the marker too). */
function passwordOf(url: URL): string {
  try {
    return decodeURIComponent(url.password);
  } catch {
    return url.password;
  }
}
