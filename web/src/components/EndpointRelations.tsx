import { For, Show, batch, createEffect, createMemo, createSignal, onCleanup } from 'solid-js';
import type { Endpoint } from '../../../server/contract/types.ts';
import { td } from '../i18n/dependency-messages.ts';
import { compareNames } from '../lib/compare-names.ts';
import { api } from '../services/api.ts';
import { endpoints, upsertEndpoint } from '../stores/endpoints.store.ts';
import { onSubscribed, subscribe, unsubscribe } from '../stores/subscription.store.ts';
import { StatusBadge, displayStatus } from './StatusBadge.tsx';

/** Children shown before "Show all". */
const CHILDREN_SHOWN = 8;
/** Related endpoints whose status is followed live (one subscription each; the server allows 1,000 a client). */
const LIVE_MAX = 50;
/** Acknowledgements arriving together read the relations once. */
const RELOAD_DELAY_MS = 250;

/**
 * The endpoint page's dependencies, live: the endpoint this one depends on and those depending on
 * it, each a link with its status. The page subscribes to each of them (besides the endpoint itself)
 * so their statuses follow; their endpoints are read again once a subscription is acknowledged. A
 * child moved to another parent (its `endpoint:updated`) drops out at once; a new child shows at
 * the next read (the page's reload). Returns `load` for the page's own reloads.
 */
export function useEndpointRelations(id: () => string) {
  const [childIds, setChildIds] = createSignal<string[]>([]);
  let reading = 0;

  const load = async () => {
    const request = ++reading;
    const self = id();
    const parentId = endpoints.byId[self]?.parentId ?? null;
    // Its children (?parentId=) and its parent: two reads, whatever the number of endpoints.
    const [children, parent] = await Promise.all([api.allEndpoints(self), parentId ? api.getEndpoint(parentId).catch(() => undefined) : undefined]);
    if (request !== reading) return;
    batch(() => {
      if (parent) upsertEndpoint(parent);
      for (const child of children) upsertEndpoint(child);
      setChildIds(children.map((e) => e.id));
    });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loadSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load().catch(() => {}), RELOAD_DELAY_MS);
  };

  // A new parent (an edit here or elsewhere) is subscribed to below, and read once that is acknowledged.
  const parentId = () => endpoints.byId[id()]?.parentId ?? null;

  /** Children still depending on it (one moved elsewhere leaves at once), by name. */
  const children = createMemo(() =>
    childIds()
      .map((c) => endpoints.byId[c])
      .filter((e): e is Endpoint => !!e && e.parentId === id())
      .sort((a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id)),
  );
  const parent = () => {
    const p = parentId();
    return p ? endpoints.byId[p] : undefined;
  };

  // One subscription per related endpoint, kept in step with who they are.
  const followed = new Map<string, () => void>();
  createEffect(() => {
    const wanted = new Set([parentId(), ...children().map((c) => c.id)].filter((x): x is string => !!x).slice(0, LIVE_MAX + 1));
    for (const [followedId, stop] of followed) {
      if (wanted.has(followedId)) continue;
      stop();
      unsubscribe(followedId);
      followed.delete(followedId);
    }
    for (const wantedId of wanted) {
      if (followed.has(wantedId)) continue;
      followed.set(wantedId, onSubscribed(wantedId, loadSoon));
      subscribe(wantedId);
    }
  });
  onCleanup(() => {
    reading++;
    clearTimeout(timer);
    for (const [followedId, stop] of followed) {
      stop();
      unsubscribe(followedId);
    }
    followed.clear();
  });

  return { load, parent, children };
}

/** "Depends on ● Database" and "Depending on this one ✖ API, ● Web…": links with live status badges; nothing when it has neither. */
export function EndpointRelations(props: { relations: ReturnType<typeof useEndpointRelations> }) {
  const [showAll, setShowAll] = createSignal(false);
  const children = () => props.relations.children();
  const shown = () => (showAll() ? children() : children().slice(0, CHILDREN_SHOWN));
  const link = (e: Endpoint) => (
    <a class="rel-link" href={`/endpoints/${e.id}`} data-endpoint-id={e.id}>
      <StatusBadge status={displayStatus(e)} />
      <span class="rel-name">{e.name}</span>
    </a>
  );
  return (
    <Show when={props.relations.parent() || children().length > 0}>
      <div class="ep-relations" data-testid="relations">
        <Show when={props.relations.parent()}>
          {(p) => (
            <p class="ep-relation ep-parent">
              <span class="ep-relation-label">{td('dep.ep.parent')}</span>
              {link(p())}
            </p>
          )}
        </Show>
        <Show when={children().length > 0}>
          <div class="ep-relation ep-children">
            <span class="ep-relation-label" id="ep-children-label">
              {td('dep.ep.children')} ({children().length})
            </span>
            <ul class="rel-list" aria-labelledby="ep-children-label">
              <For each={shown()}>{(c) => <li>{link(c)}</li>}</For>
            </ul>
            <Show when={!showAll() && children().length > CHILDREN_SHOWN}>
              <button type="button" class="rel-more" onClick={() => setShowAll(true)}>
                {td('dep.ep.showAll', { count: children().length })}
              </button>
            </Show>
          </div>
        </Show>
      </div>
    </Show>
  );
}
