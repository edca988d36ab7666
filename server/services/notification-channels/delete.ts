import { eq } from 'drizzle-orm';
import { notificationChannels } from '../../../db/schema/index.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findChannel } from './read.ts';
import { fromSettings } from './update.ts';

/** Deletes a channel with its delivery log; what waited for it is not sent. */
export async function deleteChannel(ctx: ServiceContext, id: string): Promise<void> {
  const held = findChannel(ctx, id);
  if (held.channel.fromSettings) throw fromSettings();
  const deleted = await ctx.db.delete(notificationChannels).where(eq(notificationChannels.id, held.id)).returning({ id: notificationChannels.id });
  ctx.channels.remove(held.id);
  if (deleted.length === 0) throw new NotFoundError('Notification channel', id);
  ctx.bus.emit('channel:deleted', { channelId: held.id });
}
