import { describe, expect, it } from 'vitest';
import { judgeObservation, TIMEOUT_MESSAGE, type CheckRules, type ProbeObservation } from './check-rules.ts';
import { codeOfCheckError } from './check-errors.ts';

const rules = (overrides: Partial<CheckRules> = {}): CheckRules => ({
  type: 'http',
  certificateWarningDays: 14,
  expectedStatusCodes: ['200-299'],
  degradedThresholdMs: 2000,
  assertions: [],
  ...overrides,
});

const answer = (statusCode: number, responseTime = 50): ProbeObservation & { kind: 'response' } => ({
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
        certificate: null,
        certificateExpiresAt: null,
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

  describe('certificates', () => {
    const withCertificate = (days: number): ProbeObservation => ({ ...answer(200), certificateDays: days, certificateExpiresAt: '2027-01-01T00:00:00.000Z' });

    it('judges a certificate within the warning period DEGRADED, naming its days and the period', () => {
      const verdict = judgeObservation(withCertificate(3), rules({ certificateWarningDays: 14 }));
      expect(verdict).toMatchObject({ status: 'DEGRADED', errorCode: 'certificate_expiring', errorParams: { days: 3, warningDays: 14 } });
      expect(verdict.errorMessage).toBe('Certificate expires in 3 days (warning at 14 days)');
      expect(verdict.certificateExpiresAt).toBe('2027-01-01T00:00:00.000Z');
    });

    it('keeps a certificate with the warning period or more left UP, and never warns with the period off', () => {
      expect(judgeObservation(withCertificate(14), rules({ certificateWarningDays: 14 })).status).toBe('UP');
      expect(judgeObservation(withCertificate(0), rules({ certificateWarningDays: null })).status).toBe('UP');
    });

    it('judges an expired certificate that was not verified DOWN', () => {
      expect(judgeObservation(withCertificate(-2), rules({ certificateWarningDays: 14 }))).toMatchObject({
        status: 'DOWN',
        errorMessage: 'TLS error: certificate has expired',
      });
    });
  });

  describe('other types', () => {
    const dnsAnswer = (code: string, answers: number): ProbeObservation => ({
      kind: 'response',
      statusCode: null,
      responseTime: 4,
      headers: {},
      body: answers > 0 ? '192.0.2.1' : '',
      bodyExcerpt: null,
      certificateDays: null,
      dnsCode: code,
      dnsLookup: { name: 'api.example.test', recordType: 'A', answers },
    });

    it('judges a DNS answer other than NOERROR DOWN, naming the lookup and the code', () => {
      expect(judgeObservation(dnsAnswer('NXDOMAIN', 0), rules({ type: 'dns' }))).toMatchObject({
        status: 'DOWN',
        errorMessage: 'DNS A lookup of api.example.test answered NXDOMAIN',
      });
    });

    it('judges a NOERROR answer without records DOWN, and one with records UP', () => {
      expect(judgeObservation(dnsAnswer('NOERROR', 0), rules({ type: 'dns' })).errorMessage).toBe('No A record for api.example.test');
      expect(judgeObservation(dnsAnswer('NOERROR', 1), rules({ type: 'dns' })).status).toBe('UP');
    });

    it('leaves the answer code to a dnsCode assertion when the endpoint has one (expecting NXDOMAIN)', () => {
      const assertions = [{ source: 'dnsCode' as const, property: null, comparison: 'equals' as const, target: 'NXDOMAIN', severity: 'DOWN' as const }];
      expect(judgeObservation(dnsAnswer('NXDOMAIN', 0), rules({ type: 'dns', assertions })).status).toBe('UP');
      expect(judgeObservation(dnsAnswer('NOERROR', 1), rules({ type: 'dns', assertions }))).toMatchObject({
        status: 'DOWN',
        errorMessage: 'DNS code: expected "NXDOMAIN", got "NOERROR"',
      });
    });

    it('judges a TCP answer by no status code (expectedStatusCodes are HTTP only)', () => {
      const connected: ProbeObservation = { ...answer(200), statusCode: null };
      expect(judgeObservation(connected, rules({ type: 'tcp', expectedStatusCodes: ['500'] })).status).toBe('UP');
    });
  });
});
