import type { Endpoint, EndpointStatus } from '../../../server/contract/types.ts';
import { compareNames } from './compare-names.ts';

/**
 * Worst first: what needs a person comes to the top; those in a maintenance window (being worked on,
 * on purpose) after the healthy ones, and paused endpoints, asleep on purpose, last.
 */
export const SEVERITY: Record<EndpointStatus | 'PAUSED', number> = { DOWN: 0, DEGRADED: 1, PENDING: 2, UP: 3, MAINTENANCE: 4, PAUSED: 5 };

export const DASHBOARD_ORDERS = ['name', 'problems'] as const;
export type DashboardOrder = (typeof DASHBOARD_ORDERS)[number];
export const DASHBOARD_GROUPS = ['none', 'tag'] as const;
export type DashboardGroup = (typeof DASHBOARD_GROUPS)[number];
export const DASHBOARD_VIEWS = ['cards', 'compact'] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

type Facts = Pick<Endpoint, 'status' | 'paused' | 'tags'>;

/**
 * `ids` (in name order) in the chosen order; "problems" keeps name order within each status.
 * @example orderIds(['a', 'b'], { a: up, b: down }, 'problems') // ['b', 'a']
 */
export function orderIds(ids: readonly string[], byId: Record<string, Facts | undefined>, order: DashboardOrder): readonly string[] {
  if (order === 'name') return ids;
  // displayStatus's rule, inline: this module stays free of components (and testable in Node).
  const rank = (id: string) => {
    const e = byId[id];
    return !e || e.paused ? SEVERITY.PAUSED : SEVERITY[e.status];
  };
  const ranks = new Map(ids.map((id) => [id, rank(id)]));
  return [...ids].sort((a, b) => ranks.get(a)! - ranks.get(b)!);
}

export interface TagGroup {
  /** null: the endpoints without a tag. */
  tag: string | null;
  ids: string[];
}

/**
 * One group per tag, tags in alphabetical order and the untagged last; an endpoint with two tags
 * is in both groups. Within a group, the order of `ids`.
 */
export function groupByTag(ids: readonly string[], byId: Record<string, Facts | undefined>): TagGroup[] {
  const groups = new Map<string, string[]>();
  const untagged: string[] = [];
  for (const id of ids) {
    const tags = byId[id]?.tags ?? [];
    if (tags.length === 0) untagged.push(id);
    for (const tag of new Set(tags)) {
      let list = groups.get(tag);
      if (!list) groups.set(tag, (list = []));
      list.push(id);
    }
  }
  const result: TagGroup[] = [...groups.keys()].sort(compareNames).map((tag) => ({ tag, ids: groups.get(tag)! }));
  if (untagged.length) result.push({ tag: null, ids: untagged });
  return result;
}

/** The first `budget` items over the groups, in order (the rest are created on later frames). */
export function limitGroups(groups: TagGroup[], budget: number): TagGroup[] {
  const limited: TagGroup[] = [];
  for (const group of groups) {
    if (budget <= 0) break;
    limited.push(group.ids.length <= budget ? group : { tag: group.tag, ids: group.ids.slice(0, budget) });
    budget -= group.ids.length;
  }
  return limited;
}
