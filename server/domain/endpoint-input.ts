import { z } from 'zod';
import { HTTP_METHODS, MONITOR_TYPES, type MonitorType, type Endpoint, type EndpointDefinition, type SavedEndpoint, type Warning } from '../contract/types.ts';
import { ENDPOINT_DEFAULTS, ENDPOINT_LIMITS as LIMITS } from '../contract/endpoint-limits.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { coded, codedPattern, toFieldErrors } from './zod-issues.ts';
import { statusSpecProblem } from './expected-status.ts';
import { countedFirst, sizedFirst } from './bounded-input.ts';
import { displayable, NUL_MESSAGE, noNul } from './text-rules.ts';
import { HTTP_TOKEN } from '../contract/http-token.ts';
import { assertionsField } from './assertion-input.ts';
import { addressProblem, socketAddressOf, typeOfUrl } from '../contract/monitor-address.ts';
import { SOURCES_OF_TYPE } from '../contract/assertion-rules.ts';
import { cronProblem } from './push-schedule.ts';
import { isTimeZone } from '../contract/time-zone.ts';
import { newPushUrl } from './push-token.ts';
import { UUID_PATTERN } from './ids.ts';

export { ENDPOINT_DEFAULTS };

const HEADER_NAME = codedPattern(HTTP_TOKEN, 'invalid_header_name');

/** Most headers on one endpoint, and most characters of all their names and values together. */
export const MAX_HEADERS = LIMITS.headers;
export const MAX_HEADER_CHARS = LIMITS.headerChars;

/** Header names once each, whatever their letter case (the first spelling wins). */
const uniqueNames = (names: string[]) => names.filter((name, i) => names.findIndex((n) => n.toLowerCase() === name.toLowerCase()) === i);

