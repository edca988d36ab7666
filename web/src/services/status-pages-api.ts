import type { IncidentUpdate, IncidentUpdateState, StatusPage, StatusPageDefinition, UptimeReport } from '../../../server/contract/status-pages.ts';
import { query, request } from './api.ts';

const enc = encodeURIComponent;

/** /api/status-pages: apart from api.ts because only the status pages page (loaded lazily) needs it. */
export const statusPagesApi = {
  list: () => request<{ items: StatusPage[]; nextCursor: string | null }>('GET', '/api/status-pages'),
  get: (id: string) => request<StatusPage>('GET', `/api/status-pages/${enc(id)}`),
  create: (definition: Partial<StatusPageDefinition>) => request<StatusPage>('POST', '/api/status-pages', definition),
  update: (id: string, patch: Partial<StatusPageDefinition>) => request<StatusPage>('PATCH', `/api/status-pages/${enc(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/api/status-pages/${enc(id)}`),
};

/** /api/incidents/:id/updates: what people say about an incident (the incident page). */
export const incidentUpdatesApi = {
  /** Oldest first. */
  list: (incidentId: string) => request<{ items: IncidentUpdate[] }>('GET', `/api/incidents/${enc(incidentId)}/updates`),
  create: (incidentId: string, update: { state: IncidentUpdateState; message: string }) =>
    request<IncidentUpdate>('POST', `/api/incidents/${enc(incidentId)}/updates`, update),
  update: (incidentId: string, updateId: string, patch: { state?: IncidentUpdateState; message?: string }) =>
    request<IncidentUpdate>('PATCH', `/api/incidents/${enc(incidentId)}/updates/${enc(updateId)}`, patch),
  remove: (incidentId: string, updateId: string) => request<void>('DELETE', `/api/incidents/${enc(incidentId)}/updates/${enc(updateId)}`),
};

/** What an uptime report covers: a period, and every endpoint or those chosen (by id or by tag). */
export interface ReportQuery {
  from: string;
  to: string;
  endpointIds?: string[];
  tags?: string[];
}

/** The query string of a report (`format=csv`: its CSV download). */
export function reportQuery(q: ReportQuery, format?: 'csv'): string {
  return query({
    from: q.from,
    to: q.to,
    endpointIds: q.endpointIds?.length ? q.endpointIds.join(',') : undefined,
    tags: q.tags?.length ? q.tags.join(',') : undefined,
    format,
  });
}

/** /api/reports/uptime: uptime, incidents and error budgets over a period. */
export const reportsApi = {
  uptime: (q: ReportQuery) => request<UptimeReport>('GET', `/api/reports/uptime${reportQuery(q)}`),
  /** Where the same report downloads as CSV (a plain link: the browser saves it). */
  csvUrl: (q: ReportQuery) => `/api/reports/uptime${reportQuery(q, 'csv')}`,
};
