import { z } from 'zod';
import { HTTP_METHODS, type EndpointDefinition } from '../contract/types.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { describeStatusSpecError } from './expected-status.ts';
import { countedFirst, sizedFirst } from './bounded-input.ts';
import { displayTextError } from './display-text.ts';

export const ENDPOINT_DEFAULTS = {
  method: 'GET',
  headers: {},
  body: null,
  intervalSeconds: 60,
  timeoutMs: 10_000,
  expectedStatusCodes: ['200-299'],
  degradedThresholdMs: 2000,
  failureThreshold: 3,
  paused: false,
  secretHeaders: [],
  tags: [],
} as const satisfies Partial<EndpointDefinition>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

// PostgreSQL text cannot hold NUL; refusing it here makes it a 400 rather than a database error.
const noNul = (v: string) => !v.includes('\0');
const NUL_MESSAGE = 'must not contain NUL characters';

/** Names and tags are displayed: no control or bidirectional-override characters (NUL included). */
const displayable = (value: string, ctx: z.RefinementCtx) => {
  const message = displayTextError(value);
  if (message) ctx.addIssue({ code: 'custom', message });
};

/** Most headers on one endpoint, and most characters of all their names and values together. */
export const MAX_HEADERS = 50;
export const MAX_HEADER_CHARS = 16_384;

/** Header names once each, whatever their letter case (the first spelling wins). */
const uniqueNames = (names: string[]) => names.filter((name, i) => names.findIndex((n) => n.toLowerCase() === name.toLowerCase()) === i);

const int = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').superRefine(displayable),
  url: z
    .string()
    .max(2048, 'must be at most 2048 characters')
    .refine(noNul, NUL_MESSAGE)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be an absolute http:// or https:// URL'),
  method: z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }),
  // Counted and measured before the entries are parsed one by one.
  headers: countedFirst(
    sizedFirst(
      z.record(
        z.string().regex(HEADER_NAME, 'is not a valid header name').max(256),
        z
          .string({ error: 'header values must be strings' })
          .max(8192, 'must be at most 8192 characters')
          .refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks'),
      ),
      MAX_HEADER_CHARS,
      `must hold at most ${MAX_HEADER_CHARS} characters of names and values together`,
    ),
    'keys',
    MAX_HEADERS,
    `at most ${MAX_HEADERS} headers`,
  ),
  body: z.string().max(65_536, 'must be at most 65536 characters').refine(noNul, NUL_MESSAGE).nullable(),
  intervalSeconds: int(1, 86_400),
  timeoutMs: int(100, 60_000),
  expectedStatusCodes: countedFirst(
    z
      .array(z.union([z.string(), z.number().int()]).transform((v) => String(v).trim()))
      .min(1, 'must list at least one code or range')
      .max(20, 'must list at most 20 codes or ranges'),
    'items',
    20,
    'must list at most 20 codes or ranges',
  ).superRefine((specs, ctx) => {
    specs.forEach((spec, i) => {
      const message = describeStatusSpecError(spec);
      if (message) ctx.addIssue({ code: 'custom', message, path: [i] });
    });
  }),
  degradedThresholdMs: int(1, 3_600_000),
  failureThreshold: int(1, 100),
  paused: z.boolean(),
  // Names only: marking a header secret needs no value, and may come before the header does.
  secretHeaders: countedFirst(
    z.array(z.string().regex(HEADER_NAME, 'is not a valid header name').max(256, 'must be at most 256 characters')).max(MAX_HEADERS, `at most ${MAX_HEADERS} names`),
    'items',
    MAX_HEADERS,
    `at most ${MAX_HEADERS} names`,
  ).transform(uniqueNames),
  tags: countedFirst(
    z.array(z.string().trim().min(1, 'must not be empty').max(50, 'must be at most 50 characters').superRefine(displayable)).max(20, 'at most 20 tags'),
    'items',
    20,
    'at most 20 tags',
  ).transform((tags) => [...new Set(tags)]),
};

export const CreateSchema = z.strictObject({
  name: fields.name,
  url: fields.url,
  method: fields.method.default(ENDPOINT_DEFAULTS.method),
  headers: fields.headers.default({}),
  body: fields.body.default(null),
  intervalSeconds: fields.intervalSeconds.default(ENDPOINT_DEFAULTS.intervalSeconds),
  timeoutMs: fields.timeoutMs.default(ENDPOINT_DEFAULTS.timeoutMs),
  expectedStatusCodes: fields.expectedStatusCodes.default([...ENDPOINT_DEFAULTS.expectedStatusCodes]),
  degradedThresholdMs: fields.degradedThresholdMs.default(ENDPOINT_DEFAULTS.degradedThresholdMs),
  failureThreshold: fields.failureThreshold.default(ENDPOINT_DEFAULTS.failureThreshold),
  paused: fields.paused.default(false),
  secretHeaders: fields.secretHeaders.default([]),
  tags: fields.tags.default([]),
});

export const PatchSchema = z.strictObject(fields).partial();

export type EndpointPatch = z.infer<typeof PatchSchema>;

/** Parses a create request into a full definition, or throws ValidationError naming each field. */
export function parseEndpointCreate(input: unknown): EndpointDefinition {
  const definition = parseWith(CreateSchema, input);
  assertCoherent(definition);
  return definition;
}

/** Parses a partial update; coherence is checked on the merged result by `mergeEndpointPatch`. */
export function parseEndpointPatch(input: unknown): EndpointPatch {
  return parseWith(PatchSchema, input);
}

export function mergeEndpointPatch(current: EndpointDefinition, patch: EndpointPatch): EndpointDefinition {
  const merged = { ...current, ...patch } as EndpointDefinition;
  assertCoherent(merged);
  return merged;
}

function assertCoherent(definition: EndpointDefinition): void {
  const errors = coherenceErrors(definition);
  if (errors.length) throw new ValidationError(errors);
}

/** What is wrong with a definition whose fields are each valid but do not fit together. */
export function coherenceErrors(definition: EndpointDefinition): FieldError[] {
  const errors: FieldError[] = [];
  if (definition.body !== null && (definition.method === 'GET' || definition.method === 'HEAD')) {
    errors.push({ path: 'body', message: `must be null when method is ${definition.method}` });
  }
  return errors;
}

/** Parses a JSON object with `schema`, or throws ValidationError naming each field ("endpoints.3.url"). */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ path: '', message: 'request body must be a JSON object' }]);
  }
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap(toFieldErrors));
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

function toFieldErrors(issue: z.core.$ZodIssue): FieldError[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a known field' }));
  }
  const path = issue.path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'invalid_type') message = issue.input === undefined ? 'is required' : `must be ${EXPECTED_WORDS[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_key') message = 'is not a valid header name';
  return [{ path, message }];
}
