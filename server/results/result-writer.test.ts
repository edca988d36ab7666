import { describe, expect, it } from 'vitest';
import { ManualClock, settle } from '../../test/support/manual-clock.ts';
import { endpointRow, pendingWrite, type TestWrite, type WriteKind } from '../../test/support/pending-writes.ts';
import type { ServerEventName } from '../contract/events.ts';
import { EventBus } from '../events/bus.ts';
import { MonitorRegistry } from '../state/monitor-registry.ts';
import type { BatchStore } from './database-store.ts';
import type { PendingWrite } from './pending-write.ts';
import { nextRetryDelay, ResultWriter, type ResultWriterOptions, type WriteFailure } from './result-writer.ts';

/** A store that takes batches as told: at once, held until released, or failing with a given error. */
class TestStore implements BatchStore {
  readonly stats = { batches: 0, written: 0, lastBatchSize: 0 };
  /** Every attempt, as the labels of its results. */
  readonly attempts: string[][] = [];
  /** Thrown by the coming attempts (a function: by the attempt it is given the number of). */
  failWith: unknown = null;
  private gate: Promise<void> | null = null;
  private open: () => void = () => {};

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = null;
    this.open();
  }

  async write(batch: PendingWrite[]): Promise<void> {
    this.attempts.push(batch.map((w) => (w as TestWrite).label));
    if (this.gate) await this.gate;
    const error = typeof this.failWith === 'function' ? this.failWith(this.attempts.length) : this.failWith;
    if (error) throw error;
    this.stats.batches++;
    this.stats.written += batch.length;
    this.stats.lastBatchSize = batch.length;
  }
}

const ENDPOINTS = ['a', 'b', 'c'];
const databaseAway = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const foreignKeyViolation = () => Object.assign(new Error('insert or update on table "check_results" violates foreign key constraint'), { code: '23503' });

function setup(options: Partial<ResultWriterOptions> = {}) {
  const clock = new ManualClock();
  const store = new TestStore();
  const bus = new EventBus((error) => {
    throw error;
  });
  const registry = new MonitorRegistry();
  for (const id of ENDPOINTS) registry.add(endpointRow(id));
  const heard: string[] = [];
  bus.onAny((event: ServerEventName, data) => heard.push(`${'endpointId' in data ? data.endpointId : ''}:${event}`));
  const failures: WriteFailure[] = [];
  const recoveries: { written: number; downForMs: number }[] = [];
  const writer = new ResultWriter({
    store,
    bus,
    registry,
    batchSize: 100,
    // The tests below are about what one turn of the event loop records; gathering has its own.
    gatherMs: 0,
    clock,
    onFailure: (failure) => failures.push(failure),
    onRecovered: (recovery) => recoveries.push(recovery),
    ...options,
  });
  const record = (endpointId: string, kind?: WriteKind) => {
    const write = pendingWrite(endpointId, kind);
    writer.enqueue(write);
    return write;
  };
  return { clock, store, registry, writer, heard, failures, recoveries, record };
}

