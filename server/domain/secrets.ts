import { pushTokenOf } from '../contract/monitor-address.ts';
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
 * - the password of the URL (`https://user:password@host/`); the user name stays visible;
 * - the value of a URL query parameter whose name the header rule matches (`?api_key=…`,
 *   `?access_token=…`, `?auth=…`).
 *
 * The marker is the same string everywhere: a header value `"(secret)"`, the URL password
 * `https://user:(secret)@host/`, a query value `?api_key=(secret)`. It needs no percent-encoding
 * in a URL, so a URL read from Vigil, edited and sent back keeps both its shape and its secrets.
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

/** The URL with its password and secret query values replaced by SECRET_MARKER; a URL without any is returned as it is. */
export function redactUrl(url: string): string {
  // A push endpoint's token lets anyone who holds it report for the job.
  if (pushTokenOf(url) !== null) return `push:${SECRET_MARKER}`;
  const parsed = parseUrl(url);
  if (!parsed) return url;
  let secret = false;
  const search = mapSecretParams(parsed.search, (_name, value) => {
    if (value === '') return value;
    secret = true;
    return SECRET_MARKER;
  });
  if (parsed.password === '' && !secret) return url;
  if (parsed.password !== '') parsed.password = SECRET_MARKER;
  parsed.search = search;
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
 * 2. a URL whose password is the marker takes the stored URL's password, a secret query
 *    parameter whose value is the marker the stored value of the same parameter (by name and
 *    place among those of that name); when nothing else changed, the stored URL as it was written;
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
  const unkept = (path: string, what: string): FieldError => {
    if (stored !== null && !sameOrigin) {
      const [storedOrigin, origin] = [originOf(stored.url), originOf(sent.url)];
      return {
        path,
        message: `is a secret stored for ${storedOrigin}, and the URL now points to another origin (${origin}); a stored secret is only kept for the origin it was given for: send its value again, or remove it`,
        code: 'secret_other_origin',
        params: { storedOrigin, origin },
      };
    }
    const advice = options.hint === 'export-with-secrets' ? 'export with ?secrets=include to move secrets' : 'send the real value';
    const message = `holds the redaction marker ${JSON.stringify(SECRET_MARKER)}, not a value, and there is no stored ${what} to keep; ${advice}`;
    return { path, message, code: 'secret_marker_without_value', params: { marker: SECRET_MARKER } };
  };

  let headers = sent.headers;
  if (Object.values(sent.headers).includes(SECRET_MARKER)) {
    headers = Object.fromEntries(
      Object.entries(sent.headers).map(([name, value]) => {
        const kept = value === SECRET_MARKER && sameOrigin ? storedHeader(stored!, name) : undefined;
        if (value === SECRET_MARKER && kept === undefined) errors.push(unkept(`${prefix}headers.${name}`, 'value of this header'));
        return [name, kept ?? value];
      }),
    );
  }

  let url = sent.url;
  const parsed = sent.url.startsWith('push:') ? undefined : parseUrl(sent.url);
  if (sent.url === `push:${SECRET_MARKER}`) {
    if (stored !== null && pushTokenOf(stored.url) !== null) url = stored.url;
    else errors.push(unkept(`${prefix}url`, 'push token'));
  }
  if (parsed) {
    const storedUrl = stored !== null && sameOrigin ? parseUrl(stored.url) : undefined;
    let restored = false;
    if (decoded(parsed.password) === SECRET_MARKER) {
      if (storedUrl && storedUrl.password !== '') {
        parsed.password = storedUrl.password;
        restored = true;
      } else {
        errors.push(unkept(`${prefix}url`, 'password of the URL'));
      }
    }
    const storedParams = new Map<string, string[]>();
    if (storedUrl) {
      mapSecretParams(storedUrl.search, (name, value) => {
        storedParams.set(name, [...(storedParams.get(name) ?? []), value]);
        return value;
      });
    }
    const search = mapSecretParams(parsed.search, (name, value, nth) => {
      if (decoded(value) !== SECRET_MARKER) return value;
      const kept = storedParams.get(name)?.[nth];
      if (kept === undefined) errors.push(unkept(`${prefix}url`, `value of the query parameter ${JSON.stringify(name)}`));
      else restored = true;
      return kept ?? value;
    });
    if (restored) {
      parsed.search = search;
      url = storedUrl && parsed.href === storedUrl.href ? stored!.url : parsed.href;
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

/** A URL part as the user meant it ("%28secret%29" is the marker too). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/**
 * A URL's search ("?a=1&api_key=x") with the value of each secret parameter (by the header rule,
 * on its decoded name) passed through `replace(name, rawValue, nth)`, `nth` counting the secret
 * parameters of that name before it. Everything else is kept as written.
 */
function mapSecretParams(search: string, replace: (name: string, value: string, nth: number) => string): string {
  if (search.length <= 1) return search;
  const seen = new Map<string, number>();
  const pairs = search
    .slice(1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = decoded(pair.slice(0, equals));
      if (!isSecretHeader(name)) return pair;
      const nth = seen.get(name) ?? 0;
      seen.set(name, nth + 1);
      return `${pair.slice(0, equals + 1)}${replace(name, pair.slice(equals + 1), nth)}`;
    });
  return `?${pairs.join('&')}`;
}

/**
 * The secret values an endpoint sends (secret header values, the URL's password, secret query
 * values), as written and as decoded: what must not be read back through what a target answers
 * (a target that echoes the request would otherwise show them in a check's body excerpt).
 * Values shorter than 3 characters are left out: masking them would garble any text.
 */
export function secretValuesOf(definition: Pick<EndpointDefinition, 'url' | 'headers' | 'secretHeaders'>): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(definition.headers)) {
    if (!isSecretHeader(name, definition.secretHeaders)) continue;
    values.add(value);
    // "Bearer <token>": the token alone is as secret.
    const credentials = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (credentials) values.add(credentials);
  }
  const token = pushTokenOf(definition.url);
  if (token !== null) values.add(token);
  const parsed = token === null ? parseUrl(definition.url) : undefined;
  if (parsed) {
    values.add(parsed.password);
    values.add(decoded(parsed.password));
    mapSecretParams(parsed.search, (_name, value) => {
      values.add(value);
      values.add(decoded(value));
      return value;
    });
  }
  return [...values].filter((value) => value.length >= 3).sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of each secret replaced by SECRET_MARKER (longest first). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) if (masked.includes(secret)) masked = masked.replaceAll(secret, SECRET_MARKER);
  return masked;
}