const int = ({ min, max }: { min: number; max: number }) =>
  z.number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`).superRefine(displayable),
  type: z.enum(MONITOR_TYPES, { error: `must be one of ${MONITOR_TYPES.join(', ')}` }),
  // What the URL must say depends on the type: see `coherenceErrors`.
  url: z
    .string()
    .max(LIMITS.urlLength, `must be at most ${LIMITS.urlLength} characters`)
    .refine(noNul, NUL_MESSAGE)
    .refine((value) => typeOfUrl(value) !== null, coded('must be an absolute http(s)://, tcp://, tls:// or dns: URL', 'invalid_url')),
  method: z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(', ')}` }),
  // Counted and measured before the entries are parsed one by one.
  headers: countedFirst(
    sizedFirst(
      z.record(
        z.string().regex(HEADER_NAME, 'is not a valid header name').max(LIMITS.headerNameLength),
        z
          .string({ error: 'header values must be strings' })
          .max(LIMITS.headerValueLength, `must be at most ${LIMITS.headerValueLength} characters`)
          .refine((v) => !/[\r\n\0]/.test(v), coded('must not contain line breaks', 'line_break')),
      ),
      MAX_HEADER_CHARS,
      `must hold at most ${MAX_HEADER_CHARS} characters of names and values together`,
    ),
    'keys',
    MAX_HEADERS,
    `at most ${MAX_HEADERS} headers`,
  ),
  body: z.string().max(LIMITS.bodyLength, `must be at most ${LIMITS.bodyLength} characters`).refine(noNul, NUL_MESSAGE).nullable(),
  intervalSeconds: int(LIMITS.intervalSeconds),
  retryIntervalSeconds: int(LIMITS.retryIntervalSeconds).nullable(),
  timeoutMs: int(LIMITS.timeoutMs),
  expectedStatusCodes: countedFirst(
    z
      .array(z.union([z.string(), z.number().int()]).transform((v) => String(v).trim()))
      .min(1, 'must list at least one code or range')
      .max(LIMITS.expectedStatusCodes, `must list at most ${LIMITS.expectedStatusCodes} codes or ranges`),
    'items',
    LIMITS.expectedStatusCodes,
    `must list at most ${LIMITS.expectedStatusCodes} codes or ranges`,
  ).superRefine((specs, ctx) => {
    specs.forEach((spec, i) => {
      const error = statusSpecProblem(spec);
      if (error) ctx.addIssue({ code: 'custom', ...coded(error.message, error.code, { spec }), path: [i] });
    });
  }),
  degradedThresholdMs: int(LIMITS.degradedThresholdMs),
  certificateWarningDays: int(LIMITS.certificateWarningDays).nullable(),
  graceSeconds: int(LIMITS.graceSeconds),
  cron: z
    .string()
    .trim()
    .min(1, 'must not be empty (null: every intervalSeconds)')
    .max(LIMITS.cronLength, `must be at most ${LIMITS.cronLength} characters`)
    .refine(noNul, NUL_MESSAGE)
    .nullable(),
  timezone: z
    .string()
    .max(LIMITS.timezoneLength, `must be at most ${LIMITS.timezoneLength} characters`)
    .refine(isTimeZone, coded('is not a time zone this server knows (an IANA name such as Europe/Berlin or Asia/Seoul)', 'invalid_timezone'))
    .nullable(),
  failureThreshold: int(LIMITS.failureThreshold),
  recoveryThreshold: int(LIMITS.recoveryThreshold),
  slaTarget: z
    .number({ error: 'must be a number (a percentage such as 99.9) or null' })
    .gt(LIMITS.slaTarget.min, `must be more than ${LIMITS.slaTarget.min}`)
    .lt(LIMITS.slaTarget.max, `must be less than ${LIMITS.slaTarget.max} (100% leaves no error budget)`)
    .refine((v) => Number(v.toFixed(3)) === v, coded('must have at most 3 decimals', 'too_precise'))
    .nullable(),
  assertions: assertionsField,
  paused: z.boolean(),
  // Names only: marking a header secret needs no value, and may come before the header does.
  secretHeaders: countedFirst(
    z
      .array(z.string().regex(HEADER_NAME, 'is not a valid header name').max(LIMITS.headerNameLength, `must be at most ${LIMITS.headerNameLength} characters`))
      .max(MAX_HEADERS, `at most ${MAX_HEADERS} names`),
    'items',
    MAX_HEADERS,
    `at most ${MAX_HEADERS} names`,
  ).transform(uniqueNames),
  tags: countedFirst(
    z
      .array(z.string().trim().min(1, 'must not be empty').max(LIMITS.tagLength, `must be at most ${LIMITS.tagLength} characters`).superRefine(displayable))
      .max(LIMITS.tags, `at most ${LIMITS.tags} tags`),
    'items',
    LIMITS.tags,
    `at most ${LIMITS.tags} tags`,
  ).transform((tags) => [...new Set(tags)]),
  // That it exists, and makes no loop, is checked against the endpoints there are (services/endpoints/parent-check.ts).
  parentId: z
    .string()
    .regex(UUID_PATTERN, 'must be a UUID')
    .transform((id) => id.toLowerCase())
    .nullable(),
};

export const CreateSchema = z.strictObject({
  name: fields.name,
  // Left out, it follows the URL's scheme: see `withType`. A push endpoint's URL is made by Vigil.
  type: fields.type.optional(),
  url: fields.url.optional(),
  method: fields.method.default(ENDPOINT_DEFAULTS.method),
  headers: fields.headers.default({}),
  body: fields.body.default(null),
  intervalSeconds: fields.intervalSeconds.default(ENDPOINT_DEFAULTS.intervalSeconds),
  retryIntervalSeconds: fields.retryIntervalSeconds.default(ENDPOINT_DEFAULTS.retryIntervalSeconds),
  timeoutMs: fields.timeoutMs.default(ENDPOINT_DEFAULTS.timeoutMs),
  expectedStatusCodes: fields.expectedStatusCodes.default([...ENDPOINT_DEFAULTS.expectedStatusCodes]),
  degradedThresholdMs: fields.degradedThresholdMs.default(ENDPOINT_DEFAULTS.degradedThresholdMs),
  certificateWarningDays: fields.certificateWarningDays.default(ENDPOINT_DEFAULTS.certificateWarningDays),
  graceSeconds: fields.graceSeconds.default(ENDPOINT_DEFAULTS.graceSeconds),
  cron: fields.cron.default(ENDPOINT_DEFAULTS.cron),
  timezone: fields.timezone.default(ENDPOINT_DEFAULTS.timezone),
  failureThreshold: fields.failureThreshold.default(ENDPOINT_DEFAULTS.failureThreshold),
  recoveryThreshold: fields.recoveryThreshold.default(ENDPOINT_DEFAULTS.recoveryThreshold),
  slaTarget: fields.slaTarget.default(ENDPOINT_DEFAULTS.slaTarget),
  assertions: fields.assertions.default([]),
  paused: fields.paused.default(false),
  secretHeaders: fields.secretHeaders.default([]),
  tags: fields.tags.default([]),
  parentId: fields.parentId.default(ENDPOINT_DEFAULTS.parentId),
});

