/**
 * The public shapes of Vigil (see CONTRACT.md). Types only: the web app imports them with
 * `import type`, so a field cannot drift between server and clients.
 */

/**
 * What an endpoint checks (docs/monitor-types.md): an HTTP request, a TCP connection (over TLS with
 * a `tls://` URL), a DNS lookup, a TLS certificate, or pings that a job sends (push). The URL says
 * where: `https://…`, `tcp://host:port`, `dns://resolver/name?type=A` (RFC 4501; `dns:name` uses
 * the system's resolver), `tls://host:port`; a push endpoint's is `push:<token>`, made by Vigil.
 */
export const MONITOR_TYPES = ['http', 'tcp', 'dns', 'tls', 'push'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

/** The record types a DNS endpoint can look up. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'CAA', 'PTR', 'SOA'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

/** A DNS answer's response code (RFC 1035 §4.1.1 names). */
export const DNS_CODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;
export type DnsCode = (typeof DNS_CODES)[number];

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * What an endpoint is now: its last check's status (PENDING before the first), or MAINTENANCE while
 * a maintenance window covers it (checks go on; see docs/maintenance-windows.md).
 */
export const ENDPOINT_STATUSES = ['PENDING', 'UP', 'DEGRADED', 'DOWN', 'MAINTENANCE'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** The result of one check; never PENDING or MAINTENANCE (a check in a window keeps what it saw, and is marked `maintenance`). */
export type CheckStatus = Exclude<EndpointStatus, 'PENDING' | 'MAINTENANCE'>;

/**
 * What every read shows in place of a secret (a secret header's value, the URL's password), and
 * what a write sends to keep the stored value. See server/domain/secrets.ts.
 */
export const SECRET_MARKER = '(secret)';

/** What an assertion looks at in a check's answer. */
export const ASSERTION_SOURCES = ['status', 'header', 'body', 'json', 'responseTime', 'certificateDays', 'dnsCode'] as const;
export type AssertionSource = (typeof ASSERTION_SOURCES)[number];

export const ASSERTION_COMPARISONS = [
  'equals',
  'notEquals',
  'lessThan',
  'lessThanOrEqual',
  'greaterThan',
  'greaterThanOrEqual',
  'contains',
  'notContains',
  'matches',
  'exists',
  'notExists',
] as const;
export type AssertionComparison = (typeof ASSERTION_COMPARISONS)[number];

/**
 * One condition a check's answer must meet, beside `expectedStatusCodes` and
 * `degradedThresholdMs` (which stay the first two). See docs/assertions.md.
 */
export interface Assertion {
  source: AssertionSource;
  /** `header`: the header's name; `json`: a JSONPath expression (RFC 9535), e.g. `$.status`. Null for the other sources. */
  property: string | null;
  comparison: AssertionComparison;
  /** What the value is compared with; null for `exists` and `notExists` (and for `equals null` on JSON). */
  target: string | number | boolean | null;
  /** What the check is when this assertion fails. */
  severity: 'DOWN' | 'DEGRADED';
}

/** One assertion a check's answer did not meet, and what it saw. */
export interface FailedAssertion {
  /** Its position in the endpoint's `assertions`. */
  index: number;
  severity: 'DOWN' | 'DEGRADED';
  /** What was looked at: `status code`, `header content-type`, `body`, `$.status`, `response time`, `certificate`. */
  subject: string;
  /** What was expected, as words: `"ok"`, `≥ 14 days`, `to contain "healthy"`. */
  expected: string;
  /** What was seen: `"degraded"`, `3 days`, `no such header`. */
  actual: string;
  /** `{subject}: expected {expected}, got {actual}`. */
  message: string;
}

/** The certificate a TLS endpoint was shown (also kept whole for `tls` checks). */
export interface CertificateSummary {
  /** The subject's common name (or the whole subject when it has none). */
  subject: string;
  /** The issuer's common name and organization, e.g. `R11, Let's Encrypt`. */
  issuer: string;
  /** The DNS names and IP addresses it covers (subjectAltName). */
  names: string[];
  validFrom: string;
  validTo: string;
  /** Whole days left before it expires (negative once expired). */
  daysLeft: number;
}

/** What a user sets on an endpoint. */
export interface EndpointDefinition {
  name: string;
  /** What is checked; left out of a create, it follows the URL's scheme (http/https → http, tcp, dns, tls). */
  type: MonitorType;
  /** Where: `https://…` (http), `tcp://host:port` or `tls://host:port` (tcp), `dns://resolver/name?type=A` or `dns:name?type=A` (dns), `tls://host:port` (tls). */
  url: string;
  /** http only (the others ignore it). */
  method: HttpMethod;
  /**
   * Secret values (see `secretHeaders`) read as SECRET_MARKER "(secret)"; sending the marker back
   * keeps the stored value. The URL's password and secret query values read the same way:
   * `https://user:(secret)@host/?api_key=(secret)`.
   */
  headers: Record<string, string>;
  /** Header names whose values are secret on top of the rule (authorization, cookie, names with token, key, auth…). */
  secretHeaders: string[];
  /** http: the request body; tcp: the text sent once connected (null: send nothing); null for dns and tls. */
  body: string | null;
  intervalSeconds: number;
  /** While the endpoint's last check was DOWN or its incident is open, it is checked this often instead (null: at `intervalSeconds`). */
  retryIntervalSeconds: number | null;
  timeoutMs: number;
  /** http only (the others ignore it). */
  expectedStatusCodes: string[];
  degradedThresholdMs: number;
  /** A check that sees a certificate with fewer days left is DEGRADED (https, tls:// and tls endpoints); null: never. */
  certificateWarningDays: number | null;
  /** push: how long after the expected time a ping may still come before the endpoint is DOWN. */
  graceSeconds: number;
  /** push: when pings are expected, as a cron expression (null: every `intervalSeconds` after the last one). */
  cron: string | null;
  /** push: the IANA time zone of `cron` (null: UTC). */
  timezone: string | null;
  failureThreshold: number;
  /** Checks in a row that are not DOWN before an open incident resolves (1: the first). */
  recoveryThreshold: number;
  /** The uptime aimed at, in percent (e.g. 99.9); reports count the error budget from it (null: none). */
  slaTarget: number | null;
  /** Conditions on the answer beyond the status code and the response time (at most 20). */
  assertions: Assertion[];
  paused: boolean;
  tags: string[];
  /**
   * The endpoint this one depends on (null: none). While the parent is DOWN or in maintenance, an
   * incident of this one is marked as caused by it and notifies nobody (docs/dependencies.md).
   */
  parentId: string | null;
}

export interface Endpoint extends EndpointDefinition {
  id: string;
  status: EndpointStatus;
  lastCheckedAt: string | null;
  lastResponseTime: number | null;
  lastStatusCode: number | null;
  lastErrorMessage: string | null;
  /** The code of `lastErrorMessage` (docs/api-errors.md); null with no error or one from before codes. */
  lastErrorCode: CheckErrorCode | null;
  lastErrorParams: MessageParams | null;
  consecutiveFailures: number;
  /** When the certificate the last check saw expires (https, tls:// and tls endpoints); null before one was seen. */
  certificateExpiresAt: string | null;
  /** push: when the last ping (success or failure) came; null before the first, and for the other types. */
  lastPingAt: string | null;
  /** push: when the endpoint turns DOWN unless a ping comes first; null for the other types and while paused. */
  nextDeadlineAt: string | null;
  /** The maintenance window covering it now (its `status` is then MAINTENANCE); null outside windows and while paused. */
  maintenance: EndpointMaintenance | null;
  createdAt: string;
  updatedAt: string;
}

export interface Check {
  id: string;
  endpointId: string;
  status: CheckStatus;
  responseTime: number;
  statusCode: number | null;
  errorMessage: string | null;
  /** What went wrong as a stable code with its parameters (docs/api-errors.md); `errorMessage` says it in English. */
  errorCode: CheckErrorCode | null;
  errorParams: MessageParams | null;
  /** Every assertion this check did not meet, in the endpoint's order ([] when none failed). */
  failedAssertions: FailedAssertion[];
  /** The first 1 KB of the body of a check that was not UP (null: UP, no answer, or an empty body). */
  bodyExcerpt: string | null;
  /** The certificate a `tls` check was shown (null for the other types, and when none was). */
  certificate: CertificateSummary | null;
  /** Made while a maintenance window covered the endpoint: uptime leaves it out, and it opened no incident. */
  maintenance: boolean;
  checkedAt: string;
}

/** One check as the dashboard's strips draw it. */
export type RecentCheck = Pick<Check, 'status' | 'responseTime' | 'checkedAt' | 'maintenance'>;

/** GET /api/checks/recent: every endpoint's newest checks, newest first, keyed by endpoint id ([] before its first check). */
export interface RecentChecks {
  items: Record<string, RecentCheck[]>;
  /** Where every `uptime24h` window starts: the start of the UTC hour 23 hours before the current one. */
  uptime24hSince: string;
  /** Each endpoint's checks since `uptime24hSince` (23 to 24 hours), keyed by endpoint id. */
  uptime24h: Record<string, UptimeCounts>;
}

/** Checks in a window (those in maintenance left out) and how many were not DOWN; `through`: the newest check looked at (null: none). */
export interface UptimeCounts {
  checks: number;
  up: number;
  through: string | null;
}

export interface Incident {
  id: string;
  endpointId: string;
  endpointName: string;
  startedAt: string;
  resolvedAt: string | null;
  failureCount: number;
  errorMessage: string | null;
  errorCode: CheckErrorCode | null;
  errorParams: MessageParams | null;
  /** Set when it opened while the endpoint's parent was DOWN or in maintenance: no notification went out for it. */
  causedBy: IncidentCause | null;
}

/** The parent an incident is blamed on, as it was when the incident opened. */
export interface IncidentCause {
  endpointId: string;
  endpointName: string;
  /** The parent's incident open then (null: it had none, e.g. in maintenance or below its threshold). */
  incidentId: string | null;
}

/** GET /api/incidents/:id: the incident and its endpoint's checks around it, oldest first. */
export interface IncidentDetail extends Incident {
  /**
   * Up to 10 checks up to its start (the failures that opened it), then those up to the one that
   * resolved it (or now, while open): the newest 200 of them.
   */
  checks: Check[];
  /** Checks during the incident left out of `checks` (a long incident's older ones). */
  omittedChecks: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UptimeWindow {
  uptime: number | null;
  checks: number;
  avgResponseTime: number | null;
}

export interface Uptime {
  '24h': UptimeWindow;
  '7d': UptimeWindow;
  '30d': UptimeWindow;
}

export type SeriesRange = '1h' | '6h' | '24h' | '7d' | '30d';

/** The checks of one time bucket [at, at + bucketSeconds). checks = up + degraded + down. */
export interface SeriesPoint {
  at: string;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  /** Mean response time of the checks that were not DOWN; null when all were. */
  avgResponseTime: number | null;
}

/** GET /api/endpoints/:id/series: response time over (from, to], bucketed; only buckets with checks. */
export interface ResponseSeries {
  range: SeriesRange;
  from: string;
  to: string;
  bucketSeconds: number;
  /** Oldest first; a missing bucket had no checks. The first may start before `from` (it holds `from`). */
  points: SeriesPoint[];
}

/** up + down + degraded + pending + maintenance + paused = total. */
export interface Summary {
  total: number;
  up: number;
  down: number;
  degraded: number;
  pending: number;
  /** Covered by a maintenance window now (not paused). */
  maintenance: number;
  paused: number;
  openIncidents: number;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** What went wrong as a stable code (docs/api-errors.md); `detail` says it in English. */
  code: string;
  params?: MessageParams;
  errors?: { path: string; message: string; code: string; params: MessageParams }[];
}

/** The values a coded message is built from ({ max: 100 }, { status: 500 }). */
export type MessageParams = Record<string, string | number>;

/** Why a check failed or was slow; see docs/api-errors.md. */
export const CHECK_ERROR_CODES = [
  'timeout',
  'refused',
  'dns',
  'reset',
  'tls',
  'blocked',
  'invalid_url',
  'invalid_request',
  'invalid_redirect',
  'too_many_redirects',
  'network',
  'unexpected_status',
  'slow',
  'assertion',
  'certificate_expiring',
  'dns_code',
  'dns_no_answer',
  'push_late',
  'push_failed',
] as const;
export type CheckErrorCode = (typeof CHECK_ERROR_CODES)[number];

/** Something accepted but probably not meant (a timeout longer than the interval). */
export interface Warning {
  path: string;
  code: string;
  params: MessageParams;
  message: string;
}

/** POST /api/endpoints and PATCH /api/endpoints/{id}: the endpoint, and what looks odd about it (absent when nothing does). */
export type SavedEndpoint = Endpoint & { warnings?: Warning[] };

/** One endpoint in an export file: its id and definition (no status, no history). */
export interface ExportedEndpoint extends EndpointDefinition {
  id: string;
}

/** One maintenance window in an export file: its id and definition. */
export interface ExportedMaintenanceWindow extends MaintenanceWindowDefinition {
  id: string;
}

/**
 * GET /api/export, and what POST /api/import reads (there `id`, `exportedAt` and
 * `maintenanceWindows` are optional; a file without `maintenanceWindows` leaves the windows alone).
 */
export interface EndpointsFile {
  vigil: 'endpoints';
  version: 1;
  exportedAt: string;
  endpoints: ExportedEndpoint[];
  maintenanceWindows: ExportedMaintenanceWindow[];
}

export type ImportMode = 'merge' | 'replace';
export type ImportAction = 'created' | 'updated' | 'unchanged' | 'deleted';

/** POST /api/import: what was done (or, with dryRun, what would be), entry by entry in file order, deletions last. */
export interface ImportResult {
  mode: ImportMode;
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  /** `id` is null only for an entry without an id that a dry run would create. */
  items: { id: string | null; name: string; action: ImportAction }[];
  /** What was done with the file's maintenance windows (all 0 when it had none). */
  maintenanceWindows: Record<ImportAction, number>;
}

/** How a maintenance window's periods are set: one period (`startsAt` to `endsAt`), or one per time of a cron expression. */
export const MAINTENANCE_KINDS = ['once', 'recurring'] as const;
export type MaintenanceKind = (typeof MAINTENANCE_KINDS)[number];

/**
 * A time during which the endpoints it covers are in maintenance: checked as usual, shown as
 * MAINTENANCE, opening no incident and sending no notification, left out of uptime. See
 * docs/maintenance-windows.md.
 */
export interface MaintenanceWindowDefinition {
  name: string;
  /** What is done, for the people who see it (null: nothing said). */
  description: string | null;
  kind: MaintenanceKind;
  /** once: when the period starts. recurring: no period starts before it (null: no bound). */
  startsAt: string | null;
  /** once: when the period ends. recurring: no period starts after it (null: no bound). */
  endsAt: string | null;
  /** recurring: when each period starts, as a cron expression (5 or 6 fields). Null for once. */
  cron: string | null;
  /** recurring: how long each period lasts, in minutes. Null for once. */
  durationMinutes: number | null;
  /** recurring: the IANA time zone of `cron` (null: UTC). Null for once, whose times carry their offset. */
  timezone: string | null;
  /** Covers every endpoint (then `endpointIds` and `tags` must be empty). */
  allEndpoints: boolean;
  /** The endpoints it covers by id… */
  endpointIds: string[];
  /** …and those with any of these tags. */
  tags: string[];
}

export interface MaintenancePeriod {
  startsAt: string;
  endsAt: string;
}

export interface MaintenanceWindow extends MaintenanceWindowDefinition {
  id: string;
  /** Whether one of its periods is going on now. */
  active: boolean;
  /** The period going on now (overlapping periods of a recurring window as one); null outside. */
  currentPeriod: MaintenancePeriod | null;
  /** The next period to start after now (after the current one); null when none is to come. */
  nextPeriod: MaintenancePeriod | null;
  createdAt: string;
  updatedAt: string;
}

/** On an Endpoint: the window that puts it in maintenance now. */
export interface EndpointMaintenance {
  windowId: string;
  windowName: string;
  /** When the current period ends. */
  endsAt: string;
}