describe('group commit', () => {
  it('writes the results of one turn together, at most WRITE_BATCH_SIZE per batch, in order', async () => {
    const { store, writer, record } = setup({ batchSize: 3 });
    for (let i = 0; i < 7; i++) record(ENDPOINTS[i % 3]!);
    expect(store.attempts).toEqual([]);
    await writer.drain();
    expect(store.attempts.map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(store.attempts.flat()).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a'].map((id) => `${id}:plain`));
    expect(writer.stats).toMatchObject({ batches: 3, written: 7, lastBatchSize: 1, retries: 0 });
    expect(writer.pending).toBe(0);
  });

  it('queues the results recorded while a batch is written, and writes them together next', async () => {
    const { store, writer, record } = setup();
    store.hold();
    record('a');
    await settle();
    expect(store.attempts).toEqual([['a:plain']]);
    record('b');
    record('c', 'status-changed');
    record('a');
    expect(writer.pending).toBe(4);
    expect(writer.hasPending('b') && writer.hasPending('a')).toBe(true);
    store.release();
    await writer.drain();
    expect(store.attempts).toEqual([['a:plain'], ['b:plain', 'c:status-changed', 'a:plain']]);
    expect(writer.hasPending('a') || writer.hasPending('b') || writer.hasPending('c')).toBe(false);
  });

  it('announces each result once it is committed, in order, and answers its caller with the check', async () => {
    const { store, writer, heard, record } = setup();
    store.hold();
    const first = record('a', 'opened');
    const second = record('b');
    await settle();
    expect(heard).toEqual([]);
    expect(first.settled).toEqual([]);
    store.release();
    await writer.drain();
    expect(heard).toEqual(['a:check:completed', 'a:endpoint:status-changed', 'a:incident:started', 'b:check:completed']);
    expect(first.settled).toEqual([first.check]);
    expect(second.settled).toEqual([second.check]);
    expect(writer.stats.publishedBeforeWrite).toBe(0);
  });

  it('settles a result of an endpoint deleted meanwhile with null and never announces it', async () => {
    const { store, registry, writer, heard, record } = setup();
    store.hold();
    const gone = record('a');
    record('b');
    await settle();
    registry.remove('a');
    store.release();
    await writer.drain();
    expect(gone.settled).toEqual([null]);
    expect(heard).toEqual(['b:check:completed']);
  });
});

describe('gathering a batch (gatherMs)', () => {
  /** Results are coming: one was just recorded and written, so the next ones gather. */
  async function busy({ clock, store, heard, record }: ReturnType<typeof setup>) {
    record('a');
    await clock.advance(0);
    expect(store.attempts).toEqual([['a:plain']]);
    store.attempts.length = 0;
    heard.length = 0;
  }

  it('writes a result after a quiet spell at once: nothing else is coming (a small install, a lone check now)', async () => {
    const { clock, store, writer, heard, record } = setup({ gatherMs: 50 });
    record('a');
    await clock.advance(0);
    expect(store.attempts).toEqual([['a:plain']]);
    expect(heard).toEqual(['a:check:completed']);
    await clock.advance(51);
    record('b');
    await clock.advance(0);
    expect(store.attempts).toEqual([['a:plain'], ['b:plain']]);
    expect(await writer.drain()).toBe(true);
  });

  it('lets the results recorded within gatherMs of the first join its batch, then writes them in one', async () => {
    const env = setup({ gatherMs: 20 });
    const { clock, store, writer, heard, record } = env;
    await busy(env);
    record('a');
    await clock.advance(10);
    record('b');
    await clock.advance(9);
    expect(store.attempts).toEqual([]);
    expect(heard).toEqual([]);
    await clock.advance(1);
    await writer.drain();
    expect(store.attempts).toEqual([['a:plain', 'b:plain']]);
    expect(heard).toEqual(['a:check:completed', 'b:check:completed']);
  });

  it('ends the gathering once gatherResults wait', async () => {
    const env = setup({ gatherMs: 50, gatherResults: 3 });
    const { clock, store, writer, record } = env;
    await busy(env);
    record('a');
    await clock.advance(5);
    record('b');
    await clock.advance(5);
    expect(store.attempts).toEqual([]);
    record('c');
    await clock.advance(0);
    expect(store.attempts).toEqual([['a:plain', 'b:plain', 'c:plain']]);
    expect(await writer.drain()).toBe(true);
  });

  it('writes a full batch at once, and what stays behind it next without waiting again', async () => {
    const env = setup({ gatherMs: 20, batchSize: 2 });
    const { clock, store, writer, record } = env;
    await busy(env);
    record('a');
    await clock.advance(5);
    expect(store.attempts).toEqual([]);
    record('b');
    record('c');
    await clock.advance(0);
    expect(store.attempts).toEqual([['a:plain', 'b:plain'], ['c:plain']]);
    expect(await writer.drain()).toBe(true);
  });

  it('counts the wait of a result recorded during a write from its own arrival', async () => {
    const env = setup({ gatherMs: 20 });
    const { clock, store, writer, record } = env;
    await busy(env);
    store.hold();
    record('a');
    await clock.advance(20);
    expect(store.attempts).toEqual([['a:plain']]);
    record('b');
    store.release();
    await clock.advance(19);
    expect(store.attempts).toEqual([['a:plain']]);
    await clock.advance(1);
    expect(store.attempts).toEqual([['a:plain'], ['b:plain']]);
    expect(await writer.drain()).toBe(true);
  });

  it('does not gather while the database is away: a retry goes as soon as its backoff ends', async () => {
    const env = setup({ gatherMs: 20 });
    const { clock, store, writer, record } = env;
    await busy(env);
    store.failWith = databaseAway();
    record('a');
    await clock.advance(20);
    expect(store.attempts).toEqual([['a:plain']]);
    store.failWith = null;
    record('b');
    await clock.advance(100);
    expect(store.attempts).toEqual([['a:plain'], ['a:plain', 'b:plain']]);
    expect(await writer.drain()).toBe(true);
  });
});

describe('a slow database: events go out anyway after 750 ms', () => {
  it('publishes a batch not committed within 750 ms, and every result recorded until the queue has caught up', async () => {
    const { clock, store, writer, heard, record } = setup();
    store.hold();
    const slow = record('a', 'status-changed');
    await settle();
    await clock.advance(749);
    expect(heard).toEqual([]);
    await clock.advance(1);
    expect(heard).toEqual(['a:check:completed', 'a:endpoint:status-changed']);
    expect(slow.settled).toEqual([slow.check]);
    // Recorded while the batch is still not committed: announced at once.
    const meanwhile = record('b');
    expect(heard.at(-1)).toBe('b:check:completed');
    expect(meanwhile.settled).toEqual([meanwhile.check]);
    expect(writer.stats.publishedBeforeWrite).toBe(2);

    store.release();
    await writer.drain();
    // Written later, announced once.
    expect(heard).toEqual(['a:check:completed', 'a:endpoint:status-changed', 'b:check:completed']);
    expect(store.attempts).toEqual([['a:status-changed'], ['b:plain']]);
    expect(writer.failing).toBe(false);

    // Caught up: back to announcing after the commit.
    store.hold();
    record('c');
    await settle();
    expect(heard).toHaveLength(3);
    store.release();
    await writer.drain();
    expect(heard.at(-1)).toBe('c:check:completed');
    expect(writer.stats.publishedBeforeWrite).toBe(2);
  });

  it('publishes nothing early when the batch commits within 750 ms', async () => {
    const { clock, store, writer, heard, record } = setup();
    store.hold();
    record('a');
    await settle();
    await clock.advance(700);
    store.release();
    await writer.drain();
    await clock.advance(1000);
    expect(heard).toEqual(['a:check:completed']);
    expect(writer.stats.publishedBeforeWrite).toBe(0);
    expect(clock.armed).toEqual([]);
  });

  it('counts an attempt that does not answer within the write timeout as failed', async () => {
    const { clock, store, writer, failures, record } = setup({ writeTimeoutMs: 30_000 });
    store.hold();
    record('a');
    await settle();
    await clock.advance(29_999);
    expect(failures).toEqual([]);
    await clock.advance(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ databaseAway: true, waiting: 1, retryInMs: 100 });
    expect((failures[0]!.error as { code: string }).code).toBe('STATEMENT_TIMEOUT');
    expect(writer.stats.lastError).toContain('writing check results took longer than 30000 ms');
  });
});

