import type { Assertion, CheckErrorCode, CheckStatus, FailedAssertion, MessageParams } from '../contract/types.ts';
import { type AnswerSeen, failedAssertions } from './assertions.ts';
import { checkError } from './check-errors.ts';
import { matchesExpectedStatus } from './expected-status.ts';

export const TIMEOUT_MESSAGE = checkError('timeout').errorMessage;

/** What a probe observed: either an HTTP answer or a failure to get one. */
export type ProbeObservation =
  | ({ kind: 'response'; bodyExcerpt: string | null } & AnswerSeen)
  | { kind: 'failure'; responseTime: number; errorMessage: string; errorCode: CheckErrorCode | null; errorParams: MessageParams | null };

export interface CheckRules {
  expectedStatusCodes: readonly string[];
  degradedThresholdMs: number;
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
}

type Reason = Pick<CheckVerdict, 'errorMessage' | 'errorCode' | 'errorParams'>;

/**
 * The status rules of the contract, the two default assertions first:
 * 1. no answer (refused, DNS, TLS, timeout) → DOWN with the failure's message;
 * 2. an answer outside the expected codes, or an assertion of severity DOWN not met → DOWN;
 * 3. an answer slower than the degraded threshold, or an assertion of severity DEGRADED not met → DEGRADED;
 * 4. otherwise UP.
 * The error is the first reason of the worst status, in that order (expected codes, threshold, assertions).
 */
export function judgeObservation(observation: ProbeObservation, rules: CheckRules): CheckVerdict {
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
    };
  }
  const { statusCode, responseTime } = observation;
  const failed = rules.assertions.length > 0 ? failedAssertions(rules.assertions, observation) : [];
  const down: Reason[] = [];
  const degraded: Reason[] = [];
  if (!matchesExpectedStatus(statusCode, rules.expectedStatusCodes)) {
    down.push(checkError('unexpected_status', { status: statusCode, expected: rules.expectedStatusCodes.join(', ') }));
  }
  if (responseTime > rules.degradedThresholdMs) degraded.push(checkError('slow', { responseTime, threshold: rules.degradedThresholdMs }));
  for (const f of failed)
    (f.severity === 'DOWN' ? down : degraded).push(checkError('assertion', { subject: f.subject, expected: f.expected, actual: f.actual }));

  const reason = down[0] ?? degraded[0];
  if (!reason) {
    return { status: 'UP', statusCode, responseTime, errorMessage: null, errorCode: null, errorParams: null, failedAssertions: [], bodyExcerpt: null };
  }
  return { status: down.length > 0 ? 'DOWN' : 'DEGRADED', statusCode, responseTime, ...reason, failedAssertions: failed, bodyExcerpt: observation.bodyExcerpt };
}
