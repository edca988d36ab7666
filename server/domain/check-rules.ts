import type { CheckStatus } from '../contract/types.ts';
import { matchesExpectedStatus } from './expected-status.ts';

export const TIMEOUT_MESSAGE = 'Timeout exceeded';

/** What a probe observed: either an HTTP answer or a failure to get one. */
export type ProbeObservation =
  | { kind: 'response'; statusCode: number; responseTime: number }
  | { kind: 'failure'; errorMessage: string; responseTime: number };

export interface CheckRules {
  expectedStatusCodes: readonly string[];
  degradedThresholdMs: number;
}

export interface CheckVerdict {
  status: CheckStatus;
  statusCode: number | null;
  responseTime: number;
  errorMessage: string | null;
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
    };
  }
  const { statusCode, responseTime } = observation;
  if (!matchesExpectedStatus(statusCode, rules.expectedStatusCodes)) {
    return {
      status: 'DOWN',
      statusCode,
      responseTime,
      errorMessage: `Unexpected status code ${statusCode} (expected ${rules.expectedStatusCodes.join(', ')})`,
    };
  }
  if (responseTime > rules.degradedThresholdMs) {
    return {
      status: 'DEGRADED',
      statusCode,
      responseTime,
      errorMessage: `Slow response: ${responseTime} ms (threshold ${rules.degradedThresholdMs} ms)`,
    };
  }
  return { status: 'UP', statusCode, responseTime, errorMessage: null };
}
