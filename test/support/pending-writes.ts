import { randomUUID } from 'node:crypto';
import type { EndpointRow } from '../../db/schema/index.ts';
import type { Check } from '../../server/contract/types.ts';
import type { PendingWrite, QueuedEvent } from '../../server/results/pending-write.ts';

export type WriteKind = 'plain' | 'continued' | 'status-changed' | 'opened' | 'resolved';

/** A result as the result writer gets it, labelled `endpointId:kind`; `settled` says how its caller was answered. */
export type TestWrite = PendingWrite & { label: string; settled: (Check | null)[] };

/** One check's result of `endpointId`: what it changes shows in its events and its incident change. */
export function pendingWrite(endpointId: string, kind: WriteKind = 'plain', checkedAt = new Date()): TestWrite {
  const check: Check = {
    id: randomUUID(),
    endpointId,
    status: kind === 'plain' || kind === 'resolved' ? 'UP' : 'DOWN',
    responseTime: 5,
    statusCode: kind === 'plain' || kind === 'resolved' ? 200 : 500,
    errorMessage: null,
    errorCode: null,
    errorParams: null,
    failedAssertions: [],
    bodyExcerpt: null,
    certificate: null,
    maintenance: false,
    checkedAt: checkedAt.toISOString(),
  };
  const events: QueuedEvent[] = [
    [
      'check:completed',
      {
        checkId: check.id,
        endpointId,
        status: check.status,
        responseTime: 5,
        statusCode: check.statusCode,
        errorMessage: null,
        errorCode: null,
        errorParams: null,
        failedAssertions: [],
        certificate: null,
        maintenance: false,
        timestamp: check.checkedAt,
      },
    ],
  ];
  if (kind === 'status-changed' || kind === 'opened' || kind === 'resolved') {
    events.push([
      'endpoint:status-changed',
      {
        endpointId,
        endpointName: endpointId,
        previousStatus: 'UP',
        currentStatus: check.status,
        timestamp: check.checkedAt,
        responseTime: 5,
        errorMessage: null,
        errorCode: null,
        errorParams: null,
      },
    ]);
  }
  const incident: PendingWrite['incident'] =
    kind === 'continued'
      ? { kind: 'continued', id: randomUUID(), failureCount: 4 }
      : kind === 'opened'
        ? { kind: 'opened', id: randomUUID(), startedAt: checkedAt, failureCount: 3, errorMessage: null }
        : kind === 'resolved'
          ? { kind: 'resolved', id: randomUUID(), resolvedAt: checkedAt, failureCount: 4 }
          : null;
  if (incident?.kind === 'opened') {
    events.push([
      'incident:started',
      { incidentId: incident.id, endpointId, endpointName: endpointId, startedAt: check.checkedAt, failureCount: 3, causedBy: null },
    ]);
  }
  const settled: (Check | null)[] = [];
  return {
    check,
    consecutiveFailures: 0,
    certificateExpiresAt: null,
    incident,
    events,
    settle: (c) => void settled.push(c),
    label: `${endpointId}:${kind}`,
    settled,
  };
}

/** An endpoint row as stored (PENDING, never checked), for a registry without a database. */
export function endpointRow(id: string, overrides: Partial<EndpointRow> = {}): EndpointRow {
  const now = new Date();
  return {
    id,
    name: id,
    type: 'http',
    url: `http://127.0.0.1:9/${id}`,
    method: 'GET',
    headers: {},
    secretHeaders: [],
    body: null,
    intervalSeconds: 60,
    retryIntervalSeconds: null,
    timeoutMs: 1000,
    expectedStatusCodes: ['200-299'],
    degradedThresholdMs: 500,
    certificateWarningDays: 14,
    graceSeconds: 60,
    cron: null,
    timezone: null,
    failureThreshold: 3,
    recoveryThreshold: 1,
    slaTarget: null,
    assertions: [],
    paused: false,
    tags: [],
    parentId: null,
    status: 'PENDING',
    lastCheckedAt: null,
    lastResponseTime: null,
    lastStatusCode: null,
    certificateExpiresAt: null,
    lastPingAt: null,
    lastErrorMessage: null,
    consecutiveFailures: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}
