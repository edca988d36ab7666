import { describe, expect, it } from 'vitest';
import type { CheckStatus } from '../contract/types.ts';
import { applyCheck, type CheckFacts, type MonitorState, type OpenIncident, type Transition } from './monitor-state.ts';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (second: number) => new Date(T0 + second * 1000);

const fresh = (overrides: Partial<MonitorState> = {}): MonitorState => ({
  status: 'PENDING',
  consecutiveFailures: 0,
  openIncident: null,
  ...overrides,
});

const check = (status: CheckStatus, second = 0, errorMessage: string | null = status === 'DOWN' ? 'Timeout exceeded' : null): CheckFacts => ({
  status,
  errorMessage,
  checkedAt: at(second),
});

const incident = (overrides: Partial<OpenIncident> = {}): OpenIncident => ({
  id: 'incident-0',
  startedAt: at(-60),
  failureCount: 3,
  errorMessage: 'Timeout exceeded',
  ...overrides,
});

/** An id source that counts how often it was asked. */
function ids() {
  const issued: string[] = [];
  const next = () => {
    issued.push(`incident-${issued.length + 1}`);
    return issued.at(-1)!;
  };
  return Object.defineProperty(next, 'count', { get: () => issued.length }) as typeof next & { readonly count: number };
}

/** Applies a sequence of check statuses, one second apart, and returns every transition. */
function run(statuses: CheckStatus[], failureThreshold: number, start: MonitorState = fresh()) {
  const nextId = ids();
  const transitions: Transition[] = [];
  let state = start;
  statuses.forEach((status, i) => {
    const t = applyCheck(state, check(status, i, status === 'DOWN' ? `failure ${i}` : null), failureThreshold, nextId);
    transitions.push(t);
    state = t.next;
  });
  return { transitions, state, idsIssued: nextId.count };
}

