import type { ChannelTestResult, NotificationChannel, NotificationChannelDefinition, NotificationDelivery } from '../../../server/contract/notifications.ts';
import type { Page } from '../../../server/contract/types.ts';
import { query, request } from './api.ts';

const enc = encodeURIComponent;

/** /api/notification-channels: apart from api.ts because only the notifications page (loaded lazily) needs it. */
export const notificationsApi = {
  list: () => request<{ items: NotificationChannel[] }>('GET', '/api/notification-channels'),
  get: (id: string) => request<NotificationChannel>('GET', `/api/notification-channels/${enc(id)}`),
  create: (definition: Partial<NotificationChannelDefinition>) => request<NotificationChannel>('POST', '/api/notification-channels', definition),
  update: (id: string, patch: Partial<NotificationChannelDefinition>) => request<NotificationChannel>('PATCH', `/api/notification-channels/${enc(id)}`, patch),
  remove: (id: string) => request<void>('DELETE', `/api/notification-channels/${enc(id)}`),
  /** Sends a test message now and answers with what the provider said. */
  test: (id: string) => request<ChannelTestResult>('POST', `/api/notification-channels/${enc(id)}/test`),
  /** The channel's delivery log, newest first. */
  deliveries: (id: string, params: { limit?: number; cursor?: string } = {}) =>
    request<Page<NotificationDelivery>>('GET', `/api/notification-channels/${enc(id)}/deliveries${query(params)}`),
};
