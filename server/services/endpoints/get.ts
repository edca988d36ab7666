import { UUID_PATTERN } from '../../domain/ids.ts';
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { endpoints, type EndpointRow } from '../../../db/schema/index.ts';
import type { Endpoint } from '../../contract/types.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { ServiceContext } from '../context.ts';
import { toEndpoint } from './to-endpoint.ts';

/** Rejects ids that are not UUIDs before they reach the database. */
export function assertEndpointId(id: string, path = 'id'): void {
  if (!UUID_PATTERN.test(id)) throw new ValidationError([{ path, message: 'must be a UUID', code: 'invalid_uuid' }]);
}

export async function findEndpointRow(db: Database, id: string): Promise<EndpointRow> {
  assertEndpointId(id);
  const [row] = await db.select().from(endpoints).where(eq(endpoints.id, id));
  if (!row) throw new NotFoundError('Endpoint', id);
  return row;
}

export async function getEndpoint(ctx: ServiceContext, id: string): Promise<Endpoint> {
  return toEndpoint(await findEndpointRow(ctx.db, id), ctx.calendar);
}