describe('applyCheck', () => {
  describe('counting consecutive failures', () => {
    it.each([
      { from: 0, status: 'DOWN', to: 1 },
      { from: 1, status: 'DOWN', to: 2 },
      { from: 41, status: 'DOWN', to: 42 },
      { from: 2, status: 'UP', to: 0 },
      { from: 2, status: 'DEGRADED', to: 0 },
      { from: 0, status: 'UP', to: 0 },
    ] as const)('goes from $from to $to on a $status check', ({ from, status, to }) => {
      const t = applyCheck(fresh({ status: from ? 'DOWN' : 'UP', consecutiveFailures: from }), check(status), 100, ids());
      expect(t.next.consecutiveFailures).toBe(to);
      expect(t.next.status).toBe(status);
    });
  });

  describe('reporting a status change', () => {
    it.each([
      { before: 'PENDING', status: 'UP', changed: true },
      { before: 'PENDING', status: 'DOWN', changed: true },
      { before: 'UP', status: 'UP', changed: false },
      { before: 'UP', status: 'DEGRADED', changed: true },
      { before: 'DEGRADED', status: 'DEGRADED', changed: false },
      { before: 'DOWN', status: 'DOWN', changed: false },
      { before: 'DOWN', status: 'UP', changed: true },
    ] as const)('reports $before → $status as changed: $changed', ({ before, status, changed }) => {
      expect(applyCheck(fresh({ status: before }), check(status), 3, ids()).statusChanged).toBe(changed);
    });
  });

  describe('opening an incident', () => {
    it('opens one at the first DOWN check when the threshold is 1', () => {
      const nextId = ids();
      const t = applyCheck(fresh(), check('DOWN', 5, 'connect ECONNREFUSED'), 1, nextId);

      expect(t.opened).toEqual({ id: 'incident-1', startedAt: at(5), failureCount: 1, errorMessage: 'connect ECONNREFUSED' });
      expect(t.next).toEqual({ status: 'DOWN', consecutiveFailures: 1, openIncident: t.opened });
      expect(t.resolved).toBeNull();
      expect(t.continued).toBeNull();
      expect(nextId.count).toBe(1);
    });

    it.each([1, 2, 3, 5, 100])('opens exactly at the %i-th consecutive DOWN check, not before', (threshold) => {
      const { transitions } = run(Array<CheckStatus>(threshold).fill('DOWN'), threshold);

      for (const t of transitions.slice(0, -1)) expect(t.opened).toBeNull();
      const last = transitions.at(-1)!;
      expect(last.opened).toMatchObject({ startedAt: at(threshold - 1), failureCount: threshold, errorMessage: `failure ${threshold - 1}` });
      expect(last.next.openIncident).toEqual(last.opened);
    });

    it('does not open when an UP check interrupts the run just before the threshold', () => {
      const { transitions, state, idsIssued } = run(['DOWN', 'DOWN', 'UP', 'DOWN', 'DOWN'], 3);
      expect(transitions.every((t) => t.opened === null)).toBe(true);
      expect(state).toEqual({ status: 'DOWN', consecutiveFailures: 2, openIncident: null });
      expect(idsIssued).toBe(0);
    });

    it('does not open when a DEGRADED check interrupts the run', () => {
      const { transitions } = run(['DOWN', 'DOWN', 'DEGRADED', 'DOWN', 'DOWN'], 3);
      expect(transitions.every((t) => t.opened === null)).toBe(true);
    });

    it('opens when the count is restored already at the threshold (e.g. after a restart) and a DOWN check comes', () => {
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 3 }), check('DOWN', 9), 3, ids());
      expect(t.opened).toMatchObject({ failureCount: 4, startedAt: at(9) });
    });
  });

  describe('continuing an open incident', () => {
    it('adds each further DOWN check to the open incident without opening another', () => {
      const open = incident({ failureCount: 3 });
      const nextId = ids();
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 3, openIncident: open }), check('DOWN', 1), 3, nextId);

      expect(t.opened).toBeNull();
      expect(t.resolved).toBeNull();
      expect(t.continued).toEqual({ ...open, failureCount: 4 });
      expect(t.next).toEqual({ status: 'DOWN', consecutiveFailures: 4, openIncident: { ...open, failureCount: 4 } });
      expect(t.statusChanged).toBe(false);
      expect(nextId.count).toBe(0);
    });

    it('keeps the incident it holds when its failure count was reset (loaded at start)', () => {
      const open = incident({ id: 'loaded' });
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 0, openIncident: open }), check('DOWN'), 1, ids());
      expect(t.opened).toBeNull();
      expect(t.continued?.id).toBe('loaded');
      expect(t.next.openIncident?.id).toBe('loaded');
    });

    it('keeps the start time and first error message while continuing', () => {
      const open = incident({ startedAt: at(-300), errorMessage: 'first' });
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 5, openIncident: open }), check('DOWN', 0, 'later'), 3, ids());
      expect(t.continued).toMatchObject({ startedAt: at(-300), errorMessage: 'first' });
    });
  });

  describe('resolving an open incident', () => {
    it.each(['UP', 'DEGRADED'] as const)('resolves at the first %s check, at that check’s time', (status) => {
      const open = incident();
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 7, openIncident: open }), check(status, 42), 3, ids());

      expect(t.resolved).toEqual({ ...open, resolvedAt: at(42) });
      expect(t.next).toEqual({ status, consecutiveFailures: 0, openIncident: null });
      expect(t.opened).toBeNull();
      expect(t.continued).toBeNull();
      expect(t.statusChanged).toBe(true);
    });

    it('resolves nothing when no incident is open', () => {
      const t = applyCheck(fresh({ status: 'DOWN', consecutiveFailures: 2 }), check('UP'), 3, ids());
      expect(t.resolved).toBeNull();
      expect(t.opened).toBeNull();
      expect(t.continued).toBeNull();
    });
  });

  describe('over a long sequence', () => {
    it.each([
      { threshold: 1, statuses: 'DDDUDDDGDUUD', opened: 4, resolved: 3 },
      { threshold: 2, statuses: 'DDDDDUDDDDDU', opened: 2, resolved: 2 },
      { threshold: 3, statuses: 'DDUDDGDDDDDDDDDDDDDDU', opened: 1, resolved: 1 },
      { threshold: 3, statuses: 'DDUDDGDDUDD', opened: 0, resolved: 0 },
      { threshold: 1, statuses: 'D'.repeat(50), opened: 1, resolved: 0 },
    ])('with threshold $threshold, $statuses opens $opened and resolves $resolved, never two at once', ({ threshold, statuses, opened, resolved }) => {
      const letters: Record<string, CheckStatus> = { D: 'DOWN', U: 'UP', G: 'DEGRADED' };
      const { transitions, idsIssued } = run(
        [...statuses].map((c) => letters[c]!),
        threshold,
      );

      let open: string | null = null;
      for (const t of transitions) {
        if (t.opened) {
          expect(open, 'an incident opened while another was open').toBeNull();
          open = t.opened.id;
        }
        if (t.resolved) {
          expect(t.resolved.id).toBe(open);
          open = null;
        }
        if (t.continued) expect(t.continued.id).toBe(open);
        expect(t.next.openIncident?.id ?? null).toBe(open);
        expect([t.opened, t.resolved, t.continued].filter(Boolean).length).toBeLessThanOrEqual(1);
      }
      expect(transitions.filter((t) => t.opened).length).toBe(opened);
      expect(transitions.filter((t) => t.resolved).length).toBe(resolved);
      expect(idsIssued).toBe(opened);
    });

    it('counts every DOWN check of an incident in its failure count', () => {
      const { state } = run(['DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN'], 2);
      expect(state.openIncident?.failureCount).toBe(6);
      expect(state.consecutiveFailures).toBe(6);
    });
  });

  it('leaves the state it was given untouched', () => {
    const open = incident();
    const state = fresh({ status: 'DOWN', consecutiveFailures: 3, openIncident: open });
    const copy = structuredClone(state);

    applyCheck(state, check('DOWN'), 3, ids());
    applyCheck(state, check('UP'), 3, ids());

    expect(state).toEqual(copy);
  });
});

