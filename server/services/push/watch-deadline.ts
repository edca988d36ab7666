import type { Database } from '../../../db/client.ts';
import type { Check } from '../../contract/types.ts';
import { checkError } from '../../domain/check-errors.ts';
import { plainVerdict } from '../../domain/check-rules.ts';
import { anchorOf, nextExpectedAt } from '../../domain/push-schedule.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';
import { readEndpointRows } from '../../state/stored-monitors.ts';
import { type RecordDeps, recordResult } from '../checks/record-result.ts';
import type { PushRuns } from './push-runs.ts';

export interface WatchDeps extends RecordDeps {
  pushRuns: PushRuns;
  /** To look for a ping another instance received before calling a deadline missed. */
  db?: Database;
}

/** Most periods skipped over at once (an instance that was stopped for long reports one miss, not each). */
const MAX_STEPS = 10_000;

/**
 * A scheduled check of a push endpoint: nothing to call, only its deadline to look at. Records a
 * DOWN check when the deadline passed with no ping (once per expected ping missed); resolves null
 * when it has not.
 */
export async function watchDeadline(deps: WatchDeps, endpointId: string, now = new Date()): Promise<Check | null> {
  let entry = deps.registry.get(endpointId);
  if (entry?.definition.type !== 'push' || entry.definition.paused) return null;
  let missed = missedDeadline(entry, deps.pushRuns, now);
  if (!missed) return null;
  // A ping may have reached another instance (or come before a restart): the stored one counts too.
  if (deps.db) {
    const stored = await readEndpointRows(deps.db, [endpointId]).catch(() => []);
    if (stored[0]?.lastPingAt) deps.registry.notePing(endpointId, stored[0].lastPingAt);
    entry = deps.registry.get(endpointId);
    if (!entry) return null;
    missed = missedDeadline(entry, deps.pushRuns, now);
    if (!missed) return null;
  }
  deps.pushRuns.missed(endpointId, missed.expectedAt);
  const last = entry.lastPingAt ? entry.lastPingAt.toISOString() : 'never';
  const reason = missed.runStartedAt
    ? checkError('push_late', { deadline: missed.deadline.toISOString(), last: `never after the run started at ${missed.runStartedAt.toISOString()}` })
    : checkError('push_late', { deadline: missed.deadline.toISOString(), last });
  return recordResult(deps, endpointId, plainVerdict('DOWN', 0, reason), now);
}

interface Missed {
  deadline: Date;
  /** The expected time whose deadline passed (the next one is counted from it). */
  expectedAt: Date;
  runStartedAt: Date | null;
}

/**
 * The deadline that passed without a ping and was not reported yet, or null. The clock starts at
 * the last ping (or the definition's last change), moves on from each deadline already reported,
 * and a run that started (`/start`) must end within the grace.
 */
export function missedDeadline(entry: MonitoredEndpoint, runs: PushRuns, now: Date): Missed | null {
  const definition = entry.definition;
  const graceMs = definition.graceSeconds * 1000;
  const lastPingAt = entry.lastPingAt ?? null;
  const anchor = anchorOf(lastPingAt, entry.updatedAt ?? new Date(0));
  const reported = runs.missedThrough(entry.id);
  const runStartedAt = runs.runStartedAfter(entry.id, lastPingAt);
  if (runStartedAt && !reported && now.getTime() > runStartedAt.getTime() + graceMs) {
    return { deadline: new Date(runStartedAt.getTime() + graceMs), expectedAt: runStartedAt, runStartedAt };
  }
  let expectedAt = nextExpectedAt(definition, reported && reported > anchor ? reported : anchor);
  if (now.getTime() <= expectedAt.getTime() + graceMs) return null;
  // Past more than one deadline: report the latest, so that the next is still ahead.
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = nextExpectedAt(definition, expectedAt);
    if (now.getTime() <= next.getTime() + graceMs) break;
    expectedAt = next;
  }
  return { deadline: new Date(expectedAt.getTime() + graceMs), expectedAt, runStartedAt: null };
}
