import { z } from 'zod';
import { CHANNEL_FIELDS, CHANNEL_LIMITS as LIMITS } from '../contract/channel-fields.ts';
import {
  CHANNEL_TYPES,
  type ChannelConfigValue,
  NOTIFICATION_EVENTS,
  NOTIFICATION_LANGUAGES,
  type NotificationChannelDefinition,
} from '../contract/notifications.ts';
import { SECRET_MARKER } from '../contract/types.ts';
import { parseWith } from './endpoint-input.ts';
import { scopeFields } from './scope-input.ts';
import { type FieldError, ValidationError } from './errors.ts';
import { displayable, NUL_MESSAGE, noNul } from './text-rules.ts';

/** Loose: a plain address with one @, no spaces or angle brackets (what SMTP servers accept in RCPT TO). */
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(LIMITS.nameLength, `must be at most ${LIMITS.nameLength} characters`).superRefine(displayable),
  type: z.enum(CHANNEL_TYPES, { error: `must be one of ${CHANNEL_TYPES.join(', ')}` }),
  enabled: z.boolean(),
  language: z.enum(NOTIFICATION_LANGUAGES, { error: `must be one of ${NOTIFICATION_LANGUAGES.join(', ')}` }),
  config: z.record(z.string().max(100), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  events: z
    .array(z.enum(NOTIFICATION_EVENTS, { error: `must be one of ${NOTIFICATION_EVENTS.join(', ')}` }))
    .min(1, 'must name at least one event')
    .max(NOTIFICATION_EVENTS.length * 2)
    .transform((events) => [...new Set(events)]),
  ...scopeFields({ endpointIds: 1000, tags: 100 }),
  reminder: z
    .strictObject({
      everyMinutes: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(LIMITS.reminderEveryMinutesMax, `must be at most ${LIMITS.reminderEveryMinutesMax} (a week)`),
      max: z.number().int('must be a whole number').min(1, 'must be at least 1').max(LIMITS.reminderMaxCount, `must be at most ${LIMITS.reminderMaxCount}`),
    })
    .nullable(),
  groupSeconds: z.number().int('must be a whole number').min(0, 'must be at least 0').max(LIMITS.groupSecondsMax, `must be at most ${LIMITS.groupSecondsMax}`),
};

export const ChannelCreateSchema = z.strictObject({
  name: fields.name,
  type: fields.type,
  enabled: fields.enabled.default(true),
  language: fields.language.default('en'),
  config: fields.config,
  events: fields.events.default(['down', 'recovered', 'incident-started', 'incident-resolved', 'certificate-expiring', 'push-missed']),
  allEndpoints: fields.allEndpoints.optional(),
  endpointIds: fields.endpointIds.default([]),
  tags: fields.tags.default([]),
  reminder: fields.reminder.default(null),
  groupSeconds: fields.groupSeconds.default(LIMITS.groupSecondsDefault),
});

export const ChannelPatchSchema = z.strictObject(fields).partial();
export type ChannelPatch = z.infer<typeof ChannelPatchSchema>;

/** Parses a new channel, or throws ValidationError naming each wrong field. With no scope given, it covers every endpoint. */
export function parseChannelCreate(input: unknown): NotificationChannelDefinition {
  const parsed = parseWith(ChannelCreateSchema, input);
  const allEndpoints = parsed.allEndpoints ?? (parsed.endpointIds.length === 0 && parsed.tags.length === 0);
  const definition: NotificationChannelDefinition = { ...parsed, allEndpoints, config: configOf(parsed.type, parsed.config, null) };
  assertCoherent(definition);
  return definition;
}

export function parseChannelPatch(input: unknown): ChannelPatch {
  return parseWith(ChannelPatchSchema, input);
}

/** The stored channel with a patch applied, checked as a whole; secrets sent as SECRET_MARKER keep their stored value. */
export function mergeChannelPatch(current: NotificationChannelDefinition, patch: ChannelPatch): NotificationChannelDefinition {
  const type = patch.type ?? current.type;
  const config = patch.config ? configOf(type, patch.config, type === current.type ? current.config : null) : current.config;
  if (!patch.config && type !== current.type) configOf(type, {}, null);
  const merged: NotificationChannelDefinition = { ...current, ...patch, type, config };
  assertCoherent(merged);
  return merged;
}

