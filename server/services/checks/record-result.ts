import { randomUUID } from 'node:crypto';
import type { Check } from '../../contract/types.ts';
import type { CheckVerdict } from '../../domain/check-rules.ts';
import { checkIntervalOf, isFailingState } from '../../domain/check-interval.ts';
import { applyCheck } from '../../domain/monitor-state.ts';
import type { Placement } from '../../scheduler/placement.ts';
import type { PendingWrite, QueuedEvent } from '../../results/pending-write.ts';
import type { ResultWriter } from '../../results/result-writer.ts';
import type { MonitorRegistry } from '../../state/monitor-registry.ts';
import type { MaintenanceView } from '../maintenance-windows/maintenance-watch.ts';
import type { Dependencies } from './dependencies.ts';
import type { NotificationRouter } from '../../notifications/notification-router.ts';

export interface RecordDeps {
  registry: MonitorRegistry;
  writer: ResultWriter;
  /** Told when the endpoint starts or stops failing and so moves to its retry interval or back. */
  placement?: Pick<Placement, 'schedule'>;
  /** Maintenance windows (none when absent). */
  maintenance?: MaintenanceView;
  /** What an incident is blamed on (its parent's trouble; nothing when absent). */
  dependencies?: Pick<Dependencies, 'causeFor'>;
  /** Which notifications the check causes (none when absent). */
  notifications?: Pick<NotificationRouter, 'entriesFor'>;
}

/**
 * Records one check of one endpoint:
 * 1. applies the incident rules to the endpoint's in-memory state, at once and in completion order;
 * 2. queues the result, the new state and the incident change for the batch writer;
 * 3. resolves with the stored Check once written (null if the endpoint was deleted meanwhile).
 * The events go out when the batch commits. In a maintenance window the check is marked, and the
 * endpoint's status changes are not announced (it shows MAINTENANCE; the watch announces the end).
 */
export function recordResult(
  deps: RecordDeps,
  endpointId: string,
  verdict: CheckVerdict,
  checkedAt: Date,
  extra: Pick<PendingWrite, 'pingAt'> = {},
): Promise<Check | null> {
  const entry = deps.registry.get(endpointId);
  // Gone, or shutdown has given up on the checks still running: nothing to record.
  if (!entry || !deps.writer.accepting) return Promise.resolve(null);

  const maintenance = deps.maintenance?.inWindowAt(entry, checkedAt) ?? false;
  const check: Check = {
    id: randomUUID(),
    endpointId,
    status: verdict.status,
    responseTime: verdict.responseTime,
    statusCode: verdict.statusCode,
    errorMessage: verdict.errorMessage,
    errorCode: verdict.errorCode,
    errorParams: verdict.errorParams,
    failedAssertions: verdict.failedAssertions,
    bodyExcerpt: verdict.bodyExcerpt,
    certificate: verdict.certificate,
    maintenance,
    checkedAt: checkedAt.toISOString(),
  };
  const previousStatus = entry.state.status;
  const transition = applyCheck(
    entry.state,
    { status: verdict.status, errorMessage: verdict.errorMessage, checkedAt, maintenance },
    entry.definition.failureThreshold,
    randomUUID,
    entry.definition.recoveryThreshold,
  );
  // An incident opened while the parent is down is the parent's: marked so, it notifies nobody.
  if (transition.opened) {
    const causedBy = deps.dependencies?.causeFor(endpointId) ?? null;
    transition.opened = { ...transition.opened, causedBy };
    transition.next = { ...transition.next, openIncident: transition.opened };
  }
  const intervalBefore = checkIntervalOf(entry.definition, isFailingState(entry.state));
  deps.registry.apply(endpointId, transition.next);
  const intervalNow = checkIntervalOf(entry.definition, isFailingState(transition.next));
  // Failing from now on, or no longer (recovered): the next check comes at the retry interval, or back at the interval.
  if (intervalNow !== intervalBefore && !entry.definition.paused) deps.placement?.schedule(endpointId, intervalNow);
  const name = entry.definition.name;

  const events: QueuedEvent[] = [
    [
      'check:completed',
      {
        checkId: check.id,
        endpointId,
        status: check.status,
        responseTime: check.responseTime,
        statusCode: check.statusCode,
        errorMessage: check.errorMessage,
        errorCode: check.errorCode,
        errorParams: check.errorParams,
        failedAssertions: check.failedAssertions,
        certificate: check.certificate,
        maintenance,
        timestamp: check.checkedAt,
      },
    ],
  ];
  if (transition.statusChanged && !deps.maintenance?.shows(endpointId)) {
    events.push([
      'endpoint:status-changed',
      {
        endpointId,
        endpointName: name,
        previousStatus,
        currentStatus: check.status,
        timestamp: check.checkedAt,
        responseTime: check.responseTime,
        errorMessage: check.errorMessage,
        errorCode: check.errorCode,
        errorParams: check.errorParams,
      },
    ]);
  }
  let incident: PendingWrite['incident'] = null;
  if (transition.resolved) {
    const r = transition.resolved;
    incident = { kind: 'resolved', id: r.id, resolvedAt: r.resolvedAt, failureCount: r.failureCount };
    events.push([
      'incident:resolved',
      {
        incidentId: r.id,
        endpointId,
        endpointName: name,
        startedAt: r.startedAt.toISOString(),
        resolvedAt: r.resolvedAt.toISOString(),
        durationMs: r.resolvedAt.getTime() - r.startedAt.getTime(),
        causedBy: r.causedBy ?? null,
      },
    ]);
  } else if (transition.opened) {
    const o = transition.opened;
    incident = { kind: 'opened', ...o };
    events.push([
      'incident:started',
      { incidentId: o.id, endpointId, endpointName: name, startedAt: o.startedAt.toISOString(), failureCount: o.failureCount, causedBy: o.causedBy ?? null },
    ]);
  } else if (transition.continued) {
    incident = { kind: 'continued', id: transition.continued.id, failureCount: transition.continued.failureCount };
  }

  const notifications = deps.notifications?.entriesFor({
    endpoint: entry,
    check,
    previousStatus,
    events,
    openIncident: transition.next.openIncident,
    certificateExpiresAt: verdict.certificateExpiresAt,
  });
  return new Promise<Check | null>((resolve, reject) => {
    deps.writer.enqueue({
      check,
      consecutiveFailures: transition.next.consecutiveFailures,
      certificateExpiresAt: verdict.certificateExpiresAt,
      ...extra,
      incident,
      events,
      ...(notifications?.length ? { notifications } : {}),
      settle: (stored, error) => (error ? reject(error) : resolve(stored)),
    });
  });
}