export const PatchSchema = z.strictObject(fields).partial();

export type EndpointPatch = z.infer<typeof PatchSchema>;

/** Parses a create request into a full definition, or throws ValidationError naming each field. */
export function parseEndpointCreate(input: unknown): EndpointDefinition {
  const parsed = parseWith(CreateSchema, input);
  const missing = urlMissing(parsed);
  if (missing) throw new ValidationError([missing]);
  const definition = withType(parsed);
  assertCoherent(definition, (input as Partial<EndpointDefinition>).degradedThresholdMs !== undefined);
  return definition;
}

/** Parses a partial update; coherence is checked on the merged result by `mergeEndpointPatch`. */
export function parseEndpointPatch(input: unknown): EndpointPatch {
  const patch = parseWith(PatchSchema, input);
  if (patch.url !== undefined && patch.type === undefined) return { ...patch, type: typeOfUrl(patch.url) ?? undefined };
  return patch;
}

/**
 * A definition that sends no type gets the one its URL's scheme implies (`tcp://…` → tcp), so that
 * a client unaware of types keeps creating http endpoints, and one aware of them may leave it out.
 * A push endpoint sent without a URL gets a new one (`push:<token>`).
 */
export function withType<T extends { type?: MonitorType | undefined; url?: string | undefined }>(
  definition: T,
): Omit<T, 'type' | 'url'> & { type: MonitorType; url: string } {
  const type = definition.type ?? (definition.url === undefined ? undefined : typeOfUrl(definition.url)) ?? 'http';
  return { ...definition, type, url: definition.url ?? newPushUrl() };
}

/** Only a push endpoint may leave its URL out (Vigil makes it). */
export function urlMissing(definition: { type?: MonitorType | undefined; url?: string | undefined }): FieldError | null {
  if (definition.url !== undefined || definition.type === 'push') return null;
  return { path: 'url', message: 'is required', code: 'required', params: {} };
}

export function mergeEndpointPatch(current: EndpointDefinition, patch: EndpointPatch): EndpointDefinition {
  const merged = { ...current, ...patch } as EndpointDefinition;
  // Becoming a push endpoint without a URL of its own: Vigil makes one.
  if (patch.type === 'push' && patch.url === undefined && current.type !== 'push') merged.url = newPushUrl();
  assertCoherent(merged, patch.degradedThresholdMs !== undefined);
  return merged;
}

/**
 * A threshold the request sets is refused when no check could ever reach it; one it left at the
 * default or as stored only earns a warning (see `definitionWarnings`): a client sending just
 * `timeoutMs: 1000` never asked for DEGRADED, and stored endpoints must stay editable.
 */
function assertCoherent(definition: EndpointDefinition, thresholdSent: boolean): void {
  const errors = coherenceErrors(definition);
  // A push endpoint has no timeout (it waits for pings), so no threshold can be out of its reach.
  if (thresholdSent && definition.type !== 'push' && definition.degradedThresholdMs >= definition.timeoutMs) {
    const { degradedThresholdMs, timeoutMs } = definition;
    errors.push({
      path: 'degradedThresholdMs',
      message: `must be less than timeoutMs (${timeoutMs}): a check is cut off at the timeout, so it could never be DEGRADED`,
      code: 'degraded_not_below_timeout',
      params: { degradedThresholdMs, timeoutMs },
    });
  }
  if (errors.length) throw new ValidationError(errors);
}

