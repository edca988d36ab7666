import type { MaintenanceWindow, MaintenanceWindowDefinition, Page } from '../../../server/contract/types.ts';
import { query, request } from './api.ts';

const enc = encodeURIComponent;

/** /api/maintenance-windows: apart from api.ts because only the pages that show windows (loaded lazily) need it. */
export const maintenanceApi = {
  list: (params: { active?: boolean; endpointId?: string; limit?: number; cursor?: string } = {}) =>
    request<Page<MaintenanceWindow>>(
      'GET',
      `/api/maintenance-windows${query({ ...params, active: params.active === undefined ? undefined : String(params.active) })}`,
    ),

  /** Every window (creation order), following the cursor pages. */
  async all(params: { endpointId?: string } = {}): Promise<MaintenanceWindow[]> {
    const all: MaintenanceWindow[] = [];
    let cursor: string | undefined;
    do {
      const page = await maintenanceApi.list({ ...params, limit: 500, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  },

  get: (id: string) => request<MaintenanceWindow>('GET', `/api/maintenance-windows/${enc(id)}`),
  create: (definition: Partial<MaintenanceWindowDefinition>) => request<MaintenanceWindow>('POST', '/api/maintenance-windows', definition),
  update: (id: string, patch: Partial<MaintenanceWindowDefinition>) => request<MaintenanceWindow>('PATCH', `/api/maintenance-windows/${enc(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/api/maintenance-windows/${enc(id)}`),
};
