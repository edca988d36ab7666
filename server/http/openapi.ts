import { z } from 'zod';
import { ASSERTION_COMPARISONS, ASSERTION_SOURCES, CHECK_ERROR_CODES, ENDPOINT_STATUSES } from '../contract/types.ts';
import { CreateSchema, PatchSchema } from '../domain/endpoint-input.ts';
import { MaintenanceCreateSchema, MaintenancePatchSchema } from '../domain/maintenance-input.ts';
import { ChannelCreateSchema, ChannelPatchSchema } from '../domain/channel-input.ts';
import { CHANNEL_TYPES, NOTIFICATION_EVENTS, NOTIFICATION_LANGUAGES } from '../contract/notifications.ts';
import { QUERY_SCHEMAS } from '../domain/list-queries.ts';
import { StatusPageCreateSchema, StatusPagePatchSchema } from '../domain/status-page-input.ts';
import { IncidentUpdateCreateSchema, IncidentUpdatePatchSchema } from '../domain/incident-update-input.ts';
import { INCIDENT_UPDATE_STATES, PAGE_OVERALL_STATES, STATUS_PAGE_LANGUAGES, STATUS_PAGE_VISIBILITIES, SUBSCRIBER_KINDS } from '../contract/status-pages.ts';
import { DEFAULT_SERIES_RANGE, SERIES_QUERY_SCHEMA, SERIES_RANGE_NAMES } from '../domain/series-query.ts';
import { ImportDocumentSchema, MAX_IMPORT_ENTRIES } from '../domain/endpoint-transfer.ts';
import { SECRET_MARKER } from '../domain/secrets.ts';
import { ROLES, type Permission } from '../auth/roles.ts';
import { permissionFor } from '../auth/route-permissions.ts';
import { RESET_HOURS } from '../services/accounts/password-resets.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { KEY_LIMITS } from '../auth/personal-keys.ts';
import { ACCOUNT_LIMITS } from '../domain/account-input.ts';

type Json = Record<string, unknown>;

/** JSON Schema of a request schema, as clients must send it (the same zod schema validates requests). */
function inputSchema(schema: z.ZodType): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Json = {}) => ({ type: [type, 'null'], ...extra });
const time = { type: 'string', format: 'date-time' };
const uuid = { type: 'string', format: 'uuid' };
const int = { type: 'integer' };
/** A response object: every property always present, nothing else (tests validate real answers against it). */
const exact = (properties: Json, extra: Json = {}) => ({
  type: 'object',
  required: Object.keys(properties),
  additionalProperties: false,
  properties,
  ...extra,
});
const page = (item: string) => exact({ items: { type: 'array', items: ref(item) }, nextCursor: nullable('string') });
const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const tokenParam = {
  name: 'token',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: "The push endpoint's token (GET /api/endpoints/{id}/push-url)",
};
/** A ping: `OK` once it is taken (while the database is away too), 404 for an unknown token. */
const pingOperation = (summary: string) => ({
  tags: ['Push'],
  summary,
  security: [],
  responses: {
    '200': { description: 'Taken (`OK (paused: not recorded)` while the endpoint is paused)', content: { 'text/plain': { schema: { type: 'string' } } } },
    ...problems(404, 413),
  },
});
/** A check error's code and parameters (docs/api-errors.md); null when there is no error, or it predates codes. */
const errorCode = { type: ['string', 'null'], enum: [...CHECK_ERROR_CODES, null], description: 'See docs/api-errors.md' };
const messageParams = { type: 'object', additionalProperties: { type: ['string', 'number'] } };
const errorParams = { ...messageParams, type: ['object', 'null'] };
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; errors[] names each field',
  401: 'No session and no API key (or a wrong key): sign in (POST /api/session) or send Authorization: Bearer <API_KEY>; code setup_required before the owner account exists',
  403: "Sent by a web page of another origin (Origin not Vigil's own nor in ALLOWED_ORIGINS); a role too low for the route, or a read-only key writing (code forbidden_role, params.role and params.needs); or a write signed in by cookie without X-CSRF-Token (code csrf_token)",
  404: 'Unknown id',
  409: 'Conflict',
  413: 'Body larger than BODY_LIMIT_BYTES',
  415: 'Content-Type is not application/json (writes that take no body may send none)',
  421: 'Host header names a host this Vigil does not answer to (DNS rebinding); see PUBLIC_URL and ALLOWED_HOSTS',
  429: 'Too many wrong API keys from this address; see Retry-After',
  503: 'The database is unavailable (down, unreachable or out of disk); see Retry-After',
};
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: PROBLEM_DESCRIPTIONS[s] ?? 'Problem', content: { 'application/problem+json': { schema: ref('Problem') } } },
    ]),
  );
/** A problem answer of one status with its own description (what the route's refusals mean). */
const problemAs = (status: number, description: string) => ({
  [String(status)]: { description, content: { 'application/problem+json': { schema: ref('Problem') } } },
});
/** Adds the problem answers an operation does not describe itself (its own description of a status stays). */
const addProblems = (operation: { responses: Json }, statuses: number[]) => {
  operation.responses = { ...operation.responses, ...problems(...statuses.filter((status) => !(String(status) in operation.responses))) };
};
const query = (name: string, schema: Json, description: string) => ({ name, in: 'query', required: false, schema, description });
const idParam = { name: 'id', in: 'path', required: true, schema: uuid };
const limit = (max: number, dflt: number): [Json, string] => [{ type: 'integer', minimum: 1, maximum: max, default: dflt }, 'Page size'];
const cursor: [Json, string] = [{ type: 'string' }, 'nextCursor of the previous page'];
/** Who an audit entry's actor is (what GET /api/audit-log?actorKind= takes). */
const AUDIT_ACTOR_KINDS = QUERY_SCHEMAS.auditLog.shape.actorKind.unwrap().options;

/**
 * The query parameters of a route: exactly the keys of the zod schema that parses its query
 * string. A key without a description here (or a description without a key) fails at once.
 */
function queryParameters(schema: z.ZodObject, described: Record<string, [Json, string]>): Json[] {
  const names = Object.keys(schema.shape);
  const extra = Object.keys(described).filter((n) => !names.includes(n));
  const missing = names.filter((n) => !(n in described));
  if (extra.length || missing.length) throw new Error(`OpenAPI query parameters out of date: missing ${missing}, extra ${extra}`);
  return names.map((name) => query(name, described[name]![0], described[name]![1]));
}

/** How every read shows target credentials (server/domain/secrets.ts). */
const SECRETS_NOTE =
  `Secrets are write-only. A header named authorization, proxy-authorization, cookie or set-cookie, whose name contains token, key, secret, password, passwd, auth, session or credential, or that secretHeaders names, reads as ${JSON.stringify(SECRET_MARKER)}; ` +
  `so do the URL's password (https://user:${SECRET_MARKER}@host/) and the value of a query parameter whose name the same rule matches (?api_key=${SECRET_MARKER}). Writing the marker back keeps the stored value as long as the URL keeps its origin; a header left out of a sent headers map is removed.`;

/** The OpenAPI 3.1 document of the REST API; request bodies come from the validating schemas. */
export function buildOpenApi(options: { publicUrl?: URL | undefined } = {}): Json {
  const document = withAccess(withRequestChecks(withDatabaseUnavailable(buildDocument())));
  // Swagger UI's "Try it out" and generated clients then call the address people use.
  if (options.publicUrl) document.servers = [{ url: options.publicUrl.href.replace(/\/$/, '') }];
  return document;
}

/** Answered whatever the Host: container health checks and Prometheus use service names (server/http/middleware/host-check.ts). */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = new Set(['get', ...WRITE_METHODS]);

interface Operation {
  responses: Json;
  description?: string;
  security?: Json[];
}

/** Every operation of the document with its path and (lower-case) method; a path item's `parameters` are not one. */
function operationsOf(document: Json): [path: string, method: string, operation: Operation][] {
  return Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]): [string, string, Operation] => [path, method, operation]),
  );
}

/** The refusals of server/http/middleware/: Host (421) on every route but the probes, Origin (403) and Content-Type (415) on writes. */
function withRequestChecks(document: Json): Json {
  for (const [path, method, operation] of operationsOf(document)) {
    addProblems(operation, [...(PROBES.has(path) ? [] : [421]), ...(WRITE_METHODS.has(method) ? [403, 415] : path === '/api/export' ? [403] : [])]);
  }
  return document;
}

/** Who a permission of server/auth/route-permissions.ts lets in, as each operation's description says it. */
const NEEDS: Record<Exclude<Permission, 'public'>, string> = {
  read: 'Needs: viewer.',
  edit: 'Needs: editor.',
  manage: 'Needs: owner.',
  account: "Needs: a signed-in person (it is about the caller's own account: only the session cookie; keys, API_KEY or personal, are refused 403).",
};

/**
 * What every operation asks of its caller, from the table the server checks
 * (server/auth/route-permissions.ts; a route it does not name is an owner's only): a route that is
 * not public needs the session cookie or a key (the caller's own account: the cookie only), and
 * may answer 401 (nobody), 403 (a role too low, a cookie write without X-CSRF-Token) and 429 (too
 * many wrong keys). Public routes, pings (their token is in the URL) and the public status site
 * need nothing.
 */
