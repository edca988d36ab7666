import { describe, expect, it } from 'vitest';
import { judgeObservation, TIMEOUT_MESSAGE, type CheckRules, type ProbeObservation } from './check-rules.ts';
import { codeOfCheckError } from './check-errors.ts';

const rules = (overrides: Partial<CheckRules> = {}): CheckRules => ({
  expectedStatusCodes: ['200-299'],
  degradedThresholdMs: 2000,
  assertions: [],
  ...overrides,
});

const answer = (statusCode: number, responseTime = 50): ProbeObservation => ({
  kind: 'response',
  statusCode,
  responseTime,
  headers: {},
  body: null,
  bodyExcerpt: null,
  certificateDays: null,
});
const failure = (errorMessage: string, responseTime = 5): ProbeObservation => ({
  kind: 'failure',
  errorMessage,
  responseTime,
  ...codeOfCheckError(errorMessage),
});

describe('judgeObservation', () => {
  describe('when no answer came', () => {
    it.each([
      ['connect ECONNREFUSED 127.0.0.1:1', 3],
      ['getaddrinfo ENOTFOUND nowhere.invalid', 12],
      ['self-signed certificate', 40],
      ['socket hang up', 7],
      [TIMEOUT_MESSAGE, 10_000],
    ])('judges "%s" DOWN with that message, no status code and the time spent (%i ms)', (message, responseTime) => {
      expect(judgeObservation(failure(message, responseTime), rules())).toEqual({
        status: 'DOWN',
        statusCode: null,
        responseTime,
        errorMessage: message,
        ...codeOfCheckError(message),
        failedAssertions: [],
        bodyExcerpt: null,
      });
    });

    it('names the timeout "Timeout exceeded", as the contract words it', () => {
      expect(TIMEOUT_MESSAGE).toBe('Timeout exceeded');
    });

    it('judges a failure DOWN even when it came faster than the degraded threshold', () => {
      expect(judgeObservation(failure('boom', 0), rules({ degradedThresholdMs: 1 })).status).toBe('DOWN');
    });
  });

  describe('when an answer came', () => {
    it.each([
      { statusCode: 200, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'UP' },
      { statusCode: 299, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'UP' },
      { statusCode: 204, responseTime: 0, specs: ['200-299'], threshold: 2000, status: 'UP' },
      { statusCode: 200, responseTime: 2000, specs: ['200-299'], threshold: 2000, status: 'UP' },
      { statusCode: 200, responseTime: 2001, specs: ['200-299'], threshold: 2000, status: 'DEGRADED' },
      { statusCode: 200, responseTime: 30_000, specs: ['200-299'], threshold: 2000, status: 'DEGRADED' },
      { statusCode: 200, responseTime: 2, specs: ['200-299'], threshold: 1, status: 'DEGRADED' },
      { statusCode: 404, responseTime: 50, specs: ['404'], threshold: 2000, status: 'UP' },
      { statusCode: 404, responseTime: 2500, specs: ['404'], threshold: 2000, status: 'DEGRADED' },
      { statusCode: 301, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'DOWN' },
      { statusCode: 301, responseTime: 50, specs: ['200-399'], threshold: 2000, status: 'UP' },
      { statusCode: 404, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'DOWN' },
      { statusCode: 500, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'DOWN' },
      { statusCode: 503, responseTime: 50, specs: ['200-299', '503'], threshold: 2000, status: 'UP' },
      { statusCode: 500, responseTime: 9000, specs: ['200-299'], threshold: 2000, status: 'DOWN' },
      { statusCode: 199, responseTime: 50, specs: ['200-299'], threshold: 2000, status: 'DOWN' },
    ])('judges $statusCode in $responseTime ms against $specs and $threshold ms $status', ({ statusCode, responseTime, specs, threshold, status }) => {
      const verdict = judgeObservation(answer(statusCode, responseTime), rules({ expectedStatusCodes: specs, degradedThresholdMs: threshold }));
      expect(verdict.status).toBe(status);
      expect(verdict.statusCode).toBe(statusCode);
      expect(verdict.responseTime).toBe(responseTime);
    });

    it('gives an UP check no error message', () => {
      expect(judgeObservation(answer(200), rules()).errorMessage).toBeNull();
    });

    it('explains an unexpected status code, naming it and the expected codes', () => {
      const verdict = judgeObservation(answer(500), rules({ expectedStatusCodes: ['200-299', '304'] }));
      expect(verdict.errorMessage).toContain('500');
      expect(verdict.errorMessage).toContain('200-299');
      expect(verdict.errorMessage).toContain('304');
    });

    it('explains a slow answer, naming its time and the threshold', () => {
      const verdict = judgeObservation(answer(200, 2345), rules({ degradedThresholdMs: 2000 }));
      expect(verdict.errorMessage).toContain('2345');
      expect(verdict.errorMessage).toContain('2000');
    });

    it('judges an unexpected status DOWN rather than DEGRADED, however slow', () => {
      const verdict = judgeObservation(answer(502, 60_000), rules({ degradedThresholdMs: 10 }));
      expect(verdict.status).toBe('DOWN');
      expect(verdict.errorMessage).toContain('502');
    });
  });
});
