import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../server/contract/types.ts';
import { groupByTag, limitGroups, orderIds } from '../web/src/lib/dashboard-order.ts';
import { sparklinePoints } from '../web/src/lib/sparkline.ts';
import { compareNames } from '../web/src/lib/compare-names.ts';

type Facts = Pick<Endpoint, 'status' | 'paused' | 'tags'>;
const e = (status: Endpoint['status'], tags: string[] = [], paused = false): Facts => ({ status, paused, tags });

// Ids in name order, as the store keeps them.
const byId: Record<string, Facts> = {
  a: e('UP', ['shop', 'eu']),
  b: e('DOWN', ['shop']),
  c: e('DOWN', [], true),
  d: e('DEGRADED'),
  e: e('PENDING', ['shop', 'shop']),
  f: e('DOWN', ['eu']),
};
const ids = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('the dashboard order', () => {
  it.each([
    ['name', ['a', 'b', 'c', 'd', 'e', 'f']],
    // DOWN, DEGRADED, PENDING, UP, then paused (whatever its last status); by name within each.
    ['problems', ['b', 'f', 'd', 'e', 'a', 'c']],
  ] as const)('orders by %s', (order, expected) => {
    expect(orderIds(ids, byId, order)).toEqual(expected);
  });

  it('groups by tag alphabetically, the untagged last, an endpoint with two tags in both (once each)', () => {
    expect(groupByTag(orderIds(ids, byId, 'problems'), byId)).toEqual([
      { tag: 'eu', ids: ['f', 'a'] },
      { tag: 'shop', ids: ['b', 'e', 'a'] },
      { tag: null, ids: ['d', 'c'] },
    ]);
  });

  it.each([
    [0, []],
    [2, [['eu', ['f', 'a']]]],
    [
      3,
      [
        ['eu', ['f', 'a']],
        ['shop', ['b']],
      ],
    ],
    [
      99,
      [
        ['eu', ['f', 'a']],
        ['shop', ['b', 'e', 'a']],
        [null, ['d', 'c']],
      ],
    ],
  ] as const)('shows the first %i items over the groups while cards are being created', (budget, expected) => {
    const limited = limitGroups(groupByTag(orderIds(ids, byId, 'problems'), byId), budget);
    expect(limited.map((g) => [g.tag, g.ids])).toEqual(expected);
  });
});

describe('names', () => {
  it('sort as a person reads them: numbers by value, case aside', () => {
    expect(['Burst 10', 'burst 2', 'Burst 1', 'API', 'Burst 11'].sort(compareNames)).toEqual(['API', 'Burst 1', 'burst 2', 'Burst 10', 'Burst 11']);
  });
});

describe('the sparkline', () => {
  it.each([
    [[], ''],
    [[50], '0,1.5 60,1.5'],
    [[10, 20], '0,10.0 60,1.5'],
    [[0, 100, 50], '0,18.5 30,1.5 60,10.0'],
  ])('draws %j as "%s" (0 at the bottom, the slowest at the top)', (times, points) => {
    expect(sparklinePoints(times.map((responseTime) => ({ responseTime })))).toBe(points);
  });
});
