import type {
  Assertion,
  CertificateSummary,
  CheckErrorCode,
  CheckStatus,
  DnsRecordType,
  FailedAssertion,
  MessageParams,
  MonitorType,
} from '../contract/types.ts';
import { type AnswerSeen, failedAssertions } from './assertions.ts';
import { checkError } from './check-errors.ts';
import { matchesExpectedStatus } from './expected-status.ts';

export const TIMEOUT_MESSAGE = checkError('timeout').errorMessage;

/** What every observation may carry of a TLS certificate it was shown. */
interface CertificateSeen {
  /** When it expires (for the endpoint's `certificateExpiresAt`); absent or null without TLS. */
  certificateExpiresAt?: string | null;
  /** The whole certificate, kept by `tls` checks only. */
  certificate?: CertificateSummary | null;
}

/** What a probe observed: an answer (HTTP, a TCP connection and its reply, a DNS answer, a TLS handshake) or a failure to get one. */
export type ProbeObservation =
  | ({ kind: 'response'; bodyExcerpt: string | null; dnsLookup?: DnsLookupSeen } & AnswerSeen & CertificateSeen)
  | ({ kind: 'failure'; responseTime: number; errorMessage: string; errorCode: CheckErrorCode | null; errorParams: MessageParams | null } & CertificateSeen);

/** What a DNS check looked up, and how many records came back. */
export interface DnsLookupSeen {
  name: string;
  recordType: DnsRecordType;
  answers: number;
}

export interface CheckRules {
  type: MonitorType;
  expectedStatusCodes: readonly string[];
  degradedThresholdMs: number;
  certificateWarningDays: number | null;
  assertions: readonly Assertion[];
}

export interface CheckVerdict {
  status: CheckStatus;
  statusCode: number | null;
  responseTime: number;
  errorMessage: string | null;
  errorCode: CheckErrorCode | null;
  errorParams: MessageParams | null;
  failedAssertions: FailedAssertion[];
  bodyExcerpt: string | null;
  certificate: CertificateSummary | null;
  certificateExpiresAt: string | null;
}

type Reason = Pick<CheckVerdict, 'errorMessage' | 'errorCode' | 'errorParams'>;

/** A verdict reached without an answer to judge (a push endpoint's ping or missed deadline): no assertions, no certificate. */
export function plainVerdict(status: CheckStatus, responseTime: number, reason: Reason | null = null, bodyExcerpt: string | null = null): CheckVerdict {
  return {
    status,
    statusCode: null,
    responseTime,
    errorMessage: reason?.errorMessage ?? null,
    errorCode: reason?.errorCode ?? null,
    errorParams: reason?.errorParams ?? null,
    failedAssertions: [],
    bodyExcerpt,
    certificate: null,
    certificateExpiresAt: null,
  };
}

/**
 * The status rules of the contract, the default assertions first:
 * 1. no answer (refused, DNS, TLS, timeout) → DOWN with the failure's message;
 * 2. an HTTP answer outside the expected codes, a DNS answer other than NOERROR or without a
 *    record (unless the endpoint asserts its own DNS code), or an assertion of severity DOWN not met → DOWN;
 * 3. an answer slower than the degraded threshold, a certificate within its warning period, or an
 *    assertion of severity DEGRADED not met → DEGRADED;
 * 4. otherwise UP.
 * The error is the first reason of the worst status, in that order.
 */
export function judgeObservation(observation: ProbeObservation, rules: CheckRules): CheckVerdict {
  const certificate = { certificate: observation.certificate ?? null, certificateExpiresAt: observation.certificateExpiresAt ?? null };
  if (observation.kind === 'failure') {
    return {
      status: 'DOWN',
      statusCode: null,
      responseTime: observation.responseTime,
      errorMessage: observation.errorMessage,
      errorCode: observation.errorCode,
      errorParams: observation.errorParams,
      failedAssertions: [],
      bodyExcerpt: null,
      ...certificate,
    };
  }
  const { statusCode, responseTime, certificateDays } = observation;
  const failed = rules.assertions.length > 0 ? failedAssertions(rules.assertions, observation) : [];
  const down: Reason[] = [];
  const degraded: Reason[] = [];
  if (rules.type === 'http' && statusCode !== null && !matchesExpectedStatus(statusCode, rules.expectedStatusCodes)) {
    down.push(checkError('unexpected_status', { status: statusCode, expected: rules.expectedStatusCodes.join(', ') }));
  }
  const lookup = observation.dnsLookup;
  if (lookup && !rules.assertions.some((a) => a.source === 'dnsCode')) {
    const params = { type: lookup.recordType, name: lookup.name };
    if (observation.dnsCode !== 'NOERROR') down.push(checkError('dns_code', { ...params, code: observation.dnsCode ?? 'nothing' }));
    else if (lookup.answers === 0) down.push(checkError('dns_no_answer', params));
  }
  if (responseTime > rules.degradedThresholdMs) degraded.push(checkError('slow', { responseTime, threshold: rules.degradedThresholdMs }));
  const warningDays = rules.certificateWarningDays;
  if (certificateDays !== null && warningDays !== null && certificateDays < warningDays) {
    // An expired certificate fails verification (DOWN) before it gets here, unless verification was turned off.
    if (certificateDays < 0) down.push(checkError('tls', { detail: 'certificate has expired' }));
    else degraded.push(checkError('certificate_expiring', { days: certificateDays, warningDays }));
  }
  for (const f of failed)
    (f.severity === 'DOWN' ? down : degraded).push(checkError('assertion', { subject: f.subject, expected: f.expected, actual: f.actual }));

  const reason = down[0] ?? degraded[0];
  if (!reason) {
    return {
      status: 'UP',
      statusCode,
      responseTime,
      errorMessage: null,
      errorCode: null,
      errorParams: null,
      failedAssertions: [],
      bodyExcerpt: null,
      ...certificate,
    };
  }
  return {
    status: down.length > 0 ? 'DOWN' : 'DEGRADED',
    statusCode,
    responseTime,
    ...reason,
    failedAssertions: failed,
    bodyExcerpt: observation.bodyExcerpt,
    ...certificate,
  };
}