describe('the database is away: retried with backoff', () => {
  it('waits 100 ms after a failure, doubling to 5 s; announces at once meanwhile; says so once it writes again', async () => {
    const { clock, store, writer, heard, failures, recoveries, record } = setup();
    store.failWith = databaseAway();
    const waiting = record('a', 'opened');
    await settle();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ databaseAway: true, waiting: 1, retryInMs: 100 });
    expect(writer.failing).toBe(true);
    expect(writer.stats.lastFailureAt).toBe(clock.now());
    expect(writer.stats.lastError).toContain('ECONNREFUSED');
    expect(heard).toEqual(['a:check:completed', 'a:endpoint:status-changed', 'a:incident:started']);
    expect(waiting.settled).toEqual([waiting.check]);

    const delays = [100];
    for (const expected of [200, 400, 800, 1600, 3200, 5000, 5000]) {
      await clock.advance(delays.at(-1)! - 1);
      expect(store.attempts).toHaveLength(delays.length);
      await clock.advance(1);
      expect(store.attempts).toHaveLength(delays.length + 1);
      expect(failures.at(-1)!.retryInMs).toBe(expected);
      delays.push(expected);
    }
    expect(writer.stats.retries).toBe(8);
    expect(writer.pending).toBe(1);

    store.failWith = null;
    await clock.advance(5000);
    await writer.drain();
    expect(writer.failing).toBe(false);
    expect(recoveries).toEqual([{ written: 1, downForMs: delays.reduce((sum, d) => sum + d, 0) }]);
    expect(writer.stats.lastWriteAt).toBe(clock.now());
    // Announced once, when it was recorded.
    expect(heard).toHaveLength(3);
    expect(waiting.settled).toHaveLength(1);

    // A new failure starts again at 100 ms.
    store.failWith = databaseAway();
    record('b');
    await settle();
    expect(failures.at(-1)!.retryInMs).toBe(100);
  });

  it('keeps the order: a failed batch goes back in front of the results queued behind it', async () => {
    const { clock, store, writer, record } = setup({ batchSize: 2 });
    store.failWith = databaseAway();
    for (const id of ['a', 'b', 'c']) record(id);
    await settle();
    record('a', 'status-changed');
    store.failWith = null;
    await clock.advance(100);
    await writer.drain();
    expect(store.attempts).toEqual([
      ['a:plain', 'b:plain'],
      ['a:plain', 'b:plain'],
      ['c:plain', 'a:status-changed'],
    ]);
  });

  it('retries at once, up to three times, a batch refused because an endpoint was deleted meanwhile', async () => {
    const { store, writer, failures, record } = setup();
    store.failWith = (attempt: number) => (attempt <= 3 ? foreignKeyViolation() : null);
    record('a');
    await writer.drain();
    expect(store.attempts).toHaveLength(4);
    expect(failures).toEqual([]);
    expect(writer.stats.retries).toBe(3);

    store.attempts.length = 0;
    store.failWith = foreignKeyViolation();
    record('b');
    await settle();
    expect(store.attempts).toHaveLength(4);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ retryInMs: 100 });
  });

  it('nextRetryDelay: 100 ms, then twice the last, at most 5 s', () => {
    const delays = [nextRetryDelay(0)];
    while (delays.length < 9) delays.push(nextRetryDelay(delays.at(-1)!));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });
});

