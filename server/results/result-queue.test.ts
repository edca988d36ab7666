import { describe, expect, it } from 'vitest';
import { pendingWrite, type TestWrite, type WriteKind } from '../../test/support/pending-writes.ts';
import type { PendingWrite } from './pending-write.ts';
import { ResultQueue } from './result-queue.ts';

const result = (endpointId: string, kind?: WriteKind) => pendingWrite(endpointId, kind);

function queueOf(...writes: PendingWrite[]): ResultQueue {
  const queue = new ResultQueue();
  for (const w of writes) queue.push(w);
  return queue;
}

const labels = (writes: Iterable<PendingWrite>) => [...writes].map((w) => (w as TestWrite).label);

describe('the result queue', () => {
  it('hands out batches oldest first and puts a failed batch back in front, in order', () => {
    const [a1, b1, a2, b2, a3] = [result('a'), result('b'), result('a'), result('b'), result('a')];
    const queue = queueOf(a1!, b1!, a2!, b2!, a3!);
    expect(labels(queue.takeBatch(2))).toEqual(['a:plain', 'b:plain']);
    expect(queue.size).toBe(5);
    queue.batchFailed();
    expect(labels(queue.all())).toEqual(labels([a1!, b1!, a2!, b2!, a3!]));
    expect(queue.takeBatch(3)).toEqual([a1, b1, a2]);
    expect([...queue.all()]).toEqual([a1, b1, a2, b2, a3]);
    queue.batchWritten();
    expect([...queue.all()]).toEqual([b2, a3]);
  });

  it('counts the results each endpoint has waiting until each is forgotten', () => {
    const [a1, a2, b1] = [result('a'), result('a'), result('b')];
    const queue = queueOf(a1!, a2!, b1!);
    queue.takeBatch(3);
    queue.batchWritten();
    expect(queue.hasPending('a') && queue.hasPending('b')).toBe(true);
    queue.forget(a1!);
    expect(queue.hasPending('a')).toBe(true);
    queue.forget(a2!);
    queue.forget(b1!);
    expect(queue.hasPending('a') || queue.hasPending('b')).toBe(false);
  });
});

describe('the overflow rule: the oldest plain result of an endpoint that has a newer one waiting goes', () => {
  it('drops the oldest plain result whose endpoint has a newer result waiting', () => {
    const queue = queueOf(result('a', 'status-changed'), result('b'), result('a'), result('b'), result('a'));
    const dropped = queue.dropOnePlain();
    expect(labels([dropped!])).toEqual(['b:plain']);
    expect(queue.size).toBe(4);
    expect(labels(queue.all())).toEqual(['a:status-changed', 'a:plain', 'b:plain', 'a:plain']);
    expect(queue.hasPending('b')).toBe(true);
  });

  it('never drops an endpoint’s newest result', () => {
    const queue = queueOf(result('a'), result('b'), result('c'));
    expect(queue.dropOnePlain()).toBeUndefined();
    expect(queue.size).toBe(3);
  });

  it('never drops a status change, an incident opened or an incident resolved; a continued incident is plain', () => {
    const kept = queueOf(result('a', 'status-changed'), result('a', 'opened'), result('a', 'resolved'), result('a'));
    expect(kept.dropOnePlain()).toBeUndefined();
    const continued = queueOf(result('a', 'opened'), result('a', 'continued'), result('a', 'continued'));
    expect(labels([continued.dropOnePlain()!])).toEqual(['a:continued']);
    expect(labels(continued.all())).toEqual(['a:opened', 'a:continued']);
  });

  it('never drops from the batch in flight, and counts it as older', () => {
    const queue = queueOf(result('a'), result('a'), result('b'));
    queue.takeBatch(1);
    // a's in-flight result is older than the waiting one: that one is a's newest, so it stays.
    expect(queue.dropOnePlain()).toBeUndefined();
    queue.push(result('a'));
    expect(labels([queue.dropOnePlain()!])).toEqual(['a:plain']);
    expect(queue.size).toBe(3);
  });

  it('forgets what it drops', () => {
    const [a1, a2] = [result('a'), result('a')];
    const queue = queueOf(a1!, a2!);
    expect(queue.dropOnePlain()).toBe(a1);
    queue.takeBatch(1);
    queue.batchWritten();
    queue.forget(a2!);
    expect(queue.hasPending('a')).toBe(false);
  });
});
