import type { CheckStatus, EndpointStatus, IncidentCause } from '../contract/types.ts';

/** The part of an endpoint that checks change, as the incident rules see it. */
export interface MonitorState {
  status: EndpointStatus;
  consecutiveFailures: number;
  openIncident: OpenIncident | null;
}

export interface OpenIncident {
  id: string;
  startedAt: Date;
  failureCount: number;
  errorMessage: string | null;
  /** The parent it was blamed on when it opened (absent or null: none). */
  causedBy?: IncidentCause | null;
  /**
   * Checks in a row that were not DOWN since its last failure (absent: none). Kept in memory only:
   * after a restart or a handover the count starts again, so recovery is never cut short.
   */
  successes?: number;
}

export interface CheckFacts {
  status: CheckStatus;
  errorMessage: string | null;
  checkedAt: Date;
  /** Made in a maintenance window: it counts no failure and opens no incident. */
  maintenance?: boolean;
}

export interface Transition {
  next: MonitorState;
  statusChanged: boolean;
  /** Set when this check opened an incident. */
  opened: OpenIncident | null;
  /** Set when this check resolved an incident; `resolvedAt` is the check's time. */
  resolved: (OpenIncident & { resolvedAt: Date }) | null;
  /** Set when an open incident stays open and its failure count grew. */
  continued: OpenIncident | null;
}

/**
 * Applies one check to an endpoint's state:
 * 1. a DOWN check adds one consecutive failure, any other check resets the count;
 * 2. when the count reaches `failureThreshold` and no incident is open, one opens;
 * 3. an open incident resolves at the `recoveryThreshold`-th check in a row that is not DOWN (a DOWN
 *    check starts that count again).
 * At most one incident is open at any time. A check in a maintenance window counts no failure (the
 * count starts again after the window) and so opens nothing; an incident open before the window
 * keeps its course, and may resolve.
 */
export function applyCheck(state: MonitorState, check: CheckFacts, failureThreshold: number, newIncidentId: () => string, recoveryThreshold = 1): Transition {
  const down = check.status === 'DOWN';
  const consecutiveFailures = down && !check.maintenance ? state.consecutiveFailures + 1 : 0;
  let openIncident = state.openIncident;
  let opened: OpenIncident | null = null;
  let resolved: Transition['resolved'] = null;
  let continued: OpenIncident | null = null;

  if (down && openIncident) {
    const { successes: _reset, ...incident } = openIncident;
    openIncident = { ...incident, failureCount: openIncident.failureCount + 1 };
    continued = openIncident;
  } else if (down && !check.maintenance && consecutiveFailures >= failureThreshold) {
    opened = {
      id: newIncidentId(),
      startedAt: check.checkedAt,
      failureCount: consecutiveFailures,
      errorMessage: check.errorMessage,
    };
    openIncident = opened;
  } else if (!down && openIncident) {
    const successes = (openIncident.successes ?? 0) + 1;
    if (successes >= recoveryThreshold) {
      const { successes: _done, ...incident } = openIncident;
      resolved = { ...incident, resolvedAt: check.checkedAt };
      openIncident = null;
    } else {
      openIncident = { ...openIncident, successes };
    }
  }

  return {
    next: { status: check.status, consecutiveFailures, openIncident },
    statusChanged: state.status !== check.status,
    opened,
    resolved,
    continued,
  };
}
