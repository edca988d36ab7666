import { describe, expect, it } from 'vitest';
import type { Assertion } from '../contract/types.ts';
import { type AnswerSeen, failedAssertions } from './assertions.ts';
import { judgeObservation } from './check-rules.ts';
import { parseEndpointCreate } from './endpoint-input.ts';
import { ValidationError } from './errors.ts';

const answer = (over: Partial<AnswerSeen> = {}): AnswerSeen => ({
  statusCode: 200,
  responseTime: 40,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-count': '12', 'set-cookie': ['a=1', 'b=2'] },
  body: JSON.stringify({
    status: 'degraded',
    version: '2.4.1',
    load: 0.7,
    ok: false,
    nothing: null,
    items: [
      { id: 1, up: true },
      { id: 2, up: false },
    ],
    tags: ['eu', 'prod'],
  }),
  certificateDays: null,
  ...over,
});

const a = (over: Partial<Assertion> & Pick<Assertion, 'source' | 'comparison'>): Assertion => ({ property: null, target: null, severity: 'DOWN', ...over });

const messagesOf = (assertions: Assertion[], seen = answer()) => failedAssertions(assertions, seen).map((f) => f.message);

describe('failedAssertions', () => {
  it('says which assertion failed and what it saw, in the words of the contract', () => {
    expect(messagesOf([a({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })])).toEqual(['$.status: expected "ok", got "degraded"']);
    expect(messagesOf([a({ source: 'header', property: 'Content-Type', comparison: 'contains', target: 'html' })])).toEqual([
      'header content-type: expected to contain "html", got "application/json; charset=utf-8"',
    ]);
    expect(messagesOf([a({ source: 'responseTime', comparison: 'lessThan', target: 25 })])).toEqual(['response time: expected < 25 ms, got 40 ms']);
    expect(messagesOf([a({ source: 'status', comparison: 'equals', target: 204 })])).toEqual(['status code: expected 204, got 200']);
    expect(messagesOf([a({ source: 'body', comparison: 'contains', target: 'healthy' })])).toEqual(['body: expected to contain "healthy", got no match']);
    expect(messagesOf([a({ source: 'body', comparison: 'notContains', target: 'degraded' })])).toEqual([
      'body: expected not to contain "degraded", got a match',
    ]);
    expect(messagesOf([a({ source: 'certificateDays', comparison: 'greaterThanOrEqual', target: 14 })], answer({ certificateDays: 3 }))).toEqual([
      'certificate: expected ≥ 14 days, got 3 days',
    ]);
    expect(messagesOf([a({ source: 'certificateDays', comparison: 'greaterThan', target: 0 })])).toEqual([
      'certificate: expected > 0 days, got no certificate',
    ]);
    expect(messagesOf([a({ source: 'header', property: 'x-missing', comparison: 'equals', target: 'x' })])).toEqual([
      'header x-missing: expected "x", got no such header',
    ]);
    expect(messagesOf([a({ source: 'json', property: '$.gone', comparison: 'exists' })])).toEqual(['$.gone: expected to exist, got nothing']);
    expect(messagesOf([a({ source: 'json', property: '$.status', comparison: 'notExists' })])).toEqual(['$.status: expected not to exist, got "degraded"']);
    expect(messagesOf([a({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })], answer({ body: '<html>' }))).toEqual([
      '$.status: expected "ok", got not JSON',
    ]);
  });

  it('passes what holds: every comparison on each kind of value', () => {
    const holding: Assertion[] = [
      a({ source: 'status', comparison: 'equals', target: 200 }),
      a({ source: 'status', comparison: 'lessThan', target: 300 }),
      a({ source: 'header', property: 'x-count', comparison: 'greaterThanOrEqual', target: 12 }),
      a({ source: 'header', property: 'x-count', comparison: 'equals', target: 12 }),
      a({ source: 'header', property: 'set-cookie', comparison: 'contains', target: 'b=2' }),
      a({ source: 'header', property: 'etag', comparison: 'notExists' }),
      a({ source: 'header', property: 'content-type', comparison: 'matches', target: '^application/(problem\\+)?json' }),
      a({ source: 'body', comparison: 'contains', target: '"version":"2.4.1"' }),
      a({ source: 'body', comparison: 'matches', target: '"load":0\\.\\d+' }),
      a({ source: 'json', property: '$.version', comparison: 'matches', target: '^2\\.' }),
      a({ source: 'json', property: '$.load', comparison: 'lessThanOrEqual', target: 0.7 }),
      a({ source: 'json', property: '$.ok', comparison: 'equals', target: false }),
      a({ source: 'json', property: '$.ok', comparison: 'equals', target: 'false' }),
      a({ source: 'json', property: '$.nothing', comparison: 'equals', target: null }),
      a({ source: 'json', property: '$.nothing', comparison: 'exists' }),
      a({ source: 'json', property: '$.tags', comparison: 'contains', target: 'prod' }),
      a({ source: 'json', property: '$.items[*].id', comparison: 'contains', target: 2 }),
      a({ source: 'json', property: '$.items[?@.up == false].id', comparison: 'contains', target: 2 }),
      a({ source: 'json', property: '$.items[0].id', comparison: 'equals', target: 1 }),
      a({ source: 'json', property: "$['version']", comparison: 'equals', target: '2.4.1' }),
      a({ source: 'json', property: '$.status', comparison: 'notEquals', target: 'down' }),
      a({ source: 'responseTime', comparison: 'greaterThan', target: 10 }),
    ];
    expect(failedAssertions(holding, answer())).toEqual([]);
  });

  it('compares texts as texts, numbers as numbers, and a path selecting by wildcard or filter as the list it selects', () => {
    const seen = answer({ body: JSON.stringify({ version: '1.10', ids: [13], code: 7, items: [{ id: 3 }] }) });
    expect(messagesOf([a({ source: 'json', property: '$.version', comparison: 'equals', target: '1.1' })], seen)).toEqual([
      '$.version: expected "1.1", got "1.10"',
    ]);
    expect(messagesOf([a({ source: 'json', property: '$.code', comparison: 'equals', target: '7' })], seen)).toEqual([]);
    // One element selected by a wildcard is still a list: 13 is not 3, and no substring of it counts.
    expect(messagesOf([a({ source: 'json', property: '$.ids[*]', comparison: 'contains', target: 3 })], seen)).toEqual([
      '$.ids[*]: expected to contain 3, got [13]',
    ]);
    expect(messagesOf([a({ source: 'json', property: '$.items[*].id', comparison: 'contains', target: 3 })], seen)).toEqual([]);
    expect(messagesOf([a({ source: 'json', property: '$.code', comparison: 'contains', target: 7 })], seen)).toEqual(['$.code: expected to contain 7, got 7']);
  });

  it('fails notExists, like every comparison, when the body is not JSON: nothing could be looked in', () => {
    expect(messagesOf([a({ source: 'json', property: '$.error', comparison: 'notExists' })], answer({ body: '<html>Bad gateway</html>' }))).toEqual([
      '$.error: expected not to exist, got not JSON',
    ]);
    expect(messagesOf([a({ source: 'header', property: 'x-error', comparison: 'notExists' })])).toEqual([]);
  });

  it('never cuts a quoted value inside a character made of two UTF-16 units, and mends lone ones a target sent', () => {
    const emoji = `${'x'.repeat(118)}😀tail`;
    const [failed] = failedAssertions(
      [a({ source: 'json', property: '$.s', comparison: 'equals', target: 'ok' })],
      answer({ body: JSON.stringify({ s: emoji }) }),
    );
    expect(failed!.actual).toBe(`"${'x'.repeat(118)}…`);
    const [lone] = failedAssertions(
      [a({ source: 'header', property: 'x-odd', comparison: 'equals', target: 'ok' })],
      answer({ headers: { 'x-odd': 'a\ud800b' } }),
    );
    expect(lone!.actual).toBe('"a\\ud800b"');
    const isWellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
    expect([failed!.message, lone!.message].every(isWellFormed)).toBe(true);
  });

  it('compares ordering only between numbers, and says what it got otherwise', () => {
    expect(messagesOf([a({ source: 'json', property: '$.status', comparison: 'lessThan', target: 5 })])).toEqual(['$.status: expected < 5, got "degraded"']);
    expect(messagesOf([a({ source: 'json', property: '$.items', comparison: 'equals', target: 1 })])).toEqual([
      '$.items: expected 1, got [{"id":1,"up":true},{"id":2,"up":false}]',
    ]);
  });

  it('runs patterns in linear time: a pattern that backtracks exponentially in JavaScript takes milliseconds on a megabyte', () => {
    const body = `${'a'.repeat(1024 * 1024 - 1)}!`;
    const started = performance.now();
    expect(messagesOf([a({ source: 'body', comparison: 'matches', target: '^(a+)+$' })], answer({ body }))).toEqual([
      'body: expected to match /^(a+)+$/, got no match',
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('gives each failure its index and severity, and clips long values', () => {
    const long = 'x'.repeat(500);
    const failed = failedAssertions(
      [
        a({ source: 'status', comparison: 'equals', target: 200 }),
        a({ source: 'json', property: '$.long', comparison: 'equals', target: 'y', severity: 'DEGRADED' }),
      ],
      answer({ body: JSON.stringify({ long }) }),
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ index: 1, severity: 'DEGRADED', subject: '$.long', expected: '"y"' });
    expect(failed[0]!.actual.length).toBeLessThanOrEqual(121);
  });
});

describe('judgeObservation with assertions', () => {
  const rules = (assertions: Assertion[]) => ({
    type: 'http' as const,
    expectedStatusCodes: ['200-299'],
    degradedThresholdMs: 100,
    certificateWarningDays: null,
    assertions,
  });
  const response = (over: Partial<AnswerSeen> = {}) => ({ kind: 'response' as const, bodyExcerpt: 'the first KB', ...answer(over) });

  it('is DOWN when a DOWN assertion fails, with its message, code, every failure and the body excerpt', () => {
    const verdict = judgeObservation(
      response(),
      rules([
        a({ source: 'json', property: '$.version', comparison: 'matches', target: '^3\\.', severity: 'DEGRADED' }),
        a({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }),
      ]),
    );
    expect(verdict).toMatchObject({
      status: 'DOWN',
      errorMessage: '$.status: expected "ok", got "degraded"',
      errorCode: 'assertion',
      errorParams: { subject: '$.status', expected: '"ok"', actual: '"degraded"' },
      bodyExcerpt: 'the first KB',
    });
    expect(verdict.failedAssertions.map((f) => f.index)).toEqual([0, 1]);
  });

  it('is DEGRADED when only DEGRADED assertions fail; the slow threshold speaks first', () => {
    const degraded = [a({ source: 'json', property: '$.load', comparison: 'lessThan', target: 0.5, severity: 'DEGRADED' })];
    expect(judgeObservation(response(), rules(degraded))).toMatchObject({
      status: 'DEGRADED',
      errorCode: 'assertion',
      errorMessage: '$.load: expected < 0.5, got 0.7',
    });
    expect(judgeObservation(response({ responseTime: 150 }), rules(degraded))).toMatchObject({ status: 'DEGRADED', errorCode: 'slow' });
  });

  it('keeps the expected status codes first: an unexpected code is reported before the assertions', () => {
    const verdict = judgeObservation(response({ statusCode: 503 }), rules([a({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })]));
    expect(verdict).toMatchObject({ status: 'DOWN', errorCode: 'unexpected_status' });
    expect(verdict.failedAssertions).toHaveLength(1);
  });

  it('keeps no excerpt and no failures when the check is UP', () => {
    expect(judgeObservation(response(), rules([a({ source: 'json', property: '$.ok', comparison: 'equals', target: false })]))).toMatchObject({
      status: 'UP',
      failedAssertions: [],
      bodyExcerpt: null,
    });
  });
});

describe('assertions as the API takes them', () => {
  const base = { name: 'a', url: 'https://127.0.0.1:8443/health' };
  const errorsOf = (assertions: unknown[], url = base.url) => {
    try {
      parseEndpointCreate({ ...base, url, assertions });
      return [];
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return error.errors.map((e) => `${e.path} ${e.code}: ${e.message}`);
    }
  };

  it('fills in what an assertion leaves out', () => {
    expect(parseEndpointCreate({ ...base, assertions: [{ source: 'status', comparison: 'equals', target: 200 }] }).assertions).toEqual([
      { source: 'status', property: null, comparison: 'equals', target: 200, severity: 'DOWN' },
    ]);
    expect(parseEndpointCreate(base).assertions).toEqual([]);
  });

  it('refuses, field by field, what cannot be judged', () => {
    expect(errorsOf([{ source: 'cookie', comparison: 'equals', target: 'x' }])).toEqual([
      expect.stringMatching(/^assertions\.0\.source invalid_choice: must be one of status, header/),
    ]);
    expect(errorsOf([{ source: 'responseTime', comparison: 'contains', target: 'x' }])).toEqual([
      'assertions.0.comparison comparison_not_allowed: must be one of lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual for source responseTime',
    ]);
    expect(errorsOf([{ source: 'json', comparison: 'equals', target: 'ok' }])).toEqual([
      'assertions.0.property property_required: must be a JSONPath expression such as $.status',
    ]);
    expect(errorsOf([{ source: 'json', property: 'status', comparison: 'equals', target: 'ok' }])).toEqual([
      expect.stringMatching(/^assertions\.0\.property invalid_json_path: is not a JSONPath expression \(RFC 9535\): Expected "\$"/),
    ]);
    expect(errorsOf([{ source: 'json', property: '$[?match(@.a, "(a+)+")]', comparison: 'exists' }])).toEqual([
      'assertions.0.property invalid_json_path: is not a JSONPath expression (RFC 9535): match() is not allowed here: select the value and use the matches comparison',
    ]);
    expect(errorsOf([{ source: 'header', property: 'bad name', comparison: 'exists' }])).toEqual([
      'assertions.0.property invalid_header_name: is not a valid header name',
    ]);
    expect(errorsOf([{ source: 'status', property: 'x', comparison: 'equals', target: 200 }])).toEqual([
      'assertions.0.property property_not_allowed: must be null for source status',
    ]);
    expect(errorsOf([{ source: 'status', comparison: 'equals', target: '200' }])).toEqual([
      'assertions.0.target target_not_number: must be a number for equals',
    ]);
    expect(errorsOf([{ source: 'header', property: 'etag', comparison: 'exists', target: 'x' }])).toEqual([
      'assertions.0.target target_not_allowed: must be null for exists',
    ]);
    expect(errorsOf([{ source: 'body', comparison: 'matches', target: '(?=lookahead)' }])).toEqual([
      expect.stringMatching(/^assertions\.0\.target invalid_pattern: is not a regular expression RE2 accepts .*invalid or unsupported Perl syntax/),
    ]);
    expect(errorsOf([{ source: 'body', comparison: 'contains', target: 5 }])).toEqual([
      'assertions.0.target target_not_string: must be a string for source body',
    ]);
    expect(errorsOf([{ source: 'header', property: 'server', comparison: 'notContains', target: '' }])).toEqual([
      'assertions.0.target empty: must not be empty: every value would fail',
    ]);
    expect(errorsOf([{ source: 'status', comparison: 'equals', target: 200, severity: 'WARN' }])).toEqual([
      'assertions.0.severity invalid_choice: must be DOWN or DEGRADED',
    ]);
    expect(errorsOf([{ source: 'status', comparison: 'equals', target: 200, extra: 1 }])).toEqual(['assertions.0.extra unknown_field: is not a known field']);
    expect(errorsOf([{ source: 'certificateDays', comparison: 'greaterThan', target: 7 }], 'http://127.0.0.1/')).toEqual([
      'assertions.0.source needs_https: needs an https:// URL: only TLS answers have a certificate',
    ]);
    expect(errorsOf(Array.from({ length: 21 }, () => ({ source: 'status', comparison: 'equals', target: 200 })))).toEqual([
      'assertions too_many: at most 20 assertions (this has 21)',
    ]);
  });
});
