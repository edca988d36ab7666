/**
 * Endpoint test data from one place: what a test sends to create an endpoint, and an endpoint as
 * REST shows a fresh one. Both lean on the contract's defaults (ENDPOINT_DEFAULTS), so a test
 * spells out only the fields it is about.
 */
import { expect } from 'vitest';
import { ENDPOINT_DEFAULTS } from '../../server/contract/endpoint-limits.ts';
import type { Endpoint } from '../../server/contract/types.ts';
import type { TargetServer } from './target-server.ts';
import type { TestVigil } from './vigil.ts';

/** What POST /api/endpoints takes; status codes may be numbers, as the API allows. */
export type EndpointInput = Partial<Omit<Endpoint, 'expectedStatusCodes'>> & { expectedStatusCodes?: (string | number)[] };

/**
 * A body for POST /api/endpoints that probes `path` of the target: named after the path, hourly and
 * paused, so that nothing checks it unless the test asks; `fields` override any of it.
 */
export function endpointInput(target: TargetServer, path: string, fields: EndpointInput = {}): EndpointInput {
  return { name: `Target ${path}`, url: target.url(path), intervalSeconds: 3600, paused: true, ...fields };
}

/** POST /api/endpoints on `on`; the test fails unless it answers 201. */
export async function postEndpoint(on: TestVigil, input: EndpointInput): Promise<Endpoint> {
  const res = await on.api<Endpoint>('POST', '/api/endpoints', input);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** An endpoint as REST shows one just created with the defaults and never checked; `fields` override any of it. */
export function endpointFixture(fields: Partial<Endpoint> = {}): Endpoint {
  const createdAt = '2026-12-04T16:00:00.000Z';
  return {
    id: '0b7c7a4e-2d55-4a3f-9a43-2c1f3f0e7c11',
    name: 'API',
    url: 'http://127.0.0.1/',
    ...structuredClone(ENDPOINT_DEFAULTS),
    status: 'PENDING',
    lastCheckedAt: null,
    lastResponseTime: null,
    lastStatusCode: null,
    lastErrorMessage: null,
    lastErrorCode: null,
    lastErrorParams: null,
    consecutiveFailures: 0,
    certificateExpiresAt: null,
    lastPingAt: null,
    nextDeadlineAt: null,
    maintenance: null,
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/** What a client that reads an endpoint and writes every field back sends: the Endpoint without its read-only fields. */
export function writableFieldsOf(endpoint: Endpoint): Record<string, unknown> {
  const {
    id: _id,
    status: _s,
    lastCheckedAt: _l,
    lastResponseTime: _r,
    lastStatusCode: _c,
    lastErrorMessage: _e,
    lastErrorCode: _ec,
    lastErrorParams: _ep,
    consecutiveFailures: _f,
    certificateExpiresAt: _x,
    lastPingAt: _lp,
    nextDeadlineAt: _nd,
    maintenance: _m,
    createdAt: _ca,
    updatedAt: _u,
    ...writable
  } = endpoint;
  return writable;
}
