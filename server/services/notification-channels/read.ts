import { CHANNEL_FIELDS } from '../../contract/channel-fields.ts';
import type { NotificationChannel } from '../../contract/notifications.ts';
import { SECRET_MARKER } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { UUID_PATTERN } from '../../domain/ids.ts';
import type { HeldChannel } from '../../state/channel-directory.ts';
import type { ServiceContext } from '../context.ts';

export function assertChannelId(id: string): void {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path: 'id', message: 'must be a UUID', code: 'invalid_uuid' }]);
}

/** A channel as held in memory (every instance holds them all, kept in step through the relay). */
export function findChannel(ctx: Pick<ServiceContext, 'channels'>, id: string): HeldChannel {
  assertChannelId(id);
  const held = ctx.channels.get(id.toLowerCase());
  if (!held) throw new NotFoundError('Notification channel', id);
  return held;
}

/** What every read and event shows: secrets replaced by SECRET_MARKER. */
export function redactChannel(channel: NotificationChannel): NotificationChannel {
  const config = { ...channel.config };
  for (const field of CHANNEL_FIELDS[channel.type]) {
    if (field.secret && config[field.key] !== undefined && config[field.key] !== null) config[field.key] = SECRET_MARKER;
  }
  return { ...channel, config };
}

export function getChannel(ctx: ServiceContext, id: string): NotificationChannel {
  return redactChannel(findChannel(ctx, id).channel);
}

/** Every channel, oldest first (they are few: at most CHANNEL_LIMITS.channelsMax). */
export function listChannels(ctx: ServiceContext): { items: NotificationChannel[] } {
  const items = ctx.channels
    .all()
    .map((held) => held.channel)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .map(redactChannel);
  return { items };
}
