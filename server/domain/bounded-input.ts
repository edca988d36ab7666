import { z } from 'zod';
import { coded } from './zod-issues.ts';

/**
 * `schema`, preceded by a count of the raw input's entries (an object's keys, an array's items)
 * that fails at once past `max`. Zod would otherwise parse every entry before its own
 * `.max()` runs, and an entry list of 150,000 errors overflows the stack where it is spread into
 * the parent's issues. The JSON Schema of the input stays `schema`'s.
 * @example countedFirst(z.array(z.string()), 'items', 20, 'at most 20 tags')
 */
export function countedFirst<T extends z.ZodType>(schema: T, of: 'items' | 'keys', max: number, message: string) {
  return z.preprocess((value, ctx) => {
    // Anything else is not counted: `schema` names the wrong type.
    const count = of === 'items' ? (Array.isArray(value) ? value.length : 0) : isPlainObject(value) ? Object.keys(value).length : 0;
    if (count > max) ctx.addIssue({ code: 'custom', ...coded(`${message} (this has ${count.toLocaleString('en-US')})`, 'too_many', { max, count }) });
    return value;
  }, schema);
}

/**
 * `schema` for a record of strings, preceded by a check that its names and values together hold
 * at most `maxChars` characters, so an oversized record is refused before it is parsed.
 */
export function sizedFirst<T extends z.ZodType>(schema: T, maxChars: number, message: string) {
  return z.preprocess((value, ctx) => {
    if (!isPlainObject(value)) return value;
    let total = 0;
    for (const [name, v] of Object.entries(value)) total += name.length + (typeof v === 'string' ? v.length : 0);
    if (total > maxChars)
      ctx.addIssue({ code: 'custom', ...coded(`${message} (these hold ${total.toLocaleString('en-US')})`, 'too_many_characters', { max: maxChars, total }) });
    return value;
  }, schema);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
