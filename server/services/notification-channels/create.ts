import { randomUUID } from 'node:crypto';
import { notificationChannels } from '../../../db/schema/index.ts';
import { CHANNEL_FIELDS, CHANNEL_LIMITS } from '../../contract/channel-fields.ts';
import type { NotificationChannel, NotificationChannelDefinition } from '../../contract/notifications.ts';
import { type FieldError, ValidationError } from '../../domain/errors.ts';
import { parseChannelCreate } from '../../domain/channel-input.ts';
import { describeBlockedUrl } from '../../security/target-policy.ts';
import type { ServiceContext } from '../context.ts';
import { parentsOfEndpoints } from '../endpoints/known-endpoints.ts';
import { redactChannel } from './read.ts';

/** Validates, stores and announces a new channel; it is told of what happens from now on. */
export async function createChannel(ctx: ServiceContext, input: unknown): Promise<NotificationChannel> {
  const definition = parseChannelCreate(input);
  await assertChannelAllowed(ctx, definition);
  if (ctx.channels.size >= CHANNEL_LIMITS.channelsMax) {
    throw new ValidationError([
      { path: '', message: `at most ${CHANNEL_LIMITS.channelsMax} notification channels: delete some first`, code: 'too_many_channels', params: {} },
    ]);
  }
  const now = new Date();
  const [row] = await ctx.db
    .insert(notificationChannels)
    .values({ id: randomUUID(), ...rowValuesOf(definition), fromSettings: false, createdAt: now, updatedAt: now })
    .returning();
  const channel = redactChannel(ctx.channels.put(row!).channel);
  ctx.bus.emit('channel:created', channel);
  return channel;
}

/** The columns of a definition. */
export function rowValuesOf(definition: NotificationChannelDefinition) {
  const { reminder, ...rest } = definition;
  return { ...rest, reminderEveryMinutes: reminder?.everyMinutes ?? null, reminderMax: reminder?.max ?? null };
}

/**
 * What a channel names must exist and be allowed: its endpoints, and every address it sends to
 * (the SSRF policy: a channel's test answers with what the address said).
 */
export async function assertChannelAllowed(ctx: Pick<ServiceContext, 'db' | 'registry' | 'targets'>, definition: NotificationChannelDefinition): Promise<void> {
  const errors: FieldError[] = [];
  const known = await parentsOfEndpoints(ctx.db, ctx.registry, definition.endpointIds);
  definition.endpointIds.forEach((id, i) => {
    if (!known.has(id)) errors.push({ path: `endpointIds.${i}`, message: `is not an endpoint (${id})`, code: 'unknown_endpoint', params: { id } });
  });
  for (const field of CHANNEL_FIELDS[definition.type]) {
    const value = definition.config[field.key];
    if (typeof value !== 'string') continue;
    const decision = field.kind === 'url' ? ctx.targets.decideUrl(value) : field.key === 'host' ? ctx.targets.decide(value) : { allowed: true as const };
    // The address is not repeated: a webhook URL is a secret.
    if (!decision.allowed) {
      errors.push({
        path: `config.${field.key}`,
        message: describeBlockedUrl(decision),
        code: 'blocked_target',
        params: { target: decision.target, reason: decision.reason },
      });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
}
