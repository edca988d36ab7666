import { eq } from 'drizzle-orm';
import { notificationChannels } from '../../../db/schema/index.ts';
import type { NotificationChannel } from '../../contract/notifications.ts';
import { mergeChannelPatch, parseChannelPatch } from '../../domain/channel-input.ts';
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { assertChannelAllowed, rowValuesOf } from './create.ts';
import { findChannel, redactChannel } from './read.ts';

/** Applies a partial change to a channel (what is queued for it goes out as it is now). */
export async function updateChannel(ctx: ServiceContext, id: string, input: unknown): Promise<NotificationChannel> {
  const held = findChannel(ctx, id);
  if (held.channel.fromSettings) throw fromSettings();
  const patch = parseChannelPatch(input);
  const definition = mergeChannelPatch(held.channel, patch);
  await assertChannelAllowed(ctx, definition);
  const { id: _id, fromSettings: _from, createdAt: _c, updatedAt: _u, ...columns } = { ...held.channel, ...definition };
  const [row] = await ctx.db
    .update(notificationChannels)
    .set({ ...rowValuesOf(columns), updatedAt: new Date() })
    .where(eq(notificationChannels.id, held.id))
    .returning();
  if (!row) {
    ctx.channels.remove(held.id);
    throw new NotFoundError('Notification channel', id);
  }
  const channel = redactChannel(ctx.channels.put(row).channel);
  ctx.bus.emit('channel:updated', channel);
  return channel;
}

export function fromSettings(): ConflictError {
  return new ConflictError('this channel is defined by settings (WEBHOOK_URL, WEBHOOK_SECRET): change them and restart Vigil', 'channel_from_settings');
}