function withAccess(document: Json): Json {
  for (const [path, method, operation] of operationsOf(document)) {
    const permission: Permission =
      path.startsWith('/api/') && !path.startsWith('/api/push/')
        ? (permissionFor(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')) ?? 'manage')
        : 'public';
    if (permission === 'public') {
      operation.security = [];
      continue;
    }
    operation.security = permission === 'account' ? [{ session: [] }] : [{ bearer: [] }, { session: [] }];
    addProblems(operation, [401, 403, 429]);
    operation.description = operation.description ? `${operation.description}\n\n${NEEDS[permission]}` : NEEDS[permission];
  }
  return document;
}

/** Routes that answer without the database (the key, this document, the live streams). */
const WITHOUT_DATABASE = new Set(['/api/openapi.json', '/api/auth', '/api/auth/verify', '/api/events', '/api/push/{token}', '/api/push/{token}/{signal}']);

/** Every /api operation that reads or writes the database answers 503 while it is away. */
function withDatabaseUnavailable(document: Json): Json {
  for (const [path, , operation] of operationsOf(document)) {
    if (!path.startsWith('/api/') || WITHOUT_DATABASE.has(path)) continue;
    addProblems(operation, [503]);
  }
  return document;
}

function buildDocument(): Json {
  const incidentProperties = {
    id: uuid,
    endpointId: uuid,
    endpointName: { type: 'string' },
    startedAt: time,
    resolvedAt: nullable('string', { format: 'date-time' }),
    failureCount: int,
    errorMessage: nullable('string'),
    errorCode,
    errorParams,
    causedBy: {
      oneOf: [exact({ endpointId: uuid, endpointName: { type: 'string' }, incidentId: nullable('string', { format: 'uuid' }) }), { type: 'null' }],
      description: "The parent it was blamed on: it opened while the endpoint's parent was DOWN or in maintenance, and notified nobody (docs/dependencies.md)",
    },
  };
  const endpointInput = inputSchema(CreateSchema);
  const endpointProperties = (endpointInput.properties ?? {}) as Json;
  const endpointResource = {
    id: uuid,
    ...endpointProperties,
    // As read, every field of an assertion is there (the request may leave some to their defaults).
    assertions: {
      type: 'array',
      items: exact({
        source: { enum: [...ASSERTION_SOURCES] },
        property: nullable('string'),
        comparison: { enum: [...ASSERTION_COMPARISONS] },
        target: { type: ['string', 'number', 'boolean', 'null'] },
        severity: { enum: ['DOWN', 'DEGRADED'] },
      }),
      description: 'Conditions on the answer beyond the status codes and the threshold (docs/assertions.md)',
    },
    status: { enum: [...ENDPOINT_STATUSES] },
    lastCheckedAt: nullable('string', { format: 'date-time' }),
    lastResponseTime: nullable('integer'),
    lastStatusCode: nullable('integer'),
    lastErrorMessage: nullable('string'),
    lastErrorCode: errorCode,
    lastErrorParams: errorParams,
    consecutiveFailures: int,
    certificateExpiresAt: nullable('string', {
      format: 'date-time',
      description: 'When the certificate the last check saw expires (https, tls:// and tls endpoints); null before one was seen',
    }),
    lastPingAt: nullable('string', { format: 'date-time', description: 'push: when the last ping came; null before the first, and for the other types' }),
    nextDeadlineAt: nullable('string', {
      format: 'date-time',
      description: 'push: when it turns DOWN unless a ping comes first; null while paused and for the other types',
    }),
    maintenance: {
      oneOf: [
        exact(
          { windowId: uuid, windowName: { type: 'string' }, endsAt: { ...time, description: 'When the current period ends' } },
          { description: 'The maintenance window covering the endpoint now' },
        ),
        { type: 'null' },
      ],
      description: 'The window covering it now (status MAINTENANCE); null outside windows and while paused (docs/maintenance-windows.md)',
    },
    createdAt: time,
    updatedAt: time,
  };
  const windowInput = inputSchema(MaintenanceCreateSchema);
  const period = exact({ startsAt: time, endsAt: time });
  const invite = {
    id: uuid,
    role: { enum: [...ROLES] },
    email: nullable('string', { description: 'When set, only this address may accept' }),
    invitedBy: { type: 'string', description: 'Who made it' },
    createdAt: time,
    expiresAt: time,
  };
  const accountUser = {
    id: uuid,
    email: { type: 'string' },
    name: { type: 'string' },
    role: { enum: [...ROLES] },
    createdAt: time,
    twoFactor: { type: 'boolean', description: 'Whether sign-in asks for a code from an authenticator app' },
  };
  const personalKey = {
    id: uuid,
    name: { type: 'string' },
    prefix: { type: 'string', description: 'The key’s first characters (vk_AbCd), to tell keys apart' },
    scope: { enum: ['read', 'write'] },
    expiresAt: nullable('string', { format: 'date-time', description: 'Null: never' }),
    expired: { type: 'boolean' },
    createdAt: time,
    lastUsedAt: nullable('string', { format: 'date-time' }),
    lastUsedAddress: nullable('string'),
    userId: uuid,
    userEmail: nullable('string', { description: 'Whose key it is (null in the answer that makes it)' }),
  };
  const newAccount = {
    email: { type: 'string', format: 'email', maxLength: ACCOUNT_LIMITS.emailLength, description: 'The sign-in name (kept in lower case)' },
    name: { type: 'string', maxLength: ACCOUNT_LIMITS.nameLength, description: "Shown to others; default the email's local part" },
    password: {
      type: 'string',
      minLength: ACCOUNT_LIMITS.passwordMin,
      maxLength: ACCOUNT_LIMITS.passwordMax,
      description: 'Not the email address',
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil',
      version: '0.1.0',
      description: [
        'Self-hosted API health monitor.',
        'Authentication (docs/accounts.md): a route that is not public takes the session cookie `' +
          SESSION_COOKIE +
          '` (POST /api/session signs in; a write with it carries X-CSRF-Token) or `Authorization: Bearer <key>` (API_KEY, or a personal key). ' +
          'Each operation says the role it needs; a role includes those below it (owner, editor, viewer); API_KEY has every right but those of a person’s own account (sessions, keys), which only their session cookie reaches. ' +
          'Until the owner account exists, this machine’s own keyless calls (from loopback, not through a proxy) act as before accounts: with every right, or with API_KEY set, reading only.',
      ].join('\n\n'),
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'API_KEY (one of its comma-separated keys): every right, an owner’s, for scripts and automation; or a personal key (vk_…, POST /api/keys): its person, with their role, narrowed to its scope. Wrong keys from one address past AUTH_FAILURE_LIMIT a minute are answered 429.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'A signed-in person, with their role: the cookie POST /api/session sets (so do POST /api/setup and POST /api/invitations/{token}). A write with it must carry X-CSRF-Token, the csrfToken that sign-in and GET /api/session answer (else 403 csrf_token).',
        },
      },
      schemas: {
        EndpointInput: endpointInput,
        EndpointPatch: inputSchema(PatchSchema),
        Endpoint: exact(endpointResource, { description: SECRETS_NOTE }),
        Check: exact({
          id: uuid,
          endpointId: uuid,
          status: { enum: ['UP', 'DEGRADED', 'DOWN'] },
          responseTime: int,
          statusCode: nullable('integer'),
          errorMessage: nullable('string'),
          errorCode,
          errorParams,
          failedAssertions: { type: 'array', items: ref('FailedAssertion'), description: 'Every assertion this check did not meet, in order ([] when none)' },
          bodyExcerpt: nullable('string', {
            description: 'The first 1 KB of the body (a TCP reply, DNS records one per line) of a check that was not UP; null otherwise, or when it was empty',
          }),
          certificate: {
            oneOf: [ref('CertificateSummary'), { type: 'null' }],
            description: 'The certificate a tls check was shown; null for the other types',
          },
          maintenance: { type: 'boolean', description: 'Made in a maintenance window: it opened no incident, and uptime leaves it out' },
          checkedAt: time,
        }),
        MaintenanceWindowInput: windowInput,
        NotificationChannelInput: {
          ...inputSchema(ChannelCreateSchema),
          description: `A notification channel. config holds the type's settings (docs/notifications.md lists each type's keys); secret ones read as ${JSON.stringify(SECRET_MARKER)}, which a PATCH sends to keep them`,
        },
        NotificationChannelPatch: inputSchema(ChannelPatchSchema),
        NotificationChannel: exact(
          {
            id: uuid,
            name: { type: 'string' },
            type: { enum: [...CHANNEL_TYPES] },
            enabled: { type: 'boolean' },
            language: { enum: [...NOTIFICATION_LANGUAGES] },
            config: {
              type: 'object',
              additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
              description: `The type's settings; secrets read as ${JSON.stringify(SECRET_MARKER)}`,
            },
            events: { type: 'array', items: { enum: [...NOTIFICATION_EVENTS] } },
            allEndpoints: { type: 'boolean' },
            endpointIds: { type: 'array', items: uuid },
            tags: { type: 'array', items: { type: 'string' } },
            reminder: {
              oneOf: [exact({ everyMinutes: int, max: int }), { type: 'null' }],
              description: 'Reminders while an incident stays open: every everyMinutes, at most max',
            },
            groupSeconds: { ...int, description: 'Flood control: notifications within this many seconds of the first go as one message (0: each alone)' },
            fromSettings: { type: 'boolean', description: 'Defined by WEBHOOK_URL: read-only' },
            createdAt: time,
            updatedAt: time,
          },
          { description: 'Where notifications go, which ones, and how (docs/notifications.md)' },
        ),
        NotificationDelivery: exact(
          {
            id: uuid,
            channelId: uuid,
            event: { enum: [...NOTIFICATION_EVENTS, 'reminder', 'group', 'test'] },
            endpointId: { ...nullable('string'), format: 'uuid' },
            endpointName: nullable('string'),
            notifications: { ...int, description: 'How many notifications the message carried (more than 1: grouped)' },
            attempt: int,
            outcome: { enum: ['delivered', 'retrying', 'failed'] },
            statusCode: { ...nullable('integer'), description: 'HTTP status or SMTP reply code; null when nothing answered' },
            answer: { type: 'string', description: 'What the provider answered, shortened (or the error)' },
            latencyMs: int,
            at: time,
          },
          { description: 'One attempt to deliver a message on a channel' },
        ),
        ChannelTestResult: exact({ ok: { type: 'boolean' }, statusCode: nullable('integer'), answer: { type: 'string' }, latencyMs: int }),
        MaintenanceWindowPatch: inputSchema(MaintenancePatchSchema),
        StatusPageInput: inputSchema(StatusPageCreateSchema),
        StatusPagePatch: inputSchema(StatusPagePatchSchema),
        StatusPage: exact(
          {
            id: uuid,
            slug: { type: 'string' },
            title: { type: 'string' },
            description: nullable('string'),
            logoUrl: nullable('string'),
            sections: { type: 'array', items: exact({ name: { type: 'string' }, endpointIds: { type: 'array', items: uuid }, tag: nullable('string') }) },
            visibility: { enum: [...STATUS_PAGE_VISIBILITIES] },
            password: { type: ['string', 'null'], enum: [SECRET_MARKER, null], description: `Write-only: ${JSON.stringify(SECRET_MARKER)} when one is set` },
            customDomain: nullable('string'),
            footer: nullable('string'),
            showResponseTimes: { type: 'boolean' },
            defaultLanguage: { type: ['string', 'null'], enum: [...STATUS_PAGE_LANGUAGES, null] },
            subscriptions: exact(
              { email: { type: 'boolean' }, webhook: { type: 'boolean' } },
              { description: 'How visitors may follow the page besides RSS/Atom (email needs SMTP_URL)' },
            ),
            url: { type: 'string', description: 'Where it is seen: PUBLIC_URL/status/<slug>' },
            createdAt: time,
            updatedAt: time,
          },
          { description: 'A public status page (docs/status-pages.md)' },
        ),
        StatusPageSubscriber: exact(
          {
            id: uuid,
            pageId: uuid,
            kind: { enum: [...SUBSCRIBER_KINDS] },
            target: { type: 'string', description: 'The email address or the webhook URL' },
            language: { enum: [...STATUS_PAGE_LANGUAGES] },
            confirmedAt: { type: ['string', 'null'], format: 'date-time', description: 'Null until confirmed' },
            createdAt: time,
            lastDeliveredAt: { type: ['string', 'null'], format: 'date-time' },
            failedDeliveries: int,
          },
          { description: 'Someone following a status page by email or webhook' },
        ),
        IncidentUpdateInput: inputSchema(IncidentUpdateCreateSchema),
        IncidentUpdatePatch: inputSchema(IncidentUpdatePatchSchema),
        IncidentUpdate: exact(
          {
            id: uuid,
            incidentId: uuid,
            endpointId: uuid,
            state: { enum: [...INCIDENT_UPDATE_STATES] },
            message: { type: 'string' },
            createdAt: time,
            updatedAt: time,
          },
          { description: 'What people said about an incident; status pages show it' },
        ),
        UptimeReport: exact({
          from: time,
          to: time,
          endpoints: {
            type: 'array',
            items: exact({
              endpointId: uuid,
              name: { type: 'string' },
              tags: { type: 'array', items: { type: 'string' } },
              checks: int,
              uptime: { ...nullable('number'), description: 'Percent of checks not DOWN' },
              avgResponseTime: nullable('integer'),
              incidents: int,
              downtimeMs: int,
              slaTarget: nullable('number'),
              errorBudgetMs: nullable('integer'),
              errorBudgetRemainingMs: { ...nullable('integer'), description: 'Negative once overspent' },
              slaMet: nullable('boolean'),
            }),
          },
          incidents: {
            type: 'array',
            items: exact({
              id: uuid,
              endpointId: uuid,
              endpointName: { type: 'string' },
              startedAt: time,
              resolvedAt: nullable('string', { format: 'date-time' }),
              durationMs: int,
            }),
          },
          incidentsTruncated: { type: 'boolean' },
          total: exact({ checks: int, uptime: nullable('number'), downtimeMs: int, incidents: int }),
        }),
        MaintenanceWindow: exact(
          {
            id: uuid,
            ...((windowInput.properties ?? {}) as Json),
            kind: { enum: ['once', 'recurring'] },
            active: { type: 'boolean', description: 'One of its periods is going on now' },
            currentPeriod: { oneOf: [period, { type: 'null' }], description: 'The period going on now; null outside' },
            nextPeriod: { oneOf: [period, { type: 'null' }], description: 'The next period to start; null when none is to come' },
            createdAt: time,
            updatedAt: time,
          },
          {
            description:
              'A time when the endpoints it covers are in maintenance: checked, shown as MAINTENANCE, no incident, no notification, no uptime (docs/maintenance-windows.md)',
          },
        ),
        CertificateSummary: exact(
          {
            subject: { type: 'string', description: "The subject's common name" },
            issuer: { type: 'string', description: "The issuer's common name and organization" },
            names: { type: 'array', items: { type: 'string' }, description: 'The DNS names and IP addresses it covers' },
            validFrom: time,
            validTo: time,
            daysLeft: { ...int, description: 'Whole days left before it expires (negative once expired)' },
          },
          { description: 'A TLS certificate as a check saw it (docs/monitor-types.md)' },
        ),
        PushUrl: exact(
          {
            token: { type: 'string', pattern: '^[A-Za-z0-9_-]{22,64}$' },
            pingUrl: { type: 'string', format: 'uri', description: 'PUBLIC_URL (or the address asked) + /api/push/<token>' },
          },
          { description: "A push endpoint's ping URL" },
        ),
        FailedAssertion: exact(
          {
            index: { ...int, description: "Its position in the endpoint's assertions" },
            severity: { enum: ['DOWN', 'DEGRADED'] },
            subject: { type: 'string', description: 'What was looked at: status code, header <name>, body, a JSONPath, response time, certificate' },
            expected: { type: 'string', description: 'What was expected, as words: "ok", ≥ 14 days, to contain "healthy"' },
            actual: { type: 'string', description: 'What was seen: "degraded", 3 days, no such header, nothing, not JSON' },
            message: { type: 'string', description: '{subject}: expected {expected}, got {actual}' },
          },
          { description: 'An assertion a check did not meet (docs/assertions.md)' },
        ),
        SavedEndpoint: {
          ...exact(endpointResource),
          properties: {
            ...endpointResource,
            warnings: {
              type: 'array',
              minItems: 1,
              description:
                'What was accepted but looks unintended (timeout_exceeds_interval, degraded_unreachable); left out when nothing does. See docs/api-errors.md',
              items: exact({ path: { type: 'string' }, code: { type: 'string' }, params: messageParams, message: { type: 'string' } }),
            },
          },
          description: `The endpoint as saved, with warnings when something looks odd. ${SECRETS_NOTE}`,
        },
        Incident: exact(incidentProperties),
        IncidentDetail: exact(
          {
            ...incidentProperties,
            checks: {
              type: 'array',
              items: ref('Check'),
              description:
                'Oldest first: up to 10 checks up to its start (the failures that opened it), then those up to the one that resolved it (or now, while open), the newest 200 of them',
            },
            omittedChecks: { ...int, description: 'Checks during the incident left out of `checks`' },
          },
          { description: "An incident with the timeline of its endpoint's checks (GET /api/incidents/{id})" },
        ),
        RecentCheck: exact({ status: { enum: ['UP', 'DEGRADED', 'DOWN'] }, responseTime: int, maintenance: { type: 'boolean' }, checkedAt: time }),
        RecentChecks: exact({
          items: {
            type: 'object',
            description: 'Every endpoint id → its newest checks, newest first ([] before its first check)',
            propertyNames: uuid,
            additionalProperties: { type: 'array', items: ref('RecentCheck') },
          },
          uptime24hSince: { ...time, description: 'Where every uptime24h window starts: the start of the UTC hour 23 hours before the current one' },
          uptime24h: {
            type: 'object',
            description: 'Every endpoint id → its checks since uptime24hSince (23 to 24 hours): uptime = up / checks',
            propertyNames: uuid,
            additionalProperties: ref('UptimeCounts'),
          },
        }),
        UptimeCounts: exact({
          checks: int,
          up: { ...int, description: 'Checks that were not DOWN' },
          through: nullable('string', { format: 'date-time', description: 'The newest check counted (null: none yet): add only newer ones' }),
        }),
        UptimeWindow: exact({ uptime: nullable('number', { minimum: 0, maximum: 100 }), checks: int, avgResponseTime: nullable('integer') }),
        Uptime: exact({ '24h': ref('UptimeWindow'), '7d': ref('UptimeWindow'), '30d': ref('UptimeWindow') }),
        SeriesPoint: exact(
          { at: time, checks: int, up: int, degraded: int, down: int, avgResponseTime: nullable('integer') },
          { description: 'The checks of the bucket [at, at + bucketSeconds); avgResponseTime is over those not DOWN (null when all were)' },
        ),
        ResponseSeries: exact({
          range: { enum: SERIES_RANGE_NAMES },
          from: time,
          to: time,
          bucketSeconds: { type: 'integer', minimum: 1 },
          points: { type: 'array', items: ref('SeriesPoint'), description: 'Oldest first, only buckets that had checks; the first may start before from' },
        }),
        Summary: exact(Object.fromEntries(['total', 'up', 'down', 'degraded', 'pending', 'maintenance', 'paused', 'openIncidents'].map((k) => [k, int]))),
        EndpointsFile: exact(
          {
            vigil: { const: 'endpoints' },
            version: { const: 1 },
            exportedAt: time,
            endpoints: { type: 'array', items: exact({ id: uuid, ...endpointProperties }) },
            maintenanceWindows: {
              type: 'array',
              items: exact({ id: uuid, ...((windowInput.properties ?? {}) as Json), kind: { enum: ['once', 'recurring'] } }),
            },
          },
          { description: `Every endpoint and maintenance window definition, in creation order (GET /api/export). ${SECRETS_NOTE}` },
        ),
        ImportFile: {
          ...inputSchema(ImportDocumentSchema),
          description:
            `An export file; per entry, id and every field but name and url are optional; at most ${MAX_IMPORT_ENTRIES} entries. ` +
            'maintenanceWindows is optional: left out, the windows here stay as they are; given, its entries are matched by id (replace mode deletes the others). ' +
            `A secret holding ${JSON.stringify(SECRET_MARKER)} keeps the stored value of the endpoint the entry matches (same URL origin); in an entry that creates an endpoint it is a 400 naming the field (export with ?secrets=include to move secrets)`,
        },
        ImportResult: exact({
          mode: { enum: ['merge', 'replace'] },
          dryRun: { type: 'boolean' },
          ...Object.fromEntries(['created', 'updated', 'unchanged', 'deleted'].map((k) => [k, int])),
          maintenanceWindows: {
            ...exact(Object.fromEntries(['created', 'updated', 'unchanged', 'deleted'].map((k) => [k, int]))),
            description: "What was done with the file's maintenance windows (all 0 when it had none)",
          },
          items: {
            type: 'array',
            description: 'Entry by entry in file order, deletions last; id is null for an entry without one that a dry run would create',
            items: exact({
              id: nullable('string', { format: 'uuid' }),
              name: { type: 'string' },
              action: { enum: ['created', 'updated', 'unchanged', 'deleted'] },
            }),
          },
        }),
        AccountUser: exact(accountUser, { description: 'A person with an account (never their password)' }),
        SessionInfo: exact(
          {
            setupRequired: { type: 'boolean', description: 'No owner account yet: the dashboard shows the set-up page' },
            local: { type: 'boolean', description: 'The request comes from the machine Vigil runs on (set-up needs no link from here)' },
            keyRequired: { type: 'boolean', description: 'API_KEY is set' },
            via: {
              enum: [...AUDIT_ACTOR_KINDS.filter((kind) => kind !== 'anonymous'), null],
              description: 'Who the caller is: a signed-in person, a personal key, API_KEY, this machine before set-up, or nobody (null)',
            },
            user: { oneOf: [exact({ id: uuid, email: { type: 'string' }, name: { type: 'string' }, role: { enum: [...ROLES] } }), { type: 'null' }] },
            role: { enum: [...ROLES, null] },
            canWrite: { type: 'boolean', description: 'Whether the caller may write at all (routes may ask more of the role)' },
            csrfToken: nullable('string', { description: 'With a session: send it as X-CSRF-Token on every write the cookie authenticates' }),
            expiresAt: nullable('string', { format: 'date-time', description: 'When the session ends at the latest' }),
            idleExpiresAt: nullable('string', { format: 'date-time', description: 'When the session ends unless used before' }),
            oidc: {
              oneOf: [exact({ name: { type: 'string', description: 'The button’s label' } }), { type: 'null' }],
              description: 'Single sign-on through an OpenID Connect provider is offered (GET /api/auth/oidc/start); null: OIDC_* are not set',
            },
          },
          { description: 'Who is calling, and what the dashboard needs to know before showing anything' },
        ),
        SessionSummary: exact(
          {
            id: { type: 'string', description: "The SHA-256 of the session's cookie (DELETE /api/sessions/{id} ends it)" },
            createdAt: time,
            lastSeenAt: time,
            expiresAt: time,
            address: { type: 'string', description: 'Where it signed in from' },
            userAgent: { type: 'string' },
            current: { type: 'boolean', description: 'The session of this request' },
          },
          { description: "One of the caller's signed-in browsers" },
        ),
        Invite: exact(invite, { description: 'An open invite; its link is answered once, when it is made' }),
        NewInvite: exact(
          {
            ...invite,
            token: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$', description: 'The link’s secret: answered this once, stored only as a hash' },
            url: { type: 'string', format: 'uri', description: 'The link to give the person: PUBLIC_URL/invite#token=<token>' },
          },
          { description: 'An invite just made, with its one-time link' },
        ),
        InvitePreview: exact(
          { role: invite.role, email: invite.email, invitedBy: invite.invitedBy, expiresAt: invite.expiresAt },
          { description: 'What an invite link offers' },
        ),
        PasswordReset: exact(
          {
            userId: uuid,
            token: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$', description: 'The link’s secret: answered this once, stored only as a hash' },
            url: { type: 'string', format: 'uri', description: 'The link to give the person: PUBLIC_URL/reset-password#token=<token>' },
            expiresAt: time,
          },
          { description: 'A password reset link just made (it replaces the person’s earlier one)' },
        ),
        PasswordResetPreview: exact(
          { email: { type: 'string' }, name: { type: 'string' }, createdBy: { type: 'string', description: 'Who made the link' }, expiresAt: time },
          { description: 'Whose password a reset link sets' },
        ),
        NewPassword: {
          type: 'object',
          required: ['password'],
          additionalProperties: false,
          properties: { password: newAccount.password },
          description: 'The new password',
        },
        AuditEntry: exact(
          {
            id: uuid,
            at: time,
            actor: exact({
              id: nullable('string', { format: 'uuid', description: "The person's id; null for API_KEY, this machine and anonymous callers" }),
              name: { type: 'string', description: 'The person’s email, "API_KEY", "this machine" or "anonymous"' },
              kind: { enum: [...AUDIT_ACTOR_KINDS] },
            }),
            action: {
              type: 'string',
              description: 'What was done: endpoint.created, channel.updated, user.role-changed, session.signed-in, session.sign-in-failed…',
            },
            target: {
              oneOf: [exact({ type: { type: 'string' }, id: nullable('string'), name: nullable('string') }), { type: 'null' }],
              description: 'The thing it was done to; null when none',
            },
            address: { type: 'string', description: "The caller's address" },
            details: { type: 'object', description: 'The names of the fields sent, and values of plain ones (never a secret)' },
          },
          { description: 'One entry of the audit log (docs/accounts.md#audit-log)' },
        ),
        PersonalKey: exact(personalKey, { description: "A person's API key as listed; the key itself is answered once, when it is made" }),
        NewPersonalKey: exact(
          { ...personalKey, secret: { type: 'string', pattern: '^vk_[A-Za-z0-9_-]{43}$', description: 'The key: answered this once, stored only as a hash' } },
          { description: 'A personal key just made, with its secret' },
        ),
        PersonalKeyInput: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: KEY_LIMITS.nameLength },
            scope: { enum: ['read', 'write'], default: 'read', description: 'read: reads only; write: whatever its person’s role may' },
            expiresAt: {
              type: ['string', 'null'],
              format: 'date-time',
              description: `When it stops working (in the future, at most ${KEY_LIMITS.maxDays} days away); null or left out: never`,
            },
          },
        },
        OwnAccount: exact(
          {
            ...accountUser,
            recoveryCodesLeft: int,
            hasPassword: { type: 'boolean', description: 'False for an account made through single sign-on: no password (nor two-factor sign-in) here' },
          },
          { description: "The caller's own account" },
        ),
        OwnAccountPatch: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: ACCOUNT_LIMITS.nameLength },
            password: { ...newAccount.password, description: 'A new password: needs currentPassword, and ends every other session of the person' },
            currentPassword: { type: 'string' },
          },
        },
        TwoFactorEnrolment: exact(
          {
            secret: { type: 'string', description: 'The base32 secret to type into an authenticator app' },
            otpauthUrl: { type: 'string', description: 'The same as an otpauth:// URL (for a QR code)' },
          },
          { description: 'A pending two-factor secret: on once a code from it is confirmed' },
        ),
        RecoveryCodes: exact(
          { recoveryCodes: { type: 'array', items: { type: 'string' }, description: 'One-time codes for a lost device: shown this once' } },
          { description: 'New recovery codes; the old ones no longer work' },
        ),
        SetupInput: {
          type: 'object',
          required: ['email', 'password'],
          properties: {
            email: newAccount.email,
            name: newAccount.name,
            password: newAccount.password,
            setupToken: { type: 'string', description: "The #token= of the set-up link in Vigil's log: needed unless the request comes from this machine" },
          },
          description: 'The owner account',
        },
        SignInInput: {
          type: 'object',
          required: ['email', 'password'],
          properties: {
            email: { type: 'string' },
            password: { type: 'string' },
            code: { type: 'string', description: 'With two-factor sign-in on: the code the authenticator app shows' },
            recoveryCode: { type: 'string', description: 'With two-factor sign-in on, instead of code: a recovery code (each works once)' },
          },
        },
        RoleChange: { type: 'object', required: ['role'], additionalProperties: false, properties: { role: { enum: [...ROLES] } } },
        InviteInput: {
          type: 'object',
          required: ['role'],
          additionalProperties: false,
          properties: {
            role: { enum: [...ROLES] },
            email: { type: ['string', 'null'], format: 'email', maxLength: ACCOUNT_LIMITS.emailLength, description: 'When set, only this address may accept' },
          },
        },
        TwoFactorCode: { type: 'object', required: ['code'], properties: { code: { type: 'string', description: 'The code the app shows now' } } },
        PasswordConfirmation: { type: 'object', required: ['password'], properties: { password: { type: 'string', description: 'The caller’s password' } } },
        InvitationAcceptance: {
          type: 'object',
          required: ['password'],
          properties: {
            email: { ...newAccount.email, description: 'Required unless the invite names one (then it must be that one)' },
            name: newAccount.name,
            password: newAccount.password,
          },
          description: 'The new account',
        },
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail', 'code'],
          additionalProperties: false,
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: int,
            detail: { type: 'string' },
            code: { type: 'string', description: 'What went wrong, for clients to translate (docs/api-errors.md); detail says it in English' },
            params: messageParams,
            errors: {
              type: 'array',
              items: exact({ path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' }, params: messageParams }),
            },
          },
        },
      },
    },
    tags: [
      { name: 'Endpoints', description: 'What Vigil checks' },
      { name: 'Checks', description: 'Results and uptime' },
      { name: 'Incidents' },
      { name: 'Maintenance', description: 'Maintenance windows (docs/maintenance-windows.md)' },
      { name: 'Notifications', description: 'Notification channels and their delivery logs (docs/notifications.md)' },
      { name: 'Status pages', description: 'Public status pages, incident updates and uptime reports (docs/status-pages.md)' },
      {
        name: 'Public',
        description: "What anyone may read: status pages, their feeds and live stream, badges (no key; a password page's parts need its cookie)",
      },
      { name: 'Transfer', description: 'All endpoint definitions as one file' },
      { name: 'Push', description: 'What a job sends to a push endpoint: no key (the token in the URL is the secret), no JSON (docs/monitor-types.md#push)' },
      { name: 'Realtime', description: 'Server-Sent Events (Socket.io at /socket.io and a WebSocket at /ws carry the same events)' },
      { name: 'System', description: 'Probes, metrics, keys and this document' },
      {
        name: 'Accounts',
        description:
          'Set-up, sign-in and sessions, one’s own account and two-factor sign-in, personal keys, people, invites and the audit log (docs/accounts.md)',
      },
    ],
    paths: {
      '/api/endpoints': {
        get: {
          tags: ['Endpoints'],
          summary: 'List endpoints (creation order)',
          parameters: queryParameters(QUERY_SCHEMAS.endpoints, {
            status: [{ type: 'string' }, `Comma list of ${ENDPOINT_STATUSES.join(', ')}`],
            parentId: [uuid, 'Only those depending on this endpoint (docs/dependencies.md)'],
            tag: [{ type: 'string', maxLength: 50 }, 'Only endpoints with this tag'],
            q: [{ type: 'string', maxLength: 200 }, 'Search in name and URL (the URL without its user info and query, which may hold secrets)'],
            paused: [{ type: 'boolean' }, 'Only paused (true) or active (false) endpoints'],
            limit: limit(500, 50),
            cursor,
          }),
          responses: { '200': json(page('Endpoint')), ...problems(400) },
        },
        post: {
          tags: ['Endpoints'],
          summary: 'Register an endpoint (checked at once)',
          description:
            'A URL whose host is a blocked target (link-local or cloud-metadata addresses such as 169.254.169.254 in any notation, metadata host names, 0.0.0.0, ::; see BLOCKED_TARGETS / ALLOWED_TARGETS) is refused with a 400 naming `url`. Names are resolved at check time: a check whose name or redirect leads to a blocked address fails with "Blocked by policy: …".',
          requestBody: { required: true, content: { 'application/json': { schema: ref('EndpointInput') } } },
          responses: { '201': json(ref('SavedEndpoint'), 'Created'), ...problems(400, 413) },
        },
      },
      '/api/endpoints/{id}': {
        parameters: [idParam],
        get: { tags: ['Endpoints'], summary: 'One endpoint', responses: { '200': json(ref('Endpoint')), ...problems(400, 404) } },
        patch: {
          tags: ['Endpoints'],
          summary: 'Partial update; the schedule follows at once',
          description:
            'A new `url` whose host is a blocked target (see BLOCKED_TARGETS / ALLOWED_TARGETS) is refused with a 400 naming `url`; an endpoint stored before its target was blocked can still be updated otherwise (its checks fail with "Blocked by policy: …").',
          requestBody: { required: true, content: { 'application/json': { schema: ref('EndpointPatch') } } },
          responses: { '200': json(ref('SavedEndpoint')), ...problems(400, 404, 413) },
        },
        delete: {
          tags: ['Endpoints'],
          summary: 'Delete with its checks and incidents',
          responses: { '204': { description: 'Deleted' }, ...problems(400, 404) },
        },
      },
      '/api/endpoints/{id}/push-url': {
        parameters: [idParam],
        get: {
          tags: ['Push'],
          summary: "A push endpoint's ping URL (with its token: an editor's, even to read)",
          responses: { '200': json(ref('PushUrl')), ...problems(400, 404) },
        },
        post: {
          tags: ['Push'],
          summary: 'A new token for a push endpoint: the old ping URL stops working at once',
          responses: { '200': json(ref('PushUrl')), ...problems(400, 404) },
        },
      },
      '/api/push/{token}': {
        parameters: [tokenParam],
        get: pingOperation("A run succeeded (UP); with a /start before it, the time since is the run's duration"),
        post: pingOperation('The same, with a body (ignored on success)'),
      },
      '/api/push/{token}/{signal}': {
        parameters: [
          tokenParam,
          {
            name: 'signal',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^(start|fail|[0-9]{1,3})$' },
            description:
              "start: a run began (nothing recorded; a run that does not end within the grace is DOWN); fail: it failed (DOWN; a POST body's first KB is kept); 0-255: its exit status (0 success, else failure)",
          },
        ],
        get: pingOperation('A run began, failed, or ended with an exit status'),
        post: pingOperation('The same, with a body (a failure keeps its first KB, a log say)'),
      },
      '/api/endpoints/{id}/check': {
        parameters: [idParam],
        post: { tags: ['Endpoints'], summary: 'Run one check now', responses: { '200': json(ref('Check')), ...problems(400, 404) } },
      },
      '/api/endpoints/{id}/pause': {
        parameters: [idParam],
        post: { tags: ['Endpoints'], summary: 'Stop checking', responses: { '200': json(ref('Endpoint')), ...problems(400, 404) } },
      },
      '/api/endpoints/{id}/resume': {
        parameters: [idParam],
        post: { tags: ['Endpoints'], summary: 'Check now, then on the interval', responses: { '200': json(ref('Endpoint')), ...problems(400, 404) } },
      },
      '/api/endpoints/{id}/checks': {
        parameters: [idParam],
        get: {
          tags: ['Checks'],
          summary: 'Checks, newest first',
          parameters: queryParameters(QUERY_SCHEMAS.checks, {
            from: [time, 'From this time (inclusive)'],
            to: [time, 'Up to this time (inclusive)'],
            limit: limit(1000, 100),
            cursor,
          }),
          responses: { '200': json(page('Check')), ...problems(400, 404) },
        },
      },
      '/api/endpoints/{id}/uptime': {
        parameters: [idParam],
        get: { tags: ['Checks'], summary: 'Uptime over 24 h, 7 d and 30 d', responses: { '200': json(ref('Uptime')), ...problems(400, 404) } },
      },
      '/api/endpoints/{id}/series': {
        parameters: [idParam],
        get: {
          tags: ['Checks'],
          summary: 'Response time and statuses over a range, one point per time bucket (the endpoint page chart)',
          description:
            'Buckets are aligned on the Unix epoch: 10 s for 1h, 1 min for 6h, 5 min for 24h, 1 h for 7d and 30d; only buckets with checks are listed (a client may join points up to about two check intervals apart). Up to 24h from the raw results; 7d and 30d from the hourly rollups, so they outlive CHECK_RETENTION_DAYS.',
          parameters: queryParameters(SERIES_QUERY_SCHEMA, {
            range: [{ enum: SERIES_RANGE_NAMES, default: DEFAULT_SERIES_RANGE }, 'How far back from now'],
          }),
          responses: { '200': json(ref('ResponseSeries')), ...problems(400, 404) },
        },
      },
      '/api/checks/recent': {
        get: {
          tags: ['Checks'],
          summary: "Every endpoint's newest checks, newest first, and its uptime counts over 24 hours (the dashboard's cards)",
          parameters: queryParameters(QUERY_SCHEMAS.recentChecks, {
            perEndpoint: [{ type: 'integer', minimum: 1, maximum: 100, default: 20 }, 'Checks per endpoint'],
          }),
          responses: { '200': json(ref('RecentChecks')), ...problems(400) },
        },
      },
      '/api/incidents': {
        get: {
          tags: ['Incidents'],
          summary: 'Incidents, newest first',
          parameters: queryParameters(QUERY_SCHEMAS.incidents, {
            status: [{ enum: ['open', 'resolved'] }, 'Open or resolved only'],
            endpointId: [uuid, "One endpoint's"],
            limit: limit(500, 50),
            cursor,
          }),
          responses: { '200': json(page('Incident')), ...problems(400) },
        },
      },
      '/api/incidents/{id}': {
        parameters: [idParam],
        get: {
          tags: ['Incidents'],
          summary: 'One incident with the checks that opened and closed it',
          responses: { '200': json(ref('IncidentDetail')), ...problems(400, 404) },
        },
      },
      '/api/summary': {
        get: {
          tags: ['Endpoints'],
          summary: 'Counts per status; a paused endpoint counts as paused only, one in a maintenance window as maintenance only',
          responses: { '200': json(ref('Summary')) },
        },
      },
      '/api/maintenance-windows': {
        get: {
          tags: ['Maintenance'],
          summary: 'Maintenance windows, in creation order',
          parameters: queryParameters(QUERY_SCHEMAS.maintenanceWindows, {
            active: [{ enum: ['true', 'false'] }, 'Only those on now (true) or not (false)'],
            endpointId: [uuid, 'Only those covering this endpoint (by id, by one of its tags, or all endpoints)'],
            limit: limit(500, 100),
            cursor,
          }),
          responses: { '200': json(page('MaintenanceWindow')), ...problems(400, 404) },
        },
        post: {
          tags: ['Maintenance'],
          summary: 'Create a window; the endpoints it covers enter maintenance at once if a period is on',
          requestBody: { required: true, content: { 'application/json': { schema: ref('MaintenanceWindowInput') } } },
          responses: { '201': json(ref('MaintenanceWindow'), 'Created'), ...problems(400, 413) },
        },
      },
      '/api/maintenance-windows/{id}': {
        parameters: [idParam],
        get: { tags: ['Maintenance'], summary: 'One window', responses: { '200': json(ref('MaintenanceWindow')), ...problems(400, 404) } },
        patch: {
          tags: ['Maintenance'],
          summary: 'Change some fields (the whole is checked again)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('MaintenanceWindowPatch') } } },
          responses: { '200': json(ref('MaintenanceWindow')), ...problems(400, 404, 413) },
        },
        delete: {
          tags: ['Maintenance'],
          summary: 'Delete a window: its endpoints leave maintenance at once',
          responses: { '204': { description: 'Deleted' }, ...problems(400, 404) },
        },
      },
      '/api/notification-channels': {
        get: {
          tags: ['Notifications'],
          summary: 'Notification channels, in creation order',
          responses: { '200': json(exact({ items: { type: 'array', items: ref('NotificationChannel') } })) },
        },
        post: {
          tags: ['Notifications'],
          summary: 'Create a channel: it is told of what happens from now on',
          requestBody: { required: true, content: { 'application/json': { schema: ref('NotificationChannelInput') } } },
          responses: { '201': json(ref('NotificationChannel'), 'Created'), ...problems(400, 413) },
        },
      },
      '/api/notification-channels/{id}': {
        parameters: [idParam],
        get: { tags: ['Notifications'], summary: 'One channel', responses: { '200': json(ref('NotificationChannel')), ...problems(400, 404) } },
        patch: {
          tags: ['Notifications'],
          summary: `Change some fields; a secret sent as ${JSON.stringify(SECRET_MARKER)} keeps its stored value (409 for the WEBHOOK_URL channel)`,
          requestBody: { required: true, content: { 'application/json': { schema: ref('NotificationChannelPatch') } } },
          responses: { '200': json(ref('NotificationChannel')), ...problems(400, 404, 409, 413) },
        },
        delete: {
          tags: ['Notifications'],
          summary: 'Delete a channel and its delivery log; what waited for it is not sent (409 for the WEBHOOK_URL channel)',
          responses: { '204': { description: 'Deleted' }, ...problems(400, 404, 409) },
        },
      },
      '/api/notification-channels/{id}/test': {
        parameters: [idParam],
        post: {
          tags: ['Notifications'],
          summary: "Send a test message now and answer with the provider's answer (a failed send is 200 with ok: false)",
          responses: { '200': json(ref('ChannelTestResult')), ...problems(400, 404) },
        },
      },
      '/api/notification-channels/{id}/deliveries': {
        parameters: [idParam],
        get: {
          tags: ['Notifications'],
          summary: "The channel's delivery log, newest first",
          parameters: [
            query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }, 'Page size'),
            query('cursor', { type: 'string' }, 'From nextCursor'),
          ],
          responses: { '200': json(page('NotificationDelivery')), ...problems(400, 404) },
        },
      },
      '/api/status-pages': {
        get: {
          tags: ['Status pages'],
          summary: 'Status pages, in creation order',
          responses: { '200': json(page('StatusPage')) },
        },
        post: {
          tags: ['Status pages'],
          summary: 'Create a status page (served at /status/<slug>, and at the root of its customDomain)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('StatusPageInput') } } },
          responses: { '201': json(ref('StatusPage'), 'Created'), ...problems(400, 409, 413) },
        },
      },
      '/api/status-pages/{id}': {
        parameters: [idParam],
        get: { tags: ['Status pages'], summary: 'One status page', responses: { '200': json(ref('StatusPage')), ...problems(400, 404) } },
        patch: {
          tags: ['Status pages'],
          summary: `Change some fields; password ${JSON.stringify(SECRET_MARKER)} keeps the stored one (a new one signs every reader out)`,
          requestBody: { required: true, content: { 'application/json': { schema: ref('StatusPagePatch') } } },
          responses: { '200': json(ref('StatusPage')), ...problems(400, 404, 409, 413) },
        },
        delete: { tags: ['Status pages'], summary: 'Delete a status page', responses: { '204': { description: 'Deleted' }, ...problems(400, 404) } },
      },
      '/api/status-pages/{id}/subscribers': {
        parameters: [idParam],
        get: {
          tags: ['Status pages'],
          summary: "A page's subscribers by email and webhook, newest first",
          parameters: [
            query('limit', { type: 'integer', minimum: 1, maximum: 500, default: 50 }, 'Page size'),
            query('cursor', { type: 'string' }, 'nextCursor of the page before'),
            query('kind', { enum: [...SUBSCRIBER_KINDS] }, 'Only these'),
          ],
          responses: { '200': json(page('StatusPageSubscriber')), ...problems(400, 404) },
        },
      },
      '/api/status-pages/{id}/subscribers/{subscriberId}': {
        parameters: [idParam, { name: 'subscriberId', in: 'path', required: true, schema: uuid }],
        delete: {
          tags: ['Status pages'],
          summary: 'Remove a subscriber (it is told nothing more)',
          responses: { '204': { description: 'Removed' }, ...problems(400, 404) },
        },
      },
      '/api/incidents/{id}/updates': {
        parameters: [idParam],
        get: {
          tags: ['Status pages'],
          summary: "An incident's updates, oldest first",
          responses: { '200': json(exact({ items: { type: 'array', items: ref('IncidentUpdate') } })), ...problems(400, 404) },
        },
        post: {
          tags: ['Status pages'],
          summary: 'Post an update (investigating, identified, monitoring, resolved): the status pages showing its endpoint show it at once',
          requestBody: { required: true, content: { 'application/json': { schema: ref('IncidentUpdateInput') } } },
          responses: { '201': json(ref('IncidentUpdate'), 'Created'), ...problems(400, 404, 413) },
        },
      },
      '/api/incidents/{id}/updates/{updateId}': {
        parameters: [idParam, { name: 'updateId', in: 'path', required: true, schema: uuid }],
        patch: {
          tags: ['Status pages'],
          summary: 'Edit an update',
          requestBody: { required: true, content: { 'application/json': { schema: ref('IncidentUpdatePatch') } } },
          responses: { '200': json(ref('IncidentUpdate')), ...problems(400, 404, 413) },
        },
        delete: { tags: ['Status pages'], summary: 'Take an update back', responses: { '204': { description: 'Deleted' }, ...problems(400, 404) } },
      },
      '/api/reports/uptime': {
        get: {
          tags: ['Status pages'],
          summary: 'Uptime, response time, incidents, downtime and SLA error budget per endpoint over a period (JSON, or CSV with format=csv)',
          parameters: queryParameters(QUERY_SCHEMAS.uptimeReport, {
            from: [time, 'Start of the period'],
            to: [time, 'End of the period (default now; at most 400 days after from)'],
            endpointIds: [{ type: 'string' }, 'Comma list of endpoint ids (default all)'],
            tags: [{ type: 'string' }, 'Comma list: endpoints with any of these tags'],
            format: [{ enum: ['json', 'csv'], default: 'json' }, 'csv: one row per endpoint, as a download'],
          }),
          responses: {
            '200': {
              description: 'OK',
              content: { 'application/json': { schema: ref('UptimeReport') }, 'text/csv': { schema: { type: 'string' } } },
            },
            ...problems(400),
          },
        },
      },
      ...publicPaths(),
      '/api/export': {
        get: {
          tags: ['Transfer'],
          summary: 'Every endpoint definition as one file (Content-Disposition: attachment); secrets redacted unless ?secrets=include',
          parameters: [
            query(
              'secrets',
              { enum: ['redact', 'include'], default: 'redact' },
              `include: the real secret values, for a move to another Vigil (needs an owner or API_KEY, though the export itself needs a viewer: else 403 forbidden_role; refused from a page of another origin). redact: each secret as ${JSON.stringify(SECRET_MARKER)}, which an import into the same Vigil reads as "keep the stored value"`,
            ),
          ],
          responses: { '200': json(ref('EndpointsFile')), ...problems(400) },
        },
      },
      '/api/import': {
        post: {
          tags: ['Transfer'],
          summary: 'Create or update endpoints from an export file, all or nothing; matched by id, else by unique name',
          description:
            'An entry whose `url` names a blocked target (see BLOCKED_TARGETS / ALLOWED_TARGETS) refuses the whole file with a 400 naming `endpoints.<i>.url`.',
          parameters: [
            query('mode', { enum: ['merge', 'replace'], default: 'merge' }, 'replace also deletes the endpoints the file does not hold'),
            query('dryRun', { type: 'boolean', default: false }, 'Answer what would be done, change nothing'),
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('ImportFile') } } },
          responses: { '200': json(ref('ImportResult')), ...problems(400, 409, 413) },
        },
      },
      '/api/events': {
        get: {
          tags: ['Realtime'],
          summary: 'Server-Sent Events (all endpoints, or ?endpointId=)',
          parameters: [
            query('endpointId', uuid, 'Only this endpoint'),
            query('token', { type: 'string' }, 'API_KEY, for EventSource, which cannot send the Authorization header (a signed-in browser sends its cookie)'),
          ],
          responses: {
            '200': { description: 'event: <name> / data: <json>', content: { 'text/event-stream': { schema: { type: 'string' } } } },
            ...problems(400, 404),
            '429': {
              description: 'Too many wrong API keys, or too many live connections, from this address; see Retry-After',
              content: { 'application/problem+json': { schema: ref('Problem') } },
            },
          },
        },
      },
      '/api/auth': {
        get: {
          tags: ['System'],
          summary: 'Whether writes and realtime connections need a key (API_KEY is set)',
          responses: { '200': json(exact({ keyRequired: { type: 'boolean' } })) },
        },
      },
      '/api/auth/verify': {
        post: {
          tags: ['System'],
          summary: 'Try a key without changing anything',
          responses: { '200': json(exact({ ok: { const: true }, keyRequired: { type: 'boolean' } })) },
        },
      },
      ...accountPaths(),
      '/api/openapi.json': { get: { tags: ['System'], summary: 'This document', responses: { '200': json({ type: 'object' }) } } },
      '/healthz': { get: { tags: ['System'], summary: 'Liveness: the process runs', responses: { '200': json(exact({ status: { const: 'ok' } })) } } },
      '/readyz': {
        get: {
          tags: ['System'],
          summary: 'Readiness: the database answers',
          responses: { '200': json(exact({ status: { const: 'ready' } })), ...problems(503) },
        },
      },
      '/metrics': {
        get: {
          tags: ['System'],
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
  };
}

