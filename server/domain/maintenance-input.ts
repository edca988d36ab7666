import { Cron } from 'croner';
import { z } from 'zod';
import { MAINTENANCE_KINDS, type MaintenanceWindowDefinition } from '../contract/types.ts';
import { MAINTENANCE_LIMITS as LIMITS } from '../contract/maintenance-limits.ts';
import { ENDPOINT_LIMITS } from '../contract/endpoint-limits.ts';
import { displayable, NUL_MESSAGE, noNul } from './text-rules.ts';
import { type FieldError, ValidationError } from './errors.ts';
import { isTimeZone } from '../contract/time-zone.ts';
import { parseWith } from './endpoint-input.ts';
import { scopeFields } from './scope-input.ts';
import { coded } from './zod-issues.ts';

/** A time with its offset, kept as the instant it names (ISO 8601 in UTC). */
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 time with its offset, e.g. 2026-12-24T22:00:00+09:00' })
  .transform((value) => new Date(value).toISOString())
  .nullable();

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`).superRefine(displayable),
  description: z
    .string()
    .trim()
    .max(LIMITS.descriptionLength, `must be at most ${LIMITS.descriptionLength} characters`)
    .refine(noNul, NUL_MESSAGE)
    .transform((value) => (value === '' ? null : value))
    .nullable(),
  kind: z.enum(MAINTENANCE_KINDS, { error: `must be one of ${MAINTENANCE_KINDS.join(', ')}` }),
  startsAt: instant,
  endsAt: instant,
  cron: z
    .string()
    .trim()
    .min(1, 'must not be empty (null for a window of kind once)')
    .max(LIMITS.cronLength, `must be at most ${LIMITS.cronLength} characters`)
    .refine(noNul, NUL_MESSAGE)
    .nullable(),
  durationMinutes: z
    .number()
    .int('must be a whole number')
    .min(LIMITS.durationMinutes.min, `must be at least ${LIMITS.durationMinutes.min}`)
    .max(LIMITS.durationMinutes.max, `must be at most ${LIMITS.durationMinutes.max} (30 days)`)
    .nullable(),
  timezone: z
    .string()
    .max(ENDPOINT_LIMITS.timezoneLength, `must be at most ${ENDPOINT_LIMITS.timezoneLength} characters`)
    .refine(isTimeZone, coded('is not a time zone this server knows (an IANA name such as Europe/Berlin or Asia/Seoul)', 'invalid_timezone'))
    .nullable(),
  ...scopeFields(LIMITS),
};

export const MaintenanceCreateSchema = z.strictObject({
  name: fields.name,
  description: fields.description.default(null),
  // Left out, it follows from `cron`: a cron expression makes a recurring window.
  kind: fields.kind.optional(),
  startsAt: fields.startsAt.default(null),
  endsAt: fields.endsAt.default(null),
  cron: fields.cron.default(null),
  durationMinutes: fields.durationMinutes.default(null),
  timezone: fields.timezone.default(null),
  allEndpoints: fields.allEndpoints.default(false),
  endpointIds: fields.endpointIds.default([]),
  tags: fields.tags.default([]),
});

export const MaintenancePatchSchema = z.strictObject(fields).partial();

export type MaintenancePatch = z.infer<typeof MaintenancePatchSchema>;

/** Parses a new window, or throws ValidationError naming each wrong field. */
export function parseMaintenanceCreate(input: unknown): MaintenanceWindowDefinition {
  const parsed = parseWith(MaintenanceCreateSchema, input);
  const definition: MaintenanceWindowDefinition = { ...parsed, kind: parsed.kind ?? (parsed.cron === null ? 'once' : 'recurring') };
  assertCoherent(definition);
  return definition;
}

export function parseMaintenancePatch(input: unknown): MaintenancePatch {
  return parseWith(MaintenancePatchSchema, input);
}

/** The stored window with a patch applied, checked as a whole. */
export function mergeMaintenancePatch(current: MaintenanceWindowDefinition, patch: MaintenancePatch): MaintenanceWindowDefinition {
  const merged = { ...current, ...patch } as MaintenanceWindowDefinition;
  assertCoherent(merged);
  return merged;
}

function assertCoherent(definition: MaintenanceWindowDefinition): void {
  const errors = coherenceErrors(definition);
  if (errors.length > 0) throw new ValidationError(errors);
}

/** What is wrong with a window whose fields are each valid but do not fit together. */
export function coherenceErrors(definition: MaintenanceWindowDefinition): FieldError[] {
  const errors: FieldError[] = [];
  const { kind, startsAt, endsAt } = definition;
  if (kind === 'once') {
    for (const path of ['startsAt', 'endsAt'] as const) {
      if (definition[path] === null) errors.push({ path, message: 'is required for a window of kind once', code: 'required', params: {} });
    }
    for (const path of ['cron', 'durationMinutes', 'timezone'] as const) {
      if (definition[path] !== null) {
        errors.push({
          path,
          message: 'must be null for a window of kind once: it has one period, from startsAt to endsAt',
          code: 'not_for_kind',
          params: { kind },
        });
      }
    }
  } else {
    for (const path of ['cron', 'durationMinutes'] as const) {
      if (definition[path] === null) errors.push({ path, message: 'is required for a recurring window', code: 'required', params: {} });
    }
    if (definition.cron !== null) {
      const detail = cronProblem(definition.cron, definition.timezone);
      if (detail) errors.push({ path: 'cron', message: `is not a cron expression Vigil can follow: ${detail}`, code: 'invalid_cron', params: { detail } });
    }
  }
  if (startsAt !== null && endsAt !== null) {
    const length = Date.parse(endsAt) - Date.parse(startsAt);
    if (length <= 0) errors.push({ path: 'endsAt', message: 'must be after startsAt', code: 'ends_before_start', params: { startsAt } });
    else if (kind === 'once' && length > LIMITS.onceDays * 86_400_000) {
      errors.push({
        path: 'endsAt',
        message: `must be at most ${LIMITS.onceDays} days after startsAt`,
        code: 'period_too_long',
        params: { maxDays: LIMITS.onceDays },
      });
    }
  }
  const listed = definition.endpointIds.length + definition.tags.length;
  if (definition.allEndpoints && listed > 0) {
    errors.push({
      path: definition.endpointIds.length > 0 ? 'endpointIds' : 'tags',
      message: 'must be empty when allEndpoints is true: the window already covers every endpoint',
      code: 'scope_with_all',
      params: {},
    });
  } else if (!definition.allEndpoints && listed === 0) {
    errors.push({
      path: 'endpointIds',
      message: 'must name at least one endpoint, unless tags or allEndpoints say what the window covers',
      code: 'empty_scope',
      params: {},
    });
  }
  return errors;
}

/** Why a cron expression or time zone cannot be used, or null. */
function cronProblem(expression: string, timezone: string | null): string | null {
  try {
    new Cron(expression, { paused: true, timezone: timezone ?? 'UTC' });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
