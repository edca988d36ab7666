import type { EndpointRow } from '../../../db/schema/index.ts';
import type { Endpoint, EndpointStatus } from '../../contract/types.ts';
import { redactDefinition } from '../../domain/secrets.ts';
import { codeOfLastError } from '../../domain/check-errors.ts';
import { definitionOf } from '../../state/stored-monitors.ts';

/** The public Endpoint resource of a stored row, secrets redacted: what every read and event carries. */
export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    ...redactDefinition(definitionOf(row)),
    status: row.status as EndpointStatus,
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    lastResponseTime: row.lastResponseTime,
    lastStatusCode: row.lastStatusCode,
    lastErrorMessage: row.lastErrorMessage,
    ...codeOfLastError(row.lastErrorMessage),
    consecutiveFailures: row.consecutiveFailures,
    certificateExpiresAt: row.certificateExpiresAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
