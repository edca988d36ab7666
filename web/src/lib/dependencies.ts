import type { Endpoint, EndpointStatus, MonitorType } from '../../../server/contract/types.ts';
import { compareNames } from './compare-names.ts';

/** What the parent pickers and lists need of an endpoint. */
export type Related = Pick<Endpoint, 'id' | 'name' | 'url' | 'parentId'> & { type?: MonitorType };

/** A parent in these statuses takes the blame for its children's incidents (docs/dependencies.md). */
export const isParentDown = (status: EndpointStatus | undefined) => status === 'DOWN' || status === 'MAINTENANCE';

/**
 * `id` and every endpoint that depends on it, directly or further down: none of them may become its
 * parent (the server would refuse it as a loop).
 */
export function selfAndDescendants(id: string, endpoints: readonly Pick<Related, 'id' | 'parentId'>[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const e of endpoints) {
    if (!e.parentId) continue;
    let list = children.get(e.parentId);
    if (!list) children.set(e.parentId, (list = []));
    list.push(e.id);
  }
  const out = new Set<string>([id]);
  const stack = [id];
  while (stack.length) {
    for (const child of children.get(stack.pop()!) ?? []) {
      if (out.has(child)) continue;
      out.add(child);
      stack.push(child);
    }
  }
  return out;
}

/**
 * The endpoints `id` may depend on (all but itself and its descendants; `id` null: a new endpoint,
 * any), by name (then address), narrowed by a search over name and address.
 */
export function parentChoices<T extends Related>(endpoints: readonly T[], id: string | null, search: string): T[] {
  const excluded = id ? selfAndDescendants(id, endpoints) : new Set<string>();
  const needle = search.trim().toLowerCase();
  return endpoints
    .filter((e) => !excluded.has(e.id) && (!needle || e.name.toLowerCase().includes(needle) || addressHint(e).toLowerCase().includes(needle)))
    .sort((a, b) => compareNames(a.name, b.name) || addressHint(a).localeCompare(addressHint(b)) || a.id.localeCompare(b.id));
}

/**
 * A short address that tells endpoints of the same name apart: host and path of a URL without its
 * scheme, user info and query (which may hold secrets); a push endpoint's URL is its secret token,
 * so nothing.
 */
export function addressHint(e: Pick<Related, 'url' | 'type'>): string {
  if (e.type === 'push' || e.url.startsWith('push:')) return '';
  const match = /^([a-z][a-z0-9+.-]*:)(\/\/)?(?:[^/?#@]*@)?([^?#]*)/i.exec(e.url);
  if (!match) return e.url;
  const [, scheme, slashes = '', rest] = match;
  return /^https?:$/i.test(scheme!) ? rest! : `${scheme!.toLowerCase()}${slashes}${rest}`;
}
