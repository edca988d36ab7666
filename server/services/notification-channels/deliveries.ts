import type { NotificationDelivery } from '../../contract/notifications.ts';
import type { Page } from '../../contract/types.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { decodeCursor, encodeCursor } from '../pagination.ts';
import { findChannel } from './read.ts';

/** A channel's delivery log, newest first, a page at a time (`?limit=` 1…200, default 50; `?cursor=`). */
export async function listDeliveries(ctx: ServiceContext, id: string, raw: Record<string, string>): Promise<Page<NotificationDelivery>> {
  const held = findChannel(ctx, id);
  const limit = raw.limit === undefined ? 50 : Number(raw.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new ValidationError([{ path: 'limit', message: 'must be a whole number from 1 to 200', code: 'invalid_limit', params: {} }]);
  }
  const before = raw.cursor ? decodeCursor(raw.cursor) : null;
  const rows = await ctx.outbox.deliveries(held.id, limit + 1, before ? { at: before.at.toISOString(), id: before.id } : null);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.at), last.id) : null };
}
