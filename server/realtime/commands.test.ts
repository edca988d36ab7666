import { describe, expect, it } from 'vitest';
import { runCommand, type SubscriptionTarget } from './commands.ts';

const KNOWN = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e01';
const UNKNOWN = '3f1c0e0a-9c1b-4a8e-8f5e-2b7a1d4c9e02';

function target(): SubscriptionTarget & { ids: Set<string> } {
  const ids = new Set<string>();
  return {
    ids,
    subscribeAll: () => {},
    unsubscribeAll: () => {},
    subscribe: (id) => void ids.add(id),
    unsubscribe: (id) => void ids.delete(id),
    endpointCount: () => ids.size,
  };
}

const exists = (id: string) => id === KNOWN;

describe('runCommand', () => {
  it('refuses a missing, malformed or unknown endpointId with the same acknowledgements as ever', () => {
    expect(runCommand('subscribe:endpoint', {}, target(), exists)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'endpointId is required: { "endpointId": "<uuid>" }' },
    });
    expect(runCommand('subscribe:endpoint', { endpointId: 'bad' }, target(), exists)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'endpointId must be a UUID, got "bad"' },
    });
    expect(runCommand('subscribe:endpoint', { endpointId: UNKNOWN }, target(), exists)).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: `Endpoint ${UNKNOWN} does not exist` },
    });
  });

  it('subscribes to a known endpoint, and lets an unknown one be unsubscribed from', () => {
    const client = target();
    expect(runCommand('subscribe:endpoint', { endpointId: KNOWN }, client, exists)).toEqual({ ok: true });
    expect([...client.ids]).toEqual([KNOWN]);
    expect(runCommand('unsubscribe:endpoint', { endpointId: UNKNOWN }, client, exists)).toEqual({ ok: true });
    expect(runCommand('unsubscribe:endpoint', { endpointId: KNOWN }, client, exists)).toEqual({ ok: true });
    expect(client.ids.size).toBe(0);
  });
});
