import type { EndpointDefinition } from './types.ts';

/**
 * What an endpoint's fields may hold, as the API enforces it (server/domain/endpoint-input.ts)
 * and the dashboard's form checks it before sending: one copy, so that they cannot drift apart.
 * Numbers are inclusive; lengths are in characters.
 */
export const ENDPOINT_LIMITS = {
  nameLength: 100,
  urlLength: 2048,
  /** Most headers on one endpoint (and most names in `secretHeaders`). */
  headers: 50,
  /** Most characters of all header names and values together. */
  headerChars: 16_384,
  headerNameLength: 256,
  headerValueLength: 8192,
  bodyLength: 65_536,
  intervalSeconds: { min: 1, max: 86_400 },
  retryIntervalSeconds: { min: 1, max: 86_400 },
  timeoutMs: { min: 100, max: 60_000 },
  degradedThresholdMs: { min: 1, max: 3_600_000 },
  certificateWarningDays: { min: 1, max: 365 },
  graceSeconds: { min: 1, max: 604_800 },
  cronLength: 100,
  timezoneLength: 64,
  failureThreshold: { min: 1, max: 100 },
  recoveryThreshold: { min: 1, max: 100 },
  /** Percent, exclusive bounds, at most 3 decimals. */
  slaTarget: { min: 0, max: 100 },
  /** Most codes or ranges in `expectedStatusCodes`. */
  expectedStatusCodes: 20,
  tags: 20,
  tagLength: 50,
  /** Most assertions on one endpoint. */
  assertions: 20,
  /** Longest header name or JSONPath expression of an assertion. */
  assertionPropertyLength: 512,
  /** Longest text an assertion compares with (a regular expression included). */
  assertionTargetLength: 1024,
} as const;

/** What a created endpoint gets for each field the request leaves out. */
export const ENDPOINT_DEFAULTS = {
  type: 'http',
  method: 'GET',
  headers: {},
  body: null,
  intervalSeconds: 60,
  retryIntervalSeconds: null,
  timeoutMs: 10_000,
  expectedStatusCodes: ['200-299'],
  degradedThresholdMs: 2000,
  certificateWarningDays: 14,
  graceSeconds: 60,
  cron: null,
  timezone: null,
  failureThreshold: 3,
  recoveryThreshold: 1,
  slaTarget: null,
  paused: false,
  secretHeaders: [],
  assertions: [],
  tags: [],
  parentId: null,
} as const satisfies Partial<EndpointDefinition>;