describe('the queue is full (RESULT_QUEUE_LIMIT)', () => {
  it('drops the oldest plain result of an endpoint that has a newer one waiting, announces it and counts it', async () => {
    const { store, writer, heard, record } = setup({ queueLimit: 3 });
    store.failWith = databaseAway();
    record('a', 'status-changed');
    await settle();
    heard.length = 0;
    const older = record('a');
    record('b');
    expect(writer.stats.dropped).toBe(0);
    const newer = record('a');
    expect(writer.stats.dropped).toBe(1);
    expect(writer.pending).toBe(3);
    expect(older.settled).toEqual([older.check]);
    expect(heard).toEqual(['a:check:completed', 'b:check:completed', 'a:check:completed']);
    expect(writer.hasPending('a')).toBe(true);

    // Nothing plain with a newer result left: the queue grows past the limit rather than lose a change.
    record('c', 'opened');
    expect(writer.stats.dropped).toBe(1);
    expect(writer.pending).toBe(4);
    void newer;
  });
});

describe('shutdown', () => {
  it('drain answers false once its timeout passed with results still waiting; a sealed writer answers null', async () => {
    const { clock, store, writer, record } = setup();
    store.hold();
    record('a');
    await settle();
    const drained = writer.drain(2000);
    await clock.advance(1999);
    let answer: boolean | undefined;
    void drained.then((value) => (answer = value));
    await settle();
    expect(answer).toBeUndefined();
    await clock.advance(1);
    expect(await drained).toBe(false);

    writer.seal();
    expect(writer.accepting).toBe(false);
    const late = record('b');
    expect(late.settled).toEqual([null]);
    store.release();
    expect(await writer.drain()).toBe(true);
  });
});
