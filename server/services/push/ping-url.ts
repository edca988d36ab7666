import { pushTokenOf } from '../../contract/monitor-address.ts';
import { newPushUrl } from '../../domain/push-token.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { findEndpointRow } from '../endpoints/get.ts';
import { updateEndpoint } from '../endpoints/update.ts';

/** A push endpoint's token (its URL is read redacted everywhere else: the token lets anyone report for the job). */
export async function pushTokenOfEndpoint(ctx: ServiceContext, id: string): Promise<string> {
  const row = await findEndpointRow(ctx.db, id);
  const token = pushTokenOf(row.url);
  if (row.type !== 'push' || token === null) throw notPush(id);
  return token;
}

/** Gives a push endpoint a new token: the old ping URL stops working at once. */
export async function renewPushToken(ctx: ServiceContext, id: string): Promise<string> {
  const row = await findEndpointRow(ctx.db, id);
  if (row.type !== 'push') throw notPush(id);
  const url = newPushUrl();
  await updateEndpoint(ctx, id, { url });
  return url.slice('push:'.length);
}

function notPush(id: string): Error {
  return new ValidationError([{ path: 'id', message: `endpoint ${id} is not a push endpoint`, code: 'not_push', params: { id } }]);
}
