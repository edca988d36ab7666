import type { EndpointRow } from '../../../db/schema/index.ts';
import type { Endpoint, EndpointStatus } from '../../contract/types.ts';
import { redactDefinition } from '../../domain/secrets.ts';
import { codeOfLastError } from '../../domain/check-errors.ts';
import { definitionOf } from '../../state/stored-monitors.ts';
import { anchorOf, deadlineAfter } from '../../domain/push-schedule.ts';
import type { MaintenanceCalendar } from '../../state/maintenance-calendar.ts';

/** A push endpoint's last ping and next deadline (null for the other types; no deadline while paused). */
function pushTimesOf(row: EndpointRow): Pick<Endpoint, 'lastPingAt' | 'nextDeadlineAt'> {
  if (row.type !== 'push') return { lastPingAt: null, nextDeadlineAt: null };
  const deadline = row.paused ? null : deadlineAfter(definitionOf(row), anchorOf(row.lastPingAt, row.updatedAt));
  return { lastPingAt: row.lastPingAt?.toISOString() ?? null, nextDeadlineAt: deadline && deadline.getTime() < 8e15 ? deadline.toISOString() : null };
}

/**
 * The public Endpoint resource of a stored row, secrets redacted: what every read and event
 * carries. Its status is MAINTENANCE while a window of `calendar` covers it at `at`.
 */
export function toEndpoint(row: EndpointRow, calendar: MaintenanceCalendar, at = new Date()): Endpoint {
  const maintenance = calendar.endpointMaintenanceAt({ id: row.id, definition: row }, at);
  return {
    id: row.id,
    ...redactDefinition(definitionOf(row)),
    status: maintenance ? 'MAINTENANCE' : (row.status as EndpointStatus),
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    lastResponseTime: row.lastResponseTime,
    lastStatusCode: row.lastStatusCode,
    lastErrorMessage: row.lastErrorMessage,
    ...codeOfLastError(row.lastErrorMessage),
    consecutiveFailures: row.consecutiveFailures,
    certificateExpiresAt: row.certificateExpiresAt?.toISOString() ?? null,
    ...pushTimesOf(row),
    maintenance,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
