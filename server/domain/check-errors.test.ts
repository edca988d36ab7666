import { describe, expect, it } from 'vitest';
import { CHECK_ERROR_CODES, type CheckErrorCode, type MessageParams } from '../contract/types.ts';
import { checkError, codeOfCheckError } from './check-errors.ts';

const EXAMPLES: Record<CheckErrorCode, [MessageParams, string]> = {
  timeout: [{}, 'Timeout exceeded'],
  refused: [{ host: '127.0.0.1', port: 8080 }, 'Connection refused (127.0.0.1:8080)'],
  dns: [{ host: 'nowhere.invalid' }, 'DNS lookup failed for nowhere.invalid'],
  reset: [{}, 'Connection reset by peer'],
  tls: [{ detail: 'self-signed certificate' }, 'TLS error: self-signed certificate'],
  assertion: [{ subject: '$.status', expected: '"ok"', actual: '"degraded"' }, '$.status: expected "ok", got "degraded"'],
  blocked: [
    { detail: 'localhost → 127.0.0.1 (listed in BLOCKED_TARGETS) after a redirect' },
    'Blocked by policy: localhost → 127.0.0.1 (listed in BLOCKED_TARGETS) after a redirect',
  ],
  invalid_url: [{}, 'Invalid URL'],
  invalid_request: [{ detail: 'Invalid character in header content ["X"]' }, 'Invalid request: Invalid character in header content ["X"]'],
  invalid_redirect: [{ location: 'ftp://x/' }, 'Invalid redirect location: ftp://x/'],
  too_many_redirects: [{ max: 5 }, 'Too many redirects (more than 5)'],
  network: [{ errno: 'EHOSTUNREACH', detail: 'connect EHOSTUNREACH 10.0.0.1:80' }, 'EHOSTUNREACH: connect EHOSTUNREACH 10.0.0.1:80'],
  unexpected_status: [{ status: 500, expected: '200-299, 304' }, 'Unexpected status code 500 (expected 200-299, 304)'],
  slow: [{ responseTime: 2345, threshold: 2000 }, 'Slow response: 2345 ms (threshold 2000 ms)'],
  certificate_expiring: [{ days: 3, warningDays: 14 }, 'Certificate expires in 3 days (warning at 14 days)'],
  dns_code: [{ type: 'MX', name: 'example.test', code: 'NXDOMAIN' }, 'DNS MX lookup of example.test answered NXDOMAIN'],
  dns_no_answer: [{ type: 'AAAA', name: 'v4only.example.test' }, 'No AAAA record for v4only.example.test'],
  push_late: [
    { deadline: '2026-12-06T05:01:00.000Z', last: '2026-12-06T04:00:00.000Z' },
    'No ping by 2026-12-06T05:01:00.000Z (last ping: 2026-12-06T04:00:00.000Z)',
  ],
  push_failed: [{ detail: ' (exit status 3)' }, 'The job reported a failure (exit status 3)'],
};

describe('check error codes', () => {
  it('has an example for every code', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...CHECK_ERROR_CODES].sort());
  });

  it.each(Object.entries(EXAMPLES))('writes %s as the English sentence stored until now, and reads it back', (code, [params, sentence]) => {
    expect(checkError(code as CheckErrorCode, params)).toEqual({ errorCode: code, errorParams: params, errorMessage: sentence });
    expect(codeOfCheckError(sentence)).toEqual({ errorCode: code, errorParams: params });
  });

  it('reads an assertion back whatever the value it saw holds (", got " or ": expected ")', () => {
    const params = { subject: '$.note', expected: '"ok"', actual: '"a: expected b, got c"' };
    expect(codeOfCheckError(checkError('assertion', params).errorMessage)).toEqual({ errorCode: 'assertion', errorParams: params });
  });

  it('reads the port of an IPv6 address after its last colon', () => {
    expect(codeOfCheckError('Connection refused ([::1]:9)')).toEqual({ errorCode: 'refused', errorParams: { host: '[::1]', port: 9 } });
  });

  it.each([null, 'socket hang up', 'Timeout exceeded!', 'connect ECONNREFUSED 127.0.0.1:1'])('gives %j no code: it is shown as it is', (message) => {
    expect(codeOfCheckError(message)).toEqual({ errorCode: null, errorParams: null });
  });
});
