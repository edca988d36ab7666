import { describe, expect, it } from 'vitest';
import { describeStatusSpecError, matchesExpectedStatus } from './expected-status.ts';

describe('matchesExpectedStatus', () => {
  it.each([
    { code: 200, specs: ['200-299'], matches: true },
    { code: 299, specs: ['200-299'], matches: true },
    { code: 250, specs: ['200-299'], matches: true },
    { code: 199, specs: ['200-299'], matches: false },
    { code: 300, specs: ['200-299'], matches: false },
    { code: 404, specs: ['404'], matches: true },
    { code: 403, specs: ['404'], matches: false },
    { code: 405, specs: ['404'], matches: false },
    { code: 500, specs: ['200-299'], matches: false },
    { code: 204, specs: ['200', '204'], matches: true },
    { code: 302, specs: ['200-299', '301-302'], matches: true },
    { code: 303, specs: ['200-299', '301-302'], matches: false },
    { code: 503, specs: ['200-299', '503'], matches: true },
    { code: 200, specs: ['200-200'], matches: true },
    { code: 201, specs: ['200-200'], matches: false },
    { code: 100, specs: ['100-599'], matches: true },
    { code: 599, specs: ['100-599'], matches: true },
    { code: 200, specs: [], matches: false },
  ])('says $code matches $specs: $matches', ({ code, specs, matches }) => {
    expect(matchesExpectedStatus(code, specs)).toBe(matches);
  });
});

describe('describeStatusSpecError', () => {
  it.each(['100', '200', '404', '599', '200-299', '200-200', '100-599', '301-308'])('accepts "%s"', (spec) => {
    expect(describeStatusSpecError(spec)).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['abc', 'not a number'],
    ['2xx', 'a class pattern'],
    ['600', 'above 599'],
    ['099', 'below 100'],
    ['99', 'two digits'],
    ['1000', 'four digits'],
    ['200-600', 'a range ending above 599'],
    ['200-', 'a range without an end'],
    ['-200', 'a range without a start'],
    ['200-299-300', 'three parts'],
    ['200..299', 'a range with dots'],
    [' 200', 'leading space (callers trim first)'],
    ['200,201', 'a comma list in one spec'],
    ['+200', 'a sign'],
    ['200.0', 'a decimal'],
  ])('rejects "%s" (%s) with a message quoting it', (spec) => {
    const message = describeStatusSpecError(spec);
    expect(message).toEqual(expect.any(String));
    expect(message).toContain(`"${spec}"`);
  });

  it('rejects a range that ends before it starts, saying so', () => {
    expect(describeStatusSpecError('299-200')).toMatch(/ends before it starts/);
  });

  it('agrees with matchesExpectedStatus on every code of every valid range it accepts', () => {
    for (const spec of ['200-299', '404', '100-101', '598-599']) {
      expect(describeStatusSpecError(spec)).toBeNull();
      const [low, high = low] = spec.split('-').map(Number) as [number, number?];
      for (let code = 100; code <= 599; code++) {
        expect(matchesExpectedStatus(code, [spec]), `${code} in ${spec}`).toBe(code >= low && code <= high);
      }
    }
  });
});
