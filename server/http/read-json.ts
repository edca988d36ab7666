import type { Context } from 'hono';
import { ValidationError, type FieldError } from '../domain/errors.ts';
import { MAX_IMPORT_ENTRIES } from '../domain/endpoint-transfer.ts';

/**
 * What any JSON body may hold, far above what any route accepts (an endpoint has 13 fields and at
 * most 50 headers; an import at most 10,000 endpoints, which it says itself up to ten times that):
 * beyond these, a body is refused before its fields are validated, so that no validation walks a
 * structure of unbounded size or depth.
 */
export const JSON_LIMITS = { maxDepth: 32, maxKeys: 1000, maxItems: 10 * MAX_IMPORT_ENTRIES } as const;

/** The request's JSON body, or a 400 that says what is wrong with it. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new ValidationError([{ path: '', message: 'request body is empty; send a JSON object', code: 'empty_body' }]);
  // Depth first, on the text: the parser and every later walk recurse once per level.
  const deep = deepestPoint(text, JSON_LIMITS.maxDepth);
  if (deep !== null) {
    throw new ValidationError([
      {
        path: '',
        message: `JSON nested more than ${JSON_LIMITS.maxDepth} levels deep (at character ${deep + 1})`,
        code: 'too_deep',
        params: { max: JSON_LIMITS.maxDepth, at: deep + 1 },
      },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError([
      { path: '', message: `malformed JSON: ${(error as Error).message}`, code: 'malformed_json', params: { detail: (error as Error).message } },
    ]);
  }
  if (typeof value === 'string' && !wellFormed(value))
    throw new ValidationError([{ path: '', message: `is not valid Unicode text (${loneSurrogate(value)})`, code: 'invalid_unicode' }]);
  const oversized = oversizedPart(value);
  if (oversized) throw new ValidationError([oversized]);
  return value;
}

/**
 * Where `text` first opens a bracket more than `maxDepth` levels deep (0-based offset), or null.
 * Brackets inside strings do not count; the text need not be valid JSON (the parser says why not).
 */
export function deepestPoint(text: string, maxDepth: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > maxDepth) return i;
    } else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return null;
}

/** Whether `text` is Unicode text: no unpaired surrogate (with the u flag, a pair is one code point). */
const wellFormed = (text: string) => !/\p{Surrogate}/u.test(text);

/** Where the first unpaired surrogate of `text` is, as "a lone surrogate U+D800 at 3". */
function loneSurrogate(text: string): string {
  const match = /\p{Surrogate}/u.exec(text)!;
  return `a lone surrogate U+${match[0].charCodeAt(0).toString(16).toUpperCase()} at ${[...text.slice(0, match.index)].length + 1}`;
}

/** The first object with too many keys, array with too many items, or string that is not text, by its path. */
function oversizedPart(root: unknown): FieldError | null {
  // Depth is bounded already; a stack rather than recursion all the same.
  const pending: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (pending.length) {
    const { value, path } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    const keys = Array.isArray(value) ? null : Object.keys(value);
    const size = keys ? keys.length : (value as unknown[]).length;
    const [limit, noun] = keys ? [JSON_LIMITS.maxKeys, 'keys'] : [JSON_LIMITS.maxItems, 'items'];
    if (size > limit) {
      const message = `holds ${size.toLocaleString('en-US')} ${noun}; at most ${limit.toLocaleString('en-US')} are accepted in any JSON body`;
      return { path, message, code: keys ? 'too_many_keys' : 'too_many_items', params: { max: limit, count: size } };
    }
    for (let i = 0; i < size; i++) {
      const key = keys ? keys[i]! : String(i);
      const child = (value as Record<string, unknown>)[key];
      const at = path ? `${path}.${key}` : key;
      // "\ud800" is valid JSON but no text: the database cannot store it (a 500 until it was refused here).
      if (keys && !wellFormed(key))
        return { path, message: `has a field name that is not valid Unicode (${loneSurrogate(key)})`, code: 'invalid_unicode_field_name' };
      if (typeof child === 'string' && !wellFormed(child))
        return { path: at, message: `is not valid Unicode text (${loneSurrogate(child)})`, code: 'invalid_unicode' };
      if (child !== null && typeof child === 'object') pending.push({ value: child, path: at });
    }
  }
  return null;
}
