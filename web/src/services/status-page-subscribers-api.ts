import type { StatusPageSubscriber, SubscriberKind } from '../../../server/contract/status-pages.ts';
import { query, request } from './api.ts';

const enc = encodeURIComponent;

/**
 * /api/status-pages/:id/subscribers: who follows a page by email or webhook. Apart from
 * status-pages-api.ts (which the incident and report pages load too): only the status pages page's
 * subscribers panel needs it, so it loads with that page.
 */
export const subscribersApi = {
  /** Newest first, a page at a time (`kind`: one kind only). */
  list: (pageId: string, params: { limit?: number; cursor?: string; kind?: SubscriberKind } = {}) =>
    request<{ items: StatusPageSubscriber[]; nextCursor: string | null }>('GET', `/api/status-pages/${enc(pageId)}/subscribers${query(params)}`),
  remove: (pageId: string, subscriberId: string) => request<void>('DELETE', `/api/status-pages/${enc(pageId)}/subscribers/${enc(subscriberId)}`),
};