function assertCoherent(definition: NotificationChannelDefinition): void {
  const errors: FieldError[] = [];
  if (definition.allEndpoints && (definition.endpointIds.length > 0 || definition.tags.length > 0)) {
    errors.push({
      path: 'allEndpoints',
      message: 'covers every endpoint: endpointIds and tags must then be empty',
      code: 'scope_with_all',
      params: {},
    });
  }
  if (!definition.allEndpoints && definition.endpointIds.length === 0 && definition.tags.length === 0) {
    errors.push({ path: 'allEndpoints', message: 'the channel covers no endpoint: set allEndpoints, endpointIds or tags', code: 'empty_scope', params: {} });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}

/**
 * A type's config checked against CHANNEL_FIELDS: unknown keys refused, required ones present,
 * each value of its kind; SECRET_MARKER keeps the stored secret (`stored`: the same type's config).
 */
export function configOf(
  type: NotificationChannelDefinition['type'],
  sent: Record<string, ChannelConfigValue>,
  stored: Record<string, ChannelConfigValue> | null,
): Record<string, ChannelConfigValue> {
  const known = CHANNEL_FIELDS[type];
  const errors: FieldError[] = [];
  const config: Record<string, ChannelConfigValue> = {};
  for (const key of Object.keys(sent)) {
    if (!known.some((f) => f.key === key)) {
      errors.push({
        path: `config.${key}`,
        message: `is not a setting of a ${type} channel (its settings: ${known.map((f) => f.key).join(', ')})`,
        code: 'unknown_setting',
        params: { type },
      });
    }
  }
  for (const field of known) {
    const path = `config.${field.key}`;
    let value = sent[field.key];
    if (field.secret && value === SECRET_MARKER) {
      value = stored?.[field.key];
      if (value === undefined || value === null) {
        errors.push({
          path,
          message: `"${SECRET_MARKER}" keeps a stored secret, but none is stored: send the real value`,
          code: 'no_stored_secret',
          params: {},
        });
        continue;
      }
    }
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ path, message: `is required for a ${type} channel`, code: 'required', params: {} });
      else if (field.default !== undefined && field.default !== null) config[field.key] = field.default;
      continue;
    }
    const problem = valueProblem(field.kind, value, field.choices);
    if (problem) errors.push({ path, message: problem.message, code: problem.code, params: problem.params ?? {} });
    else config[field.key] = typeof value === 'string' ? value.trim() : value;
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return config;
}

function valueProblem(
  kind: string,
  value: ChannelConfigValue,
  choices?: readonly string[],
): { message: string; code: string; params?: Record<string, string | number> } | null {
  if (kind === 'number') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65_535)
      return { message: 'must be a port number (1 … 65535)', code: 'invalid_port' };
    return null;
  }
  if (typeof value !== 'string') return { message: 'must be a string', code: 'invalid_type' };
  if (value.length > LIMITS.configValueLength) return { message: `must be at most ${LIMITS.configValueLength} characters`, code: 'too_long' };
  if (!noNul(value)) return { message: NUL_MESSAGE.message, code: 'nul_character' };
  if (/[\r\n]/.test(value)) return { message: 'must be one line', code: 'invalid_text' };
  if (kind === 'url') {
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      return { message: 'must be an absolute http(s) URL', code: 'invalid_url' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { message: 'must be an http or https URL', code: 'invalid_url' };
  }
  if (kind === 'choice' && choices && !choices.includes(value)) return { message: `must be one of ${choices.join(', ')}`, code: 'invalid_choice' };
  if (kind === 'emails') {
    const addresses = value
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (addresses.length === 0) return { message: 'must name at least one address', code: 'required' };
    if (addresses.length > LIMITS.recipientsMax) return { message: `at most ${LIMITS.recipientsMax} addresses`, code: 'too_many' };
    const bad = addresses.find((a) => !EMAIL.test(a));
    if (bad) return { message: `"${bad}" is not an email address`, code: 'invalid_email', params: { address: bad } };
  }
  return null;
}
