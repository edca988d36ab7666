import { describe, expect, it } from 'vitest';
import type { BatchedEvent } from '../contract/events.ts';
import { CoalescedState } from './batching.ts';

const check = (endpointId: string, checkId: string) => ({ event: 'check:completed', data: { endpointId, checkId } }) as unknown as BatchedEvent;
const status = (endpointId: string, currentStatus: string) =>
  ({ event: 'endpoint:status-changed', data: { endpointId, currentStatus } }) as unknown as BatchedEvent;
const incident = (event: 'incident:started' | 'incident:resolved', incidentId: string) =>
  ({ event, data: { endpointId: 'a', incidentId } }) as unknown as BatchedEvent;

describe('CoalescedState', () => {
  it('keeps the latest check and status change per endpoint and the latest event per incident, in the order of their latest events', () => {
    const state = new CoalescedState();
    for (const e of [
      check('a', '1'),
      status('a', 'DOWN'),
      incident('incident:started', 'i1'),
      check('b', '2'),
      check('a', '3'),
      incident('incident:resolved', 'i1'),
      incident('incident:started', 'i2'),
      check('b', '4'),
    ]) {
      state.add(e);
    }
    expect(state.take()).toEqual([
      status('a', 'DOWN'),
      check('a', '3'),
      incident('incident:resolved', 'i1'),
      incident('incident:started', 'i2'),
      check('b', '4'),
    ]);
    expect(state.size).toBe(0);
  });

  it('stays bounded by endpoints and incidents however many events pass', () => {
    const state = new CoalescedState();
    for (let i = 0; i < 10_000; i++) state.add(check(`e${i % 7}`, String(i)));
    expect(state.size).toBe(7);
  });
});