/** The public side: no key, no JSON body; a password page's parts need its cookie (else 401 page / 404). */
function publicPaths(): Json {
  const slug = { name: 'slug', in: 'path', required: true, schema: { type: 'string' } };
  const text = (type: string, description = 'OK') => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  const get = (summary: string, responses: Json, parameters: Json[] = []) => ({ get: { tags: ['Public'], summary, security: [], parameters, responses } });
  const svg = text('image/svg+xml', 'The badge (404: a "not found" badge, also for an endpoint on no public page)');
  const badgeQuery = [
    query('style', { enum: ['flat', 'flat-square', 'for-the-badge', 'plastic'], default: 'flat' }, 'Badge style'),
    query('label', { type: 'string' }, 'The left-hand text'),
  ];
  const badgeParams = [idParam, ...badgeQuery];
  const tokenQuery = { ...query('token', { type: 'string' }, "The subscriber's token (from its link)"), required: true };
  return {
    '/status/{slug}': get(
      'The status page as HTML (works without JavaScript); a password page answers 401 with its sign-in form',
      {
        '200': text('text/html'),
        '401': text('text/html', 'Password page: the sign-in form'),
        '404': text('text/html', 'No such page'),
      },
      [slug, query('lang', { enum: [...STATUS_PAGE_LANGUAGES] }, "Language (default: the browser's)")],
    ),
    '/status/{slug}/page.json': get(
      'What the page shows, as JSON (PublicStatusPage in server/contract/status-pages.ts)',
      {
        '200': json({ type: 'object', required: ['slug', 'title', 'overall', 'sections'], properties: { overall: { enum: [...PAGE_OVERALL_STATES] } } }),
        '404': json({ type: 'object' }, 'No such page, or not signed in to a password page'),
      },
      [slug],
    ),
    '/status/{slug}/events': get(
      'Server-Sent Events: `state` (overall, statuses, open incidents, maintenance) at once and on every change; `reload` when the page changed shape',
      {
        '200': text('text/event-stream'),
        '404': json({ type: 'object' }, 'No such page, or not signed in'),
        '429': json({ type: 'object' }, 'Too many live connections from this address'),
      },
      [slug],
    ),
    '/status/{slug}/feed.atom': get("The page's incidents and their updates as Atom", { '200': text('application/atom+xml'), '404': text('text/plain') }, [
      slug,
    ]),
    '/status/{slug}/feed.rss': get("The page's incidents and their updates as RSS 2.0", { '200': text('application/rss+xml'), '404': text('text/plain') }, [
      slug,
    ]),
    '/status/{slug}/badge.svg': get("The page's overall state as a badge (public pages only)", { '200': svg, '404': svg }, [slug, ...badgeQuery]),
    '/status/{slug}/login': {
      post: {
        tags: ['Public'],
        summary: 'Sign in to a password page (form field `password`): 303 to the page with its cookie (30 days); wrong: 401 with the form; repeated: 429',
        security: [],
        parameters: [slug],
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { password: { type: 'string' } } } } },
        },
        responses: {
          '303': { description: 'Signed in: to the page' },
          '401': text('text/html', 'Wrong password: the form again'),
          '403': { description: PROBLEM_DESCRIPTIONS[403], content: { 'application/problem+json': { schema: ref('Problem') } } },
          '404': text('text/html', 'No such page'),
          '429': text('text/html', 'Too many wrong passwords from this address; see Retry-After'),
        },
      },
    },
    '/status/{slug}/subscribe': {
      post: {
        tags: ['Public'],
        summary:
          'Follow the page by email (a link to confirm is mailed) or webhook (the URL must answer the challenge at once); a form answers with a page, JSON with JSON',
        security: [],
        parameters: [slug],
        requestBody: {
          required: true,
          content: Object.fromEntries(
            ['application/x-www-form-urlencoded', 'application/json'].map((type) => [
              type,
              { schema: { type: 'object', properties: { email: { type: 'string', format: 'email' }, webhookUrl: { type: 'string', format: 'uri' } } } },
            ]),
          ),
        },
        responses: {
          '201': {
            description: 'Webhook subscribed',
            content: {
              'application/json': {
                schema: exact({ status: { const: 'subscribed' }, url: { type: 'string' }, unsubscribeUrl: { type: 'string' } }),
              },
              'text/html': { schema: { type: 'string' } },
            },
          },
          '202': {
            description: 'Email: a link to confirm is on its way (the same answer for an address already subscribed)',
            content: {
              'application/json': { schema: exact({ status: { const: 'pending' }, email: { type: 'string' } }) },
              'text/html': { schema: { type: 'string' } },
            },
          },
          ...Object.fromEntries(
            (
              [
                [400, 'Not an address or URL, a webhook that did not echo the challenge, or a target that is not public (code says which)'],
                [403, PROBLEM_DESCRIPTIONS[403]],
                [404, 'No such page, not signed in to a password page, or the page does not offer this kind (subscriptions_off)'],
                [409, 'The page has its most subscribers (page_full)'],
                [429, 'Too many subscriptions from this address in a minute; see Retry-After'],
                [503, 'The confirmation mail could not be sent now (mail_unavailable), or the database is away'],
              ] as const
            ).map(([status, description]) => [
              String(status),
              { description, content: { 'application/problem+json': { schema: ref('Problem') }, 'text/html': { schema: { type: 'string' } } } },
            ]),
          ),
        },
      },
    },
    '/status/{slug}/subscription': get(
      "A subscriber's page (the link in its mails): what it follows, a button to confirm, one to unsubscribe. Nothing changes on GET",
      { '200': text('text/html'), '404': text('text/html', 'Unknown or expired link') },
      [slug, tokenQuery],
    ),
    '/status/{slug}/confirm': {
      post: {
        tags: ['Public'],
        summary: 'Confirm a subscription by email (the button of the subscriber page)',
        security: [],
        parameters: [slug, tokenQuery],
        responses: { '200': text('text/html'), '404': text('text/html', 'Unknown or expired link') },
      },
    },
    '/status/{slug}/unsubscribe': {
      ...get('The subscriber page, as the List-Unsubscribe link opens it', { '200': text('text/html'), '404': text('text/html', 'Unknown link') }, [
        slug,
        tokenQuery,
      ]),
      post: {
        tags: ['Public'],
        summary: 'Unsubscribe (also RFC 8058 one-click: List-Unsubscribe=One-Click)',
        security: [],
        parameters: [slug, tokenQuery],
        responses: { '200': text('text/html'), '404': text('text/html', 'Unknown link') },
      },
    },
    '/status/assets/{file}': get(
      "The page's stylesheet and script (status.css, status.js)",
      {
        '200': { description: 'OK', content: { 'text/css': { schema: { type: 'string' } }, 'text/javascript': { schema: { type: 'string' } } } },
        '404': text('text/plain'),
      },
      [{ name: 'file', in: 'path', required: true, schema: { enum: ['status.css', 'status.js'] } }],
    ),
    '/badge/endpoints/{id}/status.svg': get("An endpoint's status as a badge (only endpoints on a public page)", { '200': svg, '404': svg }, badgeParams),
    '/badge/endpoints/{id}/uptime.svg': get("An endpoint's uptime as a badge (only endpoints on a public page)", { '200': svg, '404': svg }, [
      ...badgeParams,
      query('period', { enum: ['24h', '7d', '30d', '90d'], default: '24h' }, 'Over how long'),
    ]),
    '/badge/endpoints/{id}/response.svg': get(
      "An endpoint's average response time (24 h) as a badge (only endpoints on a public page)",
      { '200': svg, '404': svg },
      badgeParams,
    ),
  };
}

