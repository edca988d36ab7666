import { describe, expect, it } from 'vitest';
import { isJsonMediaType, JSON_BODY_ROUTES } from './json-writes.ts';

describe('isJsonMediaType', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    ' application/json ',
    'application/merge-patch+json',
    'application/vnd.api+json; charset=utf-8',
    'application/problem+json',
  ])('takes "%s" as JSON', (type) => {
    expect(isJsonMediaType(type)).toBe(true);
  });

  it.each([
    'text/plain',
    'text/plain; charset=application/json',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=application/json',
    'text/json',
    'application/jsonp',
    'application/json-seq',
    'application/x-json',
    'application/+json',
    'application/json+xml',
    '',
  ])('does not take "%s" as JSON', (type) => {
    expect(isJsonMediaType(type)).toBe(false);
  });
});

describe('JSON_BODY_ROUTES', () => {
  const readsBody = (method: string, path: string) => JSON_BODY_ROUTES.some((r) => r.method === method && r.path.test(path));

  it.each([
    ['POST', '/api/endpoints', true],
    ['PATCH', '/api/endpoints/0b6f7a0e-2f7e-4c55-9a52-0d9f4c3b6a11', true],
    ['POST', '/api/import', true],
    ['DELETE', '/api/endpoints/0b6f7a0e-2f7e-4c55-9a52-0d9f4c3b6a11', false],
    ['POST', '/api/endpoints/0b6f7a0e-2f7e-4c55-9a52-0d9f4c3b6a11/pause', false],
    ['POST', '/api/endpoints/0b6f7a0e-2f7e-4c55-9a52-0d9f4c3b6a11/resume', false],
    ['POST', '/api/endpoints/0b6f7a0e-2f7e-4c55-9a52-0d9f4c3b6a11/check', false],
    ['POST', '/api/auth/verify', false],
  ])('%s %s reads a JSON body: %s', (method, path, expected) => {
    expect(readsBody(method, path)).toBe(expected);
  });
});
