import { describe, expect, it } from 'vitest';
import type { EndpointDefinition } from '../contract/types.ts';
import { definitionWarnings, mergeEndpointPatch, parseEndpointCreate, parseEndpointPatch } from './endpoint-input.ts';
import { ValidationError } from './errors.ts';

const base = { name: 'API', url: 'https://api.example.com/health' };

/** The coded field errors of a refused create. */
function refusal(input: Record<string, unknown>) {
  try {
    parseEndpointCreate({ ...base, ...input });
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map(({ path, code, params }) => ({ path, code, params }));
    throw error;
  }
  throw new Error('accepted');
}

describe('field error codes', () => {
  it.each([
    [{ name: undefined }, 'name', 'required', {}],
    [{ name: 42 }, 'name', 'wrong_type', { expected: 'string' }],
    [{ name: '   ' }, 'name', 'empty', {}],
    [{ name: 'x'.repeat(101) }, 'name', 'too_long', { max: 100 }],
    [{ name: 'a\u202Eb' }, 'name', 'control_character', { char: 'U+202E', position: 2 }],
    [{ url: 'ftp://x/' }, 'url', 'invalid_url', {}],
    [{ url: 'https://x/\0' }, 'url', 'nul_character', {}],
    [{ method: 'FETCH' }, 'method', 'invalid_choice', { allowed: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' }],
    [{ intervalSeconds: 1.5 }, 'intervalSeconds', 'not_integer', {}],
    [{ intervalSeconds: 0 }, 'intervalSeconds', 'too_small', { min: 1 }],
    [{ timeoutMs: 60_001 }, 'timeoutMs', 'too_large', { max: 60_000 }],
    [{ headers: { 'bad name': 'x' } }, 'headers.bad name', 'invalid_header_name', {}],
    [{ headers: { 'X-A': 'a\nb' } }, 'headers.X-A', 'line_break', {}],
    [{ headers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`h${i}`, 'v'])) }, 'headers', 'too_many', { max: 50, count: 51 }],
    [{ expectedStatusCodes: [] }, 'expectedStatusCodes', 'too_few', { min: 1 }],
    [{ expectedStatusCodes: ['600'] }, 'expectedStatusCodes.0', 'invalid_status_spec', { spec: '600' }],
    [{ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, 'tags', 'too_many', { max: 20, count: 21 }],
    [{ body: '{}' }, 'body', 'body_not_allowed', { method: 'GET' }],
    [{ colour: 'red' }, 'colour', 'unknown_field', {}],
  ])('codes %j at %s as %s %j', (input, path, code, params) => {
    expect(refusal(input)).toContainEqual({ path, code, params });
  });
});

describe('a degraded threshold the timeout cuts off', () => {
  it('is refused when the create sends it', () => {
    expect(refusal({ timeoutMs: 1000, degradedThresholdMs: 1000 })).toEqual([
      { path: 'degradedThresholdMs', code: 'degraded_not_below_timeout', params: { degradedThresholdMs: 1000, timeoutMs: 1000 } },
    ]);
  });

  it('is a warning when it is the default', () => {
    const definition = parseEndpointCreate({ ...base, timeoutMs: 1000 });
    expect(definitionWarnings(definition).map((w) => w.code)).toEqual(['degraded_unreachable']);
  });

  it('is refused when a patch sends it, and a warning when a patch only shortens the timeout', () => {
    const stored = parseEndpointCreate({ ...base, timeoutMs: 5000, degradedThresholdMs: 2000 });
    expect(() => mergeEndpointPatch(stored, parseEndpointPatch({ degradedThresholdMs: 5000 }))).toThrow(ValidationError);
    const shortened: EndpointDefinition = mergeEndpointPatch(stored, parseEndpointPatch({ timeoutMs: 1500 }));
    expect(definitionWarnings(shortened).map((w) => w.code)).toEqual(['degraded_unreachable']);
  });
});

describe('warnings', () => {
  it.each([
    [{ intervalSeconds: 5, timeoutMs: 5000 }, []],
    [{ intervalSeconds: 5, timeoutMs: 5001 }, [{ path: 'timeoutMs', code: 'timeout_exceeds_interval', params: { timeoutMs: 5001, intervalSeconds: 5 } }]],
    [{}, []],
  ])('for %j: %j', (input, expected) => {
    expect(definitionWarnings(parseEndpointCreate({ ...base, ...input })).map(({ path, code, params }) => ({ path, code, params }))).toEqual(expected);
  });
});
