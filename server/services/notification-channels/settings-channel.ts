import { eq } from 'drizzle-orm';
import { notificationChannels } from '../../../db/schema/index.ts';
import type { Database } from '../../../db/client.ts';
import { NOTIFICATION_EVENTS } from '../../contract/notifications.ts';

/** The id of the channel WEBHOOK_URL defines: the same on every instance and after every restart. */
export const SETTINGS_CHANNEL_ID = '00000000-0000-4000-8000-00000000a001';

/**
 * Writes the channel that WEBHOOK_URL and WEBHOOK_SECRET define (every event, every endpoint, each
 * notification alone, as the webhook always sent them), or removes it when WEBHOOK_URL is unset.
 */
export async function applySettingsChannel(db: Database, webhook: { url: string; secret: string | undefined } | null): Promise<void> {
  if (!webhook) {
    await db.delete(notificationChannels).where(eq(notificationChannels.id, SETTINGS_CHANNEL_ID));
    return;
  }
  const now = new Date();
  const values = {
    name: 'Webhook (WEBHOOK_URL)',
    type: 'webhook',
    enabled: true,
    language: 'en',
    config: { url: webhook.url, ...(webhook.secret ? { secret: webhook.secret } : {}) },
    events: [...NOTIFICATION_EVENTS],
    allEndpoints: true,
    endpointIds: [],
    tags: [],
    reminderEveryMinutes: null,
    reminderMax: null,
    groupSeconds: 0,
    fromSettings: true,
    updatedAt: now,
  };
  await db
    .insert(notificationChannels)
    .values({ id: SETTINGS_CHANNEL_ID, ...values, createdAt: now })
    .onConflictDoUpdate({ target: notificationChannels.id, set: values });
}