/** What is wrong with a definition whose fields are each valid but do not fit together. */
export function coherenceErrors(definition: EndpointDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const { type } = definition;
  const address = addressProblem(type, definition.url);
  if (address) errors.push({ path: 'url', message: address.message, code: address.code, params: { type } });
  if (type === 'http' && definition.body !== null && (definition.method === 'GET' || definition.method === 'HEAD')) {
    errors.push({ path: 'body', message: `must be null when method is ${definition.method}`, code: 'body_not_allowed', params: { method: definition.method } });
  }
  if ((type === 'dns' || type === 'tls') && definition.body !== null) {
    errors.push({ path: 'body', message: `must be null for a ${type} endpoint: it sends nothing`, code: 'not_for_type', params: { type } });
  }
  if (type === 'push' && definition.body !== null) {
    errors.push({ path: 'body', message: 'must be null for a push endpoint: it sends nothing', code: 'not_for_type', params: { type } });
  }
  if (type !== 'push') {
    for (const path of ['cron', 'timezone'] as const) {
      if (definition[path] !== null) {
        errors.push({ path, message: `must be null for a ${type} endpoint: only push endpoints expect pings`, code: 'not_for_type', params: { type } });
      }
    }
  } else if (definition.cron !== null) {
    const detail = cronProblem(definition.cron, definition.timezone);
    if (detail) errors.push({ path: 'cron', message: `is not a cron expression Vigil can follow: ${detail}`, code: 'invalid_cron', params: { detail } });
  } else if (definition.timezone !== null) {
    errors.push({ path: 'timezone', message: 'must be null without cron: an interval has no time zone', code: 'timezone_without_cron', params: {} });
  }
  if (type !== 'http' && Object.keys(definition.headers).length > 0) {
    errors.push({ path: 'headers', message: `must be empty for a ${type} endpoint: only HTTP requests have headers`, code: 'not_for_type', params: { type } });
  }
  const sources = SOURCES_OF_TYPE[type];
  const hasTls = type === 'http' ? definition.url.toLowerCase().startsWith('https:') : type === 'tls' || socketAddressOf(definition.url)?.tls === true;
  definition.assertions.forEach((assertion, i) => {
    if (!sources.includes(assertion.source)) {
      errors.push({
        path: `assertions.${i}.source`,
        message: `must be one of ${sources.join(', ')} for a ${type} endpoint`,
        code: 'source_not_for_type',
        params: { type, allowed: sources.join(', ') },
      });
    } else if (assertion.source === 'certificateDays' && !hasTls) {
      const message =
        type === 'http' ? 'needs an https:// URL: only TLS answers have a certificate' : 'needs a tls:// URL: only TLS connections have a certificate';
      errors.push({ path: `assertions.${i}.source`, message, code: 'needs_https', params: {} });
    }
  });
  return errors;
}

/**
 * What is accepted but probably not meant. A timeout longer than the interval lets a hanging
 * target's checks overlap their schedule (each waits out the timeout before the next can start).
 */
export function definitionWarnings(definition: EndpointDefinition): Warning[] {
  const warnings: Warning[] = [];
  if (definition.type === 'push') return warnings;
  const { timeoutMs, intervalSeconds, degradedThresholdMs } = definition;
  if (timeoutMs > intervalSeconds * 1000) {
    warnings.push({
      path: 'timeoutMs',
      code: 'timeout_exceeds_interval',
      params: { timeoutMs, intervalSeconds },
      message: `timeoutMs (${timeoutMs}) is longer than the interval (${intervalSeconds} s): a target that hangs is checked less often than every ${intervalSeconds} s`,
    });
  }
  // A check is cut off at the timeout, so it is never slower than a threshold at or above it.
  if (degradedThresholdMs >= timeoutMs) {
    warnings.push({
      path: 'degradedThresholdMs',
      code: 'degraded_unreachable',
      params: { degradedThresholdMs, timeoutMs },
      message: `degradedThresholdMs (${degradedThresholdMs}) is not below timeoutMs (${timeoutMs}): this endpoint can never be DEGRADED`,
    });
  }
  return warnings;
}

/**
 * A saved endpoint as POST and PATCH answer it: with `warnings` when something looks odd (the
 * field is left out otherwise, so the answer stays the Endpoint that a GET or an event carries).
 */
export function withWarnings(endpoint: Endpoint): SavedEndpoint {
  const warnings = definitionWarnings(endpoint);
  return warnings.length ? { ...endpoint, warnings } : endpoint;
}

/** Parses a JSON object with `schema`, or throws ValidationError naming each field ("endpoints.3.url"). */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ path: '', message: 'request body must be a JSON object', code: 'not_an_object' }]);
  }
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap(toFieldErrors));
}
