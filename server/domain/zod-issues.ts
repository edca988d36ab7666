import type { z } from 'zod';
import type { MessageParams } from '../contract/types.ts';
import type { FieldError } from './errors.ts';

/**
 * A refinement's message with its code (docs/api-errors.md), for `.refine(check, coded(...))`
 * and `ctx.addIssue({ code: 'custom', ...coded(...) })`.
 * @example z.string().refine(noNul, coded('must not contain NUL characters', 'nul_character'))
 */
export function coded(message: string, code: string, params: MessageParams = {}) {
  return { message, params: { code, ...params } };
}

const PATTERN_CODES = new Map<string, string>();

/**
 * `pattern`, remembered so that a string failing it gets `code` (zod keeps no params on a regex).
 * @example z.string().regex(codedPattern(HEADER_NAME, 'invalid_header_name'), 'is not a valid header name')
 */
export function codedPattern(pattern: RegExp, code: string): RegExp {
  PATTERN_CODES.set(String(pattern), code);
  return pattern;
}

const EXPECTED_WORDS: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

/** Codes of zod's own checks, by what was checked: a string's length, a number, a list's size. */
const SIZE_CODES: Record<'too_big' | 'too_small', Record<string, string>> = {
  too_big: { string: 'too_long', number: 'too_large', int: 'too_large', array: 'too_many', set: 'too_many' },
  too_small: { string: 'too_short', number: 'too_small', int: 'too_small', array: 'too_few', set: 'too_few' },
};

/**
 * One zod issue as the field errors of a 400, each with its code and parameters: the code of a
 * `coded` refinement, else one named after zod's check ("too_long" with { max: 100 }).
 */
export function toFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a known field', code: 'unknown_field', params: {} }));
  }
  const path = issue.path.map(String).join('.');
  const { code, params } = codeOf(issue);
  let message = issue.message;
  if (issue.code === 'invalid_type') message = issue.input === undefined ? 'is required' : `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_key') message = 'is not a valid header name';
  return [{ path, message, code, params }];
}

function codeOf(issue: z.core.$ZodIssue): { code: string; params: MessageParams } {
  switch (issue.code) {
    case 'custom': {
      const { code, ...params } = (issue.params ?? {}) as MessageParams;
      return { code: typeof code === 'string' ? code : 'invalid', params };
    }
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'required', params: {} };
      return issue.expected === 'int' ? { code: 'not_integer', params: {} } : { code: 'wrong_type', params: { expected: issue.expected } };
    case 'too_big':
      return { code: SIZE_CODES.too_big[issue.origin] ?? 'too_large', params: { max: Number(issue.maximum) } };
    case 'too_small':
      // A required text of at least one character: "must not be empty".
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return { code: 'empty', params: {} };
      return { code: SIZE_CODES.too_small[issue.origin] ?? 'too_small', params: { min: Number(issue.minimum) } };
    case 'invalid_value':
      return { code: 'invalid_choice', params: { allowed: issue.values.map(String).join(', ') } };
    case 'invalid_key':
      return { code: 'invalid_header_name', params: {} };
    case 'invalid_format':
      return { code: PATTERN_CODES.get(String((issue as { pattern?: string }).pattern)) ?? 'invalid_format', params: {} };
    default:
      return { code: 'invalid', params: {} };
  }
}
