import { HTTP_TOKEN } from '../contract/http-token.ts';
/**
 * How a /ws client presents the API key without putting it in the URL (where proxies log it):
 * - `Authorization: Bearer <key>` (any non-browser client);
 * - from a browser, whose WebSocket API cannot set headers, as a subprotocol beside `vigil`:
 *   `new WebSocket(url, ['vigil', 'vigil.key.' + key])`. The server answers with `vigil` alone and
 *   never echoes the key. A subprotocol must be an HTTP token, so only keys made of letters,
 *   digits and ! # $ % & ' * + - . ^ _ ` | ~ fit (hex or base64url keys do; standard base64 with
 *   / or = does not).
 */
export const WS_PROTOCOL = 'vigil';
export const WS_KEY_PROTOCOL_PREFIX = 'vigil.key.';

/** What a subprotocol (and so a key passed as one) may hold: an HTTP token. */
export const SUBPROTOCOL_TOKEN = HTTP_TOKEN;

/** The subprotocols a client offered (Sec-WebSocket-Protocol, comma-separated). */
export function offeredProtocols(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The key a client offered as a `vigil.key.<key>` subprotocol, if any. */
export function keyFromProtocols(protocols: readonly string[]): string | undefined {
  const offered = protocols.find((p) => p.startsWith(WS_KEY_PROTOCOL_PREFIX));
  return offered?.slice(WS_KEY_PROTOCOL_PREFIX.length) || undefined;
}

/** What a refused /ws client is told about passing the key. */
export const WS_KEY_HINT =
  "Pass the key as Authorization: Bearer <key>, or from a browser as subprotocols: new WebSocket(url, ['vigil', 'vigil.key.<key>']). /ws does not take ?token= (URLs end up in logs).";
