import type { CheckErrorCode, CheckStatus, MessageParams } from '../contract/types.ts';
import { checkError } from './check-errors.ts';
import { matchesExpectedStatus } from './expected-status.ts';

export const TIMEOUT_MESSAGE = checkError('timeout').errorMessage;

/** What a probe observed: either an HTTP answer or a failure to get one. */
export type ProbeObservation =
  | { kind: 'response'; statusCode: number; responseTime: number }
  | { kind: 'failure'; responseTime: number; errorMessage: string; errorCode: CheckErrorCode | null; errorParams: MessageParams | null };

export interface CheckRules {
  expectedStatusCodes: readonly string[];
  degradedThresholdMs: number;
}

export interface CheckVerdict {
  status: CheckStatus;
  statusCode: number | null;
  responseTime: number;
  errorMessage: string | null;
  errorCode: CheckErrorCode | null;
  errorParams: MessageParams | null;
}

/**
 * The status rules of the contract:
 * 1. no answer (refused, DNS, TLS, timeout) → DOWN with the failure's message;
 * 2. an answer outside the expected codes → DOWN;
 * 3. an expected answer slower than the degraded threshold → DEGRADED;
 * 4. otherwise UP.
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
    };
  }
  const { statusCode, responseTime } = observation;
  if (!matchesExpectedStatus(statusCode, rules.expectedStatusCodes)) {
    return {
      status: 'DOWN',
      statusCode,
      responseTime,
      ...checkError('unexpected_status', { status: statusCode, expected: rules.expectedStatusCodes.join(', ') }),
    };
  }
  if (responseTime > rules.degradedThresholdMs) {
    return {
      status: 'DEGRADED',
      statusCode,
      responseTime,
      ...checkError('slow', { responseTime, threshold: rules.degradedThresholdMs }),
    };
  }
  return { status: 'UP', statusCode, responseTime, errorMessage: null, errorCode: null, errorParams: null };
}
