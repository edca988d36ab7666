import type {
  Check,
  Endpoint,
  EndpointDefinition,
  Incident,
  IncidentDetail,
  Page,
  ProblemDetails,
  RecentChecks,
  ResponseSeries,
  SeriesRange,
  Summary,
  Uptime,
} from '../../../server/contract/types.ts';
import { isDatabaseUnavailable, reportDatabaseUnavailable, reportRestAnswered } from '../stores/database.store.ts';

/** GET and POST /api/endpoints/:id/push-url: where a push endpoint's job sends its pings. */
export interface PushUrl {
  token: string;
  pingUrl: string;
}

/** A refused or failed request, with the server's problem+json when it sent one. */
export class ApiError extends Error {
  /** The page has told the user already (the sign-in page for an ended session, a toast for a role that may not); callers need not say it again. */
  told = false;

  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | null,
  ) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
  }

  /** The server answered 503 because its database is away (the page shows a banner for it). */
  get databaseUnavailable(): boolean {
    return isDatabaseUnavailable(this.status, this.problem);
  }
}

/** How requests get the API key, and who is asked for one when a write is refused (the auth store). */
export interface ApiKeySource {
  key(): string | null;
  /**
   * A write (or a read that asked to, `read`: a secret to show) got 401 (`sentKey`: with a key that
   * is therefore wrong). Resolves true once a new key is saved.
   */
  refused(error: ApiError, sentKey: boolean, read?: boolean): Promise<boolean>;
}

let keySource: ApiKeySource = { key: () => null, refused: async () => false };

export function useApiKeySource(source: ApiKeySource) {
  keySource = source;
}

/**
 * What a refusal means for the signed-in person (the session store): `retry` once (a CSRF token
 * renewed meanwhile), `told` (handled there: the session ended, a role may not), or `pass` (nothing
 * to do with a session: the key flow as before accounts).
 */
export type RefusalVerdict = 'retry' | 'told' | 'pass';

/** How requests get the session's CSRF token, and who hears of refusals that concern the session (the session store). */
export interface SessionSource {
  csrfToken(): string | null;
  refused(error: ApiError, sentKey: boolean): Promise<RefusalVerdict>;
}

let sessionSource: SessionSource = { csrfToken: () => null, refused: async () => 'pass' };

export function useSessionSource(source: SessionSource) {
  sessionSource = source;
}

interface RequestOptions {
  /** This key instead of the saved one (trying a key before saving it). */
  key?: string;
  /** Whether a 401 may ask for a key and retry once (writes by default; a read only when it asks to). */
  askForKey?: boolean;
  /** Refusals are the caller's own business (signing in: a wrong password is a 401 that ends no session). */
  quiet?: boolean;
  /** Sent again with a renewed CSRF token: a second refusal is final. */
  renewed?: boolean;
}

/** One request to the API (JSON both ways, the key and the session's CSRF token on writes); exported for the API calls of lazily loaded pages. */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? keySource.key();
  const csrf = method === 'GET' ? null : sessionSource.csrfToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers.authorization = `Bearer ${key}`;
  if (csrf) headers['x-csrf-token'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { type: 'about:blank', title: 'Network error', status: 0, detail: (error as Error).message, code: 'network_error' });
  }
  if (response.ok) reportRestAnswered();
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const json = text ? safeParse(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, json as ProblemDetails | null);
    if (error.databaseUnavailable) reportDatabaseUnavailable(error.problem?.detail ?? '', retryAfterSeconds(response));
    if (options.quiet) throw error;
    const verdict = await sessionSource.refused(error, Boolean(key));
    if (verdict === 'retry' && !options.renewed) return request<T>(method, path, body, { ...options, renewed: true });
    error.told = verdict === 'told';
    if (verdict !== 'pass') throw error;
    const mayAsk = response.status === 401 && (options.askForKey ?? method !== 'GET');
    // Retried once, with the key just saved: a second refusal is the caller's error.
    if (mayAsk && (await keySource.refused(error, Boolean(key), method === 'GET'))) return request<T>(method, path, body, { askForKey: false });
    throw error;
  }
  return json as T;
}

function retryAfterSeconds(response: Response): number | null {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
};

const enc = encodeURIComponent;

export const api = {
  listEndpoints: (params: { limit?: number; cursor?: string; parentId?: string } = {}) => request<Page<Endpoint>>('GET', `/api/endpoints${query(params)}`),

  /** Every endpoint (those depending on `parentId` only, when given), following the cursor pages. */
  async allEndpoints(parentId?: string): Promise<Endpoint[]> {
    const all: Endpoint[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.listEndpoints({ limit: 500, cursor, ...(parentId ? { parentId } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  },

  getEndpoint: (id: string) => request<Endpoint>('GET', `/api/endpoints/${enc(id)}`),
  createEndpoint: (definition: Partial<EndpointDefinition>) => request<Endpoint>('POST', '/api/endpoints', definition),
  updateEndpoint: (id: string, patch: Partial<EndpointDefinition>) => request<Endpoint>('PATCH', `/api/endpoints/${enc(id)}`, patch),
  deleteEndpoint: (id: string) => request<void>('DELETE', `/api/endpoints/${enc(id)}`),
  checkNow: (id: string) => request<Check>('POST', `/api/endpoints/${enc(id)}/check`),
  pause: (id: string) => request<Endpoint>('POST', `/api/endpoints/${enc(id)}/pause`),
  resume: (id: string) => request<Endpoint>('POST', `/api/endpoints/${enc(id)}/resume`),
  checks: (id: string, params: { from?: string; to?: string; limit?: number; cursor?: string }) =>
    request<Page<Check>>('GET', `/api/endpoints/${enc(id)}/checks${query(params)}`),
  uptime: (id: string) => request<Uptime>('GET', `/api/endpoints/${enc(id)}/uptime`),
  /** Response time per time bucket over a range ending now (the endpoint page's chart). */
  series: (id: string, range: SeriesRange) => request<ResponseSeries>('GET', `/api/endpoints/${enc(id)}/series${query({ range })}`),
  incidents: (params: { status?: 'open' | 'resolved'; endpointId?: string; limit?: number; cursor?: string }) =>
    request<Page<Incident>>('GET', `/api/incidents${query(params)}`),
  /** One incident with the checks around it (its timeline). */
  incident: (id: string) => request<IncidentDetail>('GET', `/api/incidents/${enc(id)}`),
  summary: () => request<Summary>('GET', '/api/summary'),
  recentChecks: (perEndpoint: number) => request<RecentChecks>('GET', `/api/checks/recent${query({ perEndpoint })}`),
  /**
   * A push endpoint's ping URL (with its secret token): needs the API key when one is set, even to
   * read. A 401 opens the key dialog only with `askForKey` (the user asked to see it).
   */
  pushUrl: (id: string, options: { askForKey?: boolean } = {}) =>
    request<PushUrl>('GET', `/api/endpoints/${enc(id)}/push-url`, undefined, { askForKey: options.askForKey ?? false }),
  /** Gives a push endpoint a new token: the old ping URL stops working. */
  renewPushUrl: (id: string) => request<PushUrl>('POST', `/api/endpoints/${enc(id)}/push-url`),
  /** Tries a key without side effects: resolves when the server accepts it, else an ApiError (401, or 429 when throttled). */
  verifyKey: (key: string) => request<{ ok: true; keyRequired: boolean }>('POST', '/api/auth/verify', undefined, { key, askForKey: false }),
};