/** Set-up, sign-in and sessions, personal keys, people, invites and the audit log (server/http/routes/accounts.ts; docs/accounts.md). */
function accountPaths(): Json {
  const tags = ['Accounts'];
  const body = (schema: string) => ({ required: true, content: { 'application/json': { schema: ref(schema) } } });
  /** An answer that signs a browser in: the session, and its cookie. */
  const signedIn = (description: string) => ({
    ...json(ref('SessionInfo'), description),
    headers: {
      'Set-Cookie': {
        description: `${SESSION_COOKIE}=<token>; HttpOnly; SameSite=Lax; Path=/ (Secure over https): the session`,
        schema: { type: 'string' },
      },
    },
  });
  const items = (item: string) => json(exact({ items: { type: 'array', items: ref(item) } }));
  const tokenParameter = {
    name: 'token',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'The token of the invite link (its #token=)',
  };
  const inviteNotValid = problemAs(409, 'The link has been used, withdrawn or has expired (invite_not_valid)');
  const resetNotValid = problemAs(409, 'The link has been used, replaced or has expired (reset_not_valid)');
  const lastOwner = problemAs(409, 'The last owner cannot be demoted or removed (last_owner)');
  return {
    '/api/session': {
      get: {
        tags,
        summary: 'Who is calling: whether set-up is needed, the signed-in person and role, the CSRF token of their session',
        responses: { '200': json(ref('SessionInfo')) },
      },
      post: {
        tags,
        summary: 'Sign in with email and password: the session, its cookie set (a new token at every sign-in)',
        requestBody: body('SignInInput'),
        responses: {
          '200': signedIn('Signed in'),
          ...problems(400, 413),
          ...problemAs(
            401,
            'The email or the password is wrong (invalid_credentials: the same answer for both); with two-factor sign-in on, no code sent (second_factor_required: ask for it, send all again) or a wrong or used one (invalid_second_factor)',
          ),
          ...problemAs(429, 'Too many wrong passwords or codes from this address or for this account (too_many_attempts); see Retry-After'),
        },
      },
      delete: {
        tags,
        summary: "Sign out: ends this browser's session on the server and clears its cookie (204 without one too)",
        responses: { '204': { description: 'Signed out' } },
      },
    },
    '/api/auth/oidc/start': {
      get: {
        tags,
        summary: 'Single sign-on (only when OIDC_* are set): to the OpenID Connect provider, with the attempt in a cookie for 10 minutes',
        parameters: [query('next', { type: 'string' }, 'Where to land once signed in: a path of this Vigil (default /)')],
        responses: {
          '302': {
            description: "To the provider's sign-in page (to /?signin-error=oidc_failed when the provider cannot be reached)",
            headers: { Location: { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/api/auth/oidc/callback': {
      get: {
        tags,
        summary: 'Where the provider sends the browser back (only when OIDC_* are set): signed in by the verified email of an account',
        parameters: [
          query('code', { type: 'string' }, "The provider's authorization code"),
          query('state', { type: 'string' }, 'The state of the attempt started here'),
        ],
        responses: {
          '302': {
            description:
              'Signed in: to `next`, with the session cookie; else to /?signin-error=<code> (oidc_state, oidc_failed, oidc_email_unverified, oidc_no_account)',
            headers: {
              Location: { schema: { type: 'string' } },
              'Set-Cookie': { description: `${SESSION_COOKIE}=<token>…: the session, once signed in`, schema: { type: 'string' } },
            },
          },
        },
      },
    },
    '/api/setup': {
      post: {
        tags,
        summary: 'Create the owner account and sign them in: from the machine Vigil runs on, or with the set-up link in its log',
        requestBody: body('SetupInput'),
        responses: {
          '201': signedIn('The owner, signed in'),
          ...problems(400, 413),
          ...problemAs(
            403,
            "Not from this machine and without the set-up link's token (setup_not_local); or sent by a web page of another origin (Origin not Vigil's own nor in ALLOWED_ORIGINS)",
          ),
          ...problemAs(409, 'There is an owner already (already_set_up): sign in'),
        },
      },
    },
    '/api/sessions': {
      get: {
        tags,
        summary: "The caller's signed-in browsers, this one included (current)",
        responses: { '200': items('SessionSummary') },
      },
      delete: {
        tags,
        summary: "Sign out everywhere else: ends every session of the caller's but this one",
        responses: { '200': json(exact({ ended: { ...int, description: 'How many sessions were ended' } })) },
      },
    },
    '/api/sessions/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'A SessionSummary id' }],
      delete: {
        tags,
        summary: "End one of the caller's sessions",
        responses: { '204': { description: 'Ended' }, ...problemAs(404, 'No such session of the caller') },
      },
    },
    '/api/keys': {
      get: {
        tags,
        summary: "The caller's personal keys, newest first (expired ones included, marked)",
        parameters: [query('all', { type: 'boolean', default: false }, "true: everyone's keys (owners only; ignored for others)")],
        responses: { '200': items('PersonalKey') },
      },
      post: {
        tags,
        summary: 'Make a personal key for scripts: it acts as the caller, with their role, narrowed to its scope; answered this once',
        requestBody: body('PersonalKeyInput'),
        responses: {
          '201': json(ref('NewPersonalKey'), 'Created'),
          ...problems(400, 413),
          ...problemAs(409, `At most ${KEY_LIMITS.perPerson} keys a person (too_many_keys): revoke some first`),
        },
      },
    },
    '/api/keys/{id}': {
      parameters: [idParam],
      delete: {
        tags,
        summary: 'Revoke a personal key: the caller’s own, or any for an owner',
        responses: { '204': { description: 'Revoked' }, ...problemAs(404, 'No such key of the caller’s') },
      },
    },
    '/api/account': {
      get: { tags, summary: "The caller's own account, with whether two-factor sign-in is on", responses: { '200': json(ref('OwnAccount')) } },
      patch: {
        tags,
        summary: 'Change one’s own name, or password (with the current one: every other session of the person ends)',
        requestBody: body('OwnAccountPatch'),
        responses: { '200': json(ref('OwnAccount')), ...problems(400, 413) },
      },
    },
    '/api/account/two-factor': {
      post: {
        tags,
        summary: 'Start two-factor sign-in: a new secret for an authenticator app, on once confirmed',
        responses: { '200': json(ref('TwoFactorEnrolment')), ...problemAs(409, 'It is on already (two_factor_on): turn it off first') },
      },
    },
    '/api/account/two-factor/confirm': {
      post: {
        tags,
        summary: 'Turn two-factor sign-in on with a code from the new secret: answers the recovery codes, this once',
        requestBody: body('TwoFactorCode'),
        responses: {
          '200': json(ref('RecoveryCodes')),
          ...problems(400, 413),
          ...problemAs(409, 'No enrolment started (two_factor_not_started)'),
        },
      },
    },
    '/api/account/two-factor/disable': {
      post: {
        tags,
        summary: 'Turn two-factor sign-in off (the password is asked again)',
        requestBody: body('PasswordConfirmation'),
        responses: { '204': { description: 'Off' }, ...problems(400, 413) },
      },
    },
    '/api/account/recovery-codes': {
      post: {
        tags,
        summary: 'New recovery codes, the old ones void (the password is asked again)',
        requestBody: body('PasswordConfirmation'),
        responses: {
          '200': json(ref('RecoveryCodes')),
          ...problems(400, 413),
          ...problemAs(409, 'Two-factor sign-in is off (two_factor_off)'),
        },
      },
    },
    '/api/users/{id}/two-factor': {
      parameters: [idParam],
      delete: {
        tags,
        summary: 'Turn off the two-factor sign-in of someone who lost their device: they sign in with their password, then enrol again',
        responses: { '204': { description: 'Off' }, ...problems(404) },
      },
    },
    '/api/users': {
      get: { tags, summary: 'Everyone with an account, oldest first', responses: { '200': items('AccountUser') } },
    },
    '/api/users/{id}': {
      parameters: [idParam],
      patch: {
        tags,
        summary: "Change a person's role (their sessions take it at once)",
        requestBody: body('RoleChange'),
        responses: { '200': json(ref('AccountUser')), ...problems(400, 404, 413), ...lastOwner },
      },
      delete: {
        tags,
        summary: 'Remove a person and end their sessions',
        responses: { '204': { description: 'Removed' }, ...problems(404), ...lastOwner },
      },
    },
    '/api/users/{id}/password-reset': {
      parameters: [idParam],
      post: {
        tags,
        summary: `Make a one-time link (${RESET_HOURS} h) for someone who forgot their password, answered this once; it replaces their earlier one`,
        responses: { '201': json(ref('PasswordReset'), 'Created'), ...problems(404) },
      },
      delete: { tags, summary: 'Withdraw the person’s open password reset link', responses: { '204': { description: 'Withdrawn' }, ...problems(404) } },
    },
    '/api/password-resets/{token}': {
      parameters: [tokenParameter],
      get: {
        tags,
        summary: 'Whose password a reset link sets; the link is the credential',
        responses: { '200': json(ref('PasswordResetPreview')), ...resetNotValid },
      },
      post: {
        tags,
        summary:
          'Set a new password with a reset link: the link is used up and every session of the person ends (sign in after, with the two-factor code if it is on)',
        requestBody: body('NewPassword'),
        responses: { '204': { description: 'Set' }, ...problems(400, 413), ...resetNotValid },
      },
    },
    '/api/invites': {
      get: { tags, summary: 'The open invites, oldest first', responses: { '200': items('Invite') } },
      post: {
        tags,
        summary: 'Invite someone with a role (and, optionally, only one email address): a one-time link for 7 days, answered this once',
        requestBody: body('InviteInput'),
        responses: {
          '201': json(ref('NewInvite'), 'Created'),
          ...problems(400, 413),
          ...problemAs(409, 'Too many open invites (too_many_invites): withdraw some first'),
        },
      },
    },
    '/api/invites/{id}': {
      parameters: [idParam],
      delete: { tags, summary: 'Withdraw an invite: its link stops working', responses: { '204': { description: 'Withdrawn' }, ...problems(404) } },
    },
    '/api/invitations/{token}': {
      parameters: [tokenParameter],
      get: {
        tags,
        summary: 'What an invite link offers (the role, for whom, from whom, until when); the link is the credential',
        responses: { '200': json(ref('InvitePreview')), ...inviteNotValid },
      },
      post: {
        tags,
        summary: 'Accept an invite: make the account it offers and sign in (the link is used up)',
        requestBody: body('InvitationAcceptance'),
        responses: {
          '201': signedIn('The new person, signed in'),
          ...problems(400, 413),
          ...problemAs(409, 'The link has been used, withdrawn or has expired (invite_not_valid); or the email has an account already (email_taken)'),
        },
      },
    },
    '/api/audit-log': {
      get: {
        tags,
        summary: 'Who changed what and when, newest first',
        parameters: queryParameters(QUERY_SCHEMAS.auditLog, {
          actorId: [uuid, "One person's"],
          actorKind: [{ enum: [...AUDIT_ACTOR_KINDS] }, 'Only a signed-in person, API_KEY, this machine, or anonymous callers (failed sign-ins)'],
          action: [{ type: 'string', maxLength: 100 }, 'One action, e.g. endpoint.created'],
          targetType: [{ type: 'string', maxLength: 50 }, 'Only entries about this kind of thing, e.g. endpoint'],
          targetId: [{ type: 'string', maxLength: 200 }, 'Only entries about this thing'],
          from: [time, 'From this time (inclusive)'],
          to: [time, 'Up to this time (inclusive)'],
          limit: limit(500, 100),
          cursor,
        }),
        responses: { '200': json(page('AuditEntry')), ...problems(400) },
      },
    },
  };
}
