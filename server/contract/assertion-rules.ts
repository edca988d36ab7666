import { ASSERTION_COMPARISONS, type AssertionComparison, type AssertionSource, type MonitorType } from './types.ts';

/**
 * Which comparisons each assertion source takes, as the API enforces it
 * (server/domain/assertion-input.ts) and the dashboard's form offers it: one copy.
 */
export const ORDERING_COMPARISONS = ['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'] as const satisfies readonly AssertionComparison[];

/** In the order the form offers them. */
export const COMPARISONS_OF: Record<AssertionSource, readonly AssertionComparison[]> = {
  status: ['equals', 'notEquals', ...ORDERING_COMPARISONS],
  header: ASSERTION_COMPARISONS,
  body: ['equals', 'notEquals', 'contains', 'notContains', 'matches'],
  json: ASSERTION_COMPARISONS,
  responseTime: ORDERING_COMPARISONS,
  certificateDays: ORDERING_COMPARISONS,
  dnsCode: ['equals', 'notEquals'],
};

/**
 * Which sources each monitor type's checks have, in the order the form offers them. `body` is a
 * TCP reply, and a DNS answer's records one per line; `certificateDays` needs a `tls://` URL on TCP.
 */
export const SOURCES_OF_TYPE: Record<MonitorType, readonly AssertionSource[]> = {
  http: ['status', 'header', 'body', 'json', 'responseTime', 'certificateDays'],
  tcp: ['body', 'responseTime', 'certificateDays'],
  dns: ['dnsCode', 'body', 'responseTime'],
  tls: ['responseTime', 'certificateDays'],
  push: [],
};

export const ORDERING: ReadonlySet<AssertionComparison> = new Set(ORDERING_COMPARISONS);
export const PRESENCE: ReadonlySet<AssertionComparison> = new Set(['exists', 'notExists']);
/** Sources whose value is always a number: every target is one. */
export const NUMERIC_SOURCES: ReadonlySet<AssertionSource> = new Set(['status', 'responseTime', 'certificateDays']);
