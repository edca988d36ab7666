import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ownerOf } from './rendezvous.ts';

const ids = Array.from({ length: 30_000 }, () => randomUUID());
const countBy = (instances: string[]) => {
  const counts = new Map(instances.map((i) => [i, 0]));
  for (const id of ids) counts.set(ownerOf(id, instances), counts.get(ownerOf(id, instances))! + 1);
  return counts;
};

describe('rendezvous ownership', () => {
  it('gives the same answer whatever the order of the instances', () => {
    for (const id of ids.slice(0, 1000)) expect(ownerOf(id, ['a', 'b', 'c'])).toBe(ownerOf(id, ['c', 'a', 'b']));
  });

  it.each([[['vigil-1', 'vigil-2', 'vigil-3']], [['host-a-1f2e3d', 'host-b-9a8b7c']], [['a', 'b', 'c', 'd', 'e']]])(
    'spreads endpoints evenly over %j (each within 5 % of its share)',
    (instances) => {
      const share = ids.length / instances.length;
      for (const [instance, count] of countBy(instances)) expect(Math.abs(count - share) / share, instance).toBeLessThan(0.05);
    },
  );

  it('moves only the endpoints of an instance that leaves, and only a fair share to one that joins', () => {
    const three = ['a', 'b', 'c'];
    const moved = ids.filter((id) => ownerOf(id, three) !== ownerOf(id, ['a', 'c']));
    expect(moved.every((id) => ownerOf(id, three) === 'b')).toBe(true);
    const joined = ids.filter((id) => ownerOf(id, three) !== ownerOf(id, [...three, 'd']));
    expect(joined.every((id) => ownerOf(id, [...three, 'd']) === 'd')).toBe(true);
    expect(joined.length / ids.length).toBeGreaterThan(0.2);
    expect(joined.length / ids.length).toBeLessThan(0.3);
  });

  it('answers the only instance when there is one', () => {
    expect(ownerOf(ids[0]!, ['solo'])).toBe('solo');
  });
});
