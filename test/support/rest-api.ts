/**
 * The REST API tests' common ground (test/rest/): a shared Vigil and target per file, names no
 * other test uses, and the calls every file makes (create, check now, read, list, page through).
 */
import { beforeAll, expect } from 'vitest';
import type { Check, Endpoint, Page } from '../../server/contract/types.ts';
import { endpointInput, postEndpoint, type EndpointInput } from './endpoints.ts';
import type { TargetServer } from './target-server.ts';
import { type ApiAnswer, type TestVigil, useSharedVigil, useTargetServer, waitFor } from './vigil.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let seq = 0;
/** A name no other test uses: keeps tests independent on one shared instance. */
export const unique = (label: string) => `${label}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

export const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

export const pathOf = (endpoint: Endpoint) => new URL(endpoint.url).pathname;

export function expectCheckShape(check: Check, endpointId: string) {
  expect(Object.keys(check).sort()).toEqual(
    [
      'bodyExcerpt',
      'certificate',
      'checkedAt',
      'endpointId',
      'errorCode',
      'errorMessage',
      'errorParams',
      'failedAssertions',
      'id',
      'maintenance',
      'responseTime',
      'status',
      'statusCode',
    ].sort(),
  );
  expect(check.id).toMatch(UUID);
  expect(check.endpointId).toBe(endpointId);
  expect(check.checkedAt).toMatch(ISO);
  expect(Number.isInteger(check.responseTime)).toBe(true);
  expect(check.responseTime).toBeGreaterThanOrEqual(0);
}

export interface RestApi {
  /** Creates an endpoint on its own target path (`path`, else a new one); paused (no background checks) unless told otherwise. */
  create(fields?: EndpointInput & { path?: string }, on?: TestVigil): Promise<Endpoint>;
  /** Runs one check through the API; returns once the clock has moved past it, so checks never share a millisecond. */
  checkNow(endpoint: Endpoint, on?: TestVigil): Promise<Check>;
  get(id: string): Promise<Endpoint>;
  list(query?: Record<string, string>): Promise<Page<Endpoint>>;
  /** Follows nextCursor from the first page to the last; returns every page. */
  allPages<T>(path: string, query: Record<string, string>): Promise<Page<T>[]>;
}

/**
 * A target server and one Vigil for the file's tests (`receive` gets both before they run; each test
 * must end with no error logged), and the calls on them.
 */
export function useRestApi(receive: (vigil: TestVigil, target: TargetServer) => void): RestApi {
  let target!: TargetServer;
  let vigil!: TestVigil;
  useTargetServer((t) => (target = t));
  useSharedVigil((v) => (vigil = v));
  beforeAll(() => receive(vigil, target));
  return {
    async create(fields = {}, on = vigil) {
      const { path = `/${unique('ep')}`, ...given } = fields;
      return postEndpoint(on, endpointInput(target, path, given));
    },
    async checkNow(endpoint, on = vigil) {
      const res = await on.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await waitFor(() => Date.now() > Date.parse(res.body.checkedAt) + 1, 1000, 'the clock to move on');
      return res.body;
    },
    async get(id) {
      const res = await vigil.api<Endpoint>('GET', `/api/endpoints/${id}`);
      expect(res.status).toBe(200);
      return res.body;
    },
    async list(query = {}) {
      const res = await vigil.api<Page<Endpoint>>('GET', `/api/endpoints?${new URLSearchParams(query)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
    async allPages<T>(path: string, query: Record<string, string>) {
      const pages: Page<T>[] = [];
      let cursor: string | null = null;
      do {
        const params: URLSearchParams = new URLSearchParams(cursor ? { ...query, cursor } : query);
        const res: ApiAnswer<Page<T>> = await vigil.api<Page<T>>('GET', `${path}?${params}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        pages.push(res.body);
        cursor = res.body.nextCursor;
        expect(pages.length).toBeLessThan(100);
      } while (cursor !== null);
      return pages;
    },
  };
}
