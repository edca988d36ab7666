import { describe, expect, it } from 'vitest';
import { RecheckedCache } from './rechecked-cache.ts';

interface Held {
  user: { id: string };
  seen: number;
}

const held = (userId: string, seen = 0): Held => ({ user: { id: userId }, seen });

describe('RecheckedCache', () => {
  it('trusts memory for recheckMs, then reads again', async () => {
    const cache = new RecheckedCache<Held>({ recheckMs: 100, capacity: 10 });
    let reads = 0;
    const read = async () => {
      reads++;
      return held('u1', reads);
    };
    expect((await cache.get('a', 0, read))?.seen).toBe(1);
    expect((await cache.get('a', 99, read))?.seen).toBe(1);
    expect((await cache.get('a', 100, read))?.seen).toBe(2);
    expect(reads).toBe(2);
  });

  it('answers what it held while the read throws, and throws for what it never held', async () => {
    const cache = new RecheckedCache<Held>({ recheckMs: 10, capacity: 10 });
    await cache.get('a', 0, async () => held('u1', 7));
    const down = async (): Promise<Held | null> => {
      throw new Error('database away');
    };
    expect((await cache.get('a', 1_000, down))?.seen).toBe(7);
    await expect(cache.get('b', 1_000, down)).rejects.toThrow('database away');
  });

  it('forgets an entry the database no longer has', async () => {
    const cache = new RecheckedCache<Held>({ recheckMs: 10, capacity: 10 });
    await cache.get('a', 0, async () => held('u1'));
    expect(await cache.get('a', 20, async () => null)).toBeNull();
    // Nothing held now: an outage does not bring it back.
    await expect(
      cache.get('a', 21, async () => {
        throw new Error('away');
      }),
    ).rejects.toThrow('away');
  });

  it('carries what memory knows better into a fresh read', async () => {
    const cache = new RecheckedCache<Held>({ recheckMs: 10, capacity: 10 });
    await cache.get('a', 0, async () => held('u1', 50));
    const fresh = await cache.get(
      'a',
      20,
      async () => held('u1', 5),
      (next, before) => {
        next.seen = Math.max(next.seen, before.seen);
      },
    );
    expect(fresh?.seen).toBe(50);
  });

  it('forgets a person but the entry kept, and holds at most capacity entries', async () => {
    const cache = new RecheckedCache<Held>({ recheckMs: 1_000, capacity: 2 });
    let reads = 0;
    const read = (userId: string) => async () => {
      reads++;
      return held(userId);
    };
    await cache.get('a', 0, read('u1'));
    await cache.get('b', 0, read('u1'));
    cache.forgetUser('u1', 'b');
    await cache.get('b', 1, read('u1'));
    expect(reads).toBe(2);
    await cache.get('a', 1, read('u1'));
    expect(reads).toBe(3);
    // Capacity 2: a third key pushes out the one checked longest ago ('b').
    await cache.get('c', 2, read('u2'));
    await cache.get('a', 3, read('u1'));
    expect(reads).toBe(4);
    await cache.get('b', 3, read('u1'));
    expect(reads).toBe(5);
  });
});