describe('applyCheck with a recovery threshold', () => {
  const recover = (statuses: CheckStatus[], recoveryThreshold: number) => {
    const nextId = ids();
    let state = fresh({ status: 'DOWN', consecutiveFailures: 3, openIncident: incident() });
    return statuses.map((status, i) => {
      const t = applyCheck(state, check(status, i), 3, nextId, recoveryThreshold);
      state = t.next;
      return t;
    });
  };

  it('resolves the incident at the recoveryThreshold-th check in a row that is not DOWN, keeping it open until then', () => {
    const t = recover(['UP', 'DEGRADED', 'UP'], 3);
    expect(t.map((x) => x.resolved?.resolvedAt ?? null)).toEqual([null, null, at(2)]);
    expect(t.map((x) => x.next.openIncident?.successes ?? null)).toEqual([1, 2, null]);
    // The endpoint's status follows each check meanwhile; only the incident waits.
    expect(t.map((x) => x.next.status)).toEqual(['UP', 'DEGRADED', 'UP']);
    expect(t[2]!.resolved).toEqual({ ...incident(), resolvedAt: at(2) });
  });

  it('starts counting again at a DOWN check, which also counts as one more failure of the open incident', () => {
    const t = recover(['UP', 'DOWN', 'UP', 'UP'], 2);
    expect(t.map((x) => x.resolved !== null)).toEqual([false, false, false, true]);
    expect(t[1]!.continued).toEqual({ ...incident(), failureCount: 4 });
    expect(t[3]!.resolved?.failureCount).toBe(4);
  });

  it('resolves at the first check that is not DOWN with the default of 1, as before', () => {
    expect(recover(['UP'], 1)[0]!.resolved?.resolvedAt).toEqual(at(0));
  });
});
