import { describe, expect, it } from 'vitest';
import { pendingWrite } from '../../test/support/pending-writes.ts';
import type { PendingWrite } from './pending-write.ts';
import { incidentWrites } from './store-batch.ts';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

/** A result of endpoint `a` with the given incident change. */
function withIncident(incident: PendingWrite['incident'], endpointId = 'a'): PendingWrite {
  return { ...pendingWrite(endpointId), incident };
}

describe('the incident writes of a batch: one row write per incident', () => {
  it('merges an incident opened, continued and resolved in one batch into one new row, resolved, with the last count', () => {
    const writes = incidentWrites([
      withIncident({ kind: 'opened', id: 'i1', startedAt: at(0), failureCount: 3, errorMessage: 'Timeout exceeded' }),
      withIncident({ kind: 'continued', id: 'i1', failureCount: 4 }),
      withIncident({ kind: 'resolved', id: 'i1', resolvedAt: at(9), failureCount: 4 }),
    ]);
    expect(writes).toEqual([
      { id: 'i1', endpointId: 'a', isNew: true, startedAt: at(0), failureCount: 4, errorMessage: 'Timeout exceeded', resolvedAt: at(9), causedBy: null },
    ]);
  });

  it('changes a stored incident: the latest count, and the resolution if any', () => {
    const writes = incidentWrites([
      withIncident({ kind: 'continued', id: 'i1', failureCount: 5 }),
      withIncident({ kind: 'continued', id: 'i1', failureCount: 6 }),
      withIncident({ kind: 'resolved', id: 'i1', resolvedAt: at(4), failureCount: 6 }),
      withIncident({ kind: 'opened', id: 'i2', startedAt: at(5), failureCount: 3, errorMessage: null }, 'b'),
      withIncident(null, 'c'),
    ]);
    expect(writes).toEqual([
      { id: 'i1', endpointId: 'a', isNew: false, startedAt: null, failureCount: 6, errorMessage: null, resolvedAt: at(4), causedBy: null },
      { id: 'i2', endpointId: 'b', isNew: true, startedAt: at(5), failureCount: 3, errorMessage: null, resolvedAt: null, causedBy: null },
    ]);
  });

  it('writes nothing for results that change no incident', () => {
    expect(incidentWrites([withIncident(null), withIncident(null, 'b')])).toEqual([]);
  });
});
