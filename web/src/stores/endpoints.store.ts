import { createMemo, createRoot, createSignal, type Accessor } from 'solid-js';
import { createStore, produce, reconcile, unwrap } from 'solid-js/store';
import type { ServerEvents } from '../../../server/contract/events.ts';
import type { CheckStatus, Endpoint } from '../../../server/contract/types.ts';
import { isNewer, lastFieldsOf, withNewerLiveFacts } from '../lib/newest-check.ts';
import { api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { applyUptime24h } from './uptime24h.store.ts';
import { compareNames } from '../lib/compare-names.ts';

/** How many recent checks each card's strip shows. */
export const STRIP_LENGTH = 20;

export interface StripItem {
  status: CheckStatus;
  responseTime: number;
  checkedAt: string;
  /** Made in a maintenance window: drawn apart, left out of uptime. */
  maintenance: boolean;
}

interface EndpointsState {
  byId: Record<string, Endpoint>;
  /** Ids sorted by name: the order of the dashboard grid. */
  ids: string[];
  /** Open incident id per endpoint id. */
  openIncidents: Record<string, string>;
  loaded: boolean;
  error: string | null;
}

/**
 * Every endpoint the page knows, keyed by id. Socket events write only the fields they carry,
 * so one check re-renders one card's changed text and nothing else.
 */
const [state, setState] = createStore<EndpointsState>({ byId: {}, ids: [], openIncidents: {}, loaded: false, error: null });

export const endpoints = state;

/**
 * Each card's recent checks, oldest first. Plain arrays outside the store, each with one signal
 * that says "changed": 40,000 squares behind store proxies cost most of the page's memory and
 * a tenth of its time under load.
 */
interface Strip {
  items: StripItem[];
  changed: Accessor<number>;
  touch: () => void;
}
const strips = new Map<string, Strip>();

function stripOf(endpointId: string): Strip {
  let strip = strips.get(endpointId);
  if (!strip) {
    const [changed, setChanged] = createSignal(0);
    strip = { items: [], changed, touch: () => setChanged((n) => n + 1) };
    strips.set(endpointId, strip);
  }
  return strip;
}

/** The recent checks of one endpoint (reactive: re-read when a check arrives). Do not mutate. */
export function stripItems(endpointId: string): readonly StripItem[] {
  const strip = stripOf(endpointId);
  strip.changed();
  return strip.items;
}

/**
 * Bumped whenever an endpoint's status or paused flag, or the set of endpoints, may have changed:
 * the counts are then taken from the raw data (2,000 plain reads instead of 4,000 proxy reads).
 */
const [statusVersion, setStatusVersion] = createSignal(0);
const statusesChanged = () => setStatusVersion((n) => n + 1);

const byName = (a: Endpoint, b: Endpoint) => compareNames(a.name, b.name) || a.id.localeCompare(b.id);

function sortedIds(byId: Record<string, Endpoint>) {
  return Object.values(byId)
    .sort(byName)
    .map((e) => e.id);
}

type CheckCompleted = ServerEvents['check:completed'];

/**
 * Checks heard for endpoints the store does not hold yet (the page's first load or the endpoint's
 * own fetch is still on its way): replayed once it arrives, so that a snapshot read before them
 * does not hide them. A snapshot is at most a few checks behind, so the newest few per endpoint
 * are enough; pages that never load endpoints (incidents) keep no more than that either.
 */
const unplaced = new Map<string, CheckCompleted[]>();
const UNPLACED_PER_ENDPOINT = 5;

function rememberUnplaced(e: CheckCompleted) {
  let list = unplaced.get(e.endpointId);
  if (!list) unplaced.set(e.endpointId, (list = []));
  if (list.push(e) > UNPLACED_PER_ENDPOINT) list.shift();
}

function replayUnplaced(endpointId: string) {
  const list = unplaced.get(endpointId);
  if (!list) return;
  unplaced.delete(endpointId);
  for (const e of list) applyCheck(e);
}

/** The single load in progress, and the one queued behind it. */
let loading: Promise<void> | null = null;
/**
 * Endpoints the store gained or lost while a load was on its way (an event, the form's answer):
 * the load's list may have been read before, and must neither drop the one nor bring back the other.
 */
const addedDuringLoad = new Set<string>();
const removedDuringLoad = new Set<string>();
let queued: Promise<void> | null = null;

/**
 * Loads (or re-syncs) every endpoint, its recent checks and the open incidents from REST. A call
 * while a load is on its way gets a fresh one after it: the one on its way may have read the
 * server before what made the caller ask (say, a subscription that has just been acknowledged).
 */
export function loadEndpoints(): Promise<void> {
  if (loading) {
    const ignoreOutcome = () => {};
    queued ??= loading.then(ignoreOutcome, ignoreOutcome).then(() => {
      queued = null;
      return loadEndpoints();
    });
    return queued;
  }
  loading = (async () => {
    addedDuringLoad.clear();
    removedDuringLoad.clear();
    try {
      const [list, recent, open] = await Promise.all([api.allEndpoints(), api.recentChecks(STRIP_LENGTH), api.incidents({ status: 'open', limit: 500 })]);
      const byId: Record<string, Endpoint> = {};
      for (const e of list) byId[e.id] = withNewerLiveFacts(e, state.byId[e.id]);
      for (const id of addedDuringLoad) if (!(id in byId) && state.byId[id]) byId[id] = unwrap(state.byId[id]!);
      for (const id of removedDuringLoad) delete byId[id];
      const openIncidents: Record<string, string> = {};
      for (const incident of open.items) openIncidents[incident.endpointId] = incident.id;
      setState('byId', reconcile(byId));
      for (const e of list) {
        if (!(e.id in byId)) continue;
        const strip = stripOf(e.id);
        const merged = mergeStrip((recent.items[e.id] ?? []).slice().reverse(), strip.items);
        // Keep the live array when it already ends with the same check: nothing to redraw.
        if (strip.items.at(-1)?.checkedAt !== merged.at(-1)?.checkedAt || strip.items.length !== merged.length) {
          strip.items = merged;
          strip.touch();
        }
      }
      setState('openIncidents', reconcile(openIncidents));
      setState('ids', reconcile(sortedIds(byId)));
      setState({ loaded: true, error: null });
      for (const e of list) replayUnplaced(e.id);
      applyUptime24h(recent, stripItems);
      statusesChanged();
    } catch (error) {
      setState('error', (error as Error).message);
      throw error;
    } finally {
      loading = null;
    }
  })();
  return loading;
}

/** Puts one endpoint (fetched by the endpoint page) into the store. */
export function upsertEndpoint(endpoint: Endpoint) {
  const known = endpoint.id in state.byId;
  if (loading) {
    addedDuringLoad.add(endpoint.id);
    removedDuringLoad.delete(endpoint.id);
  }
  const nameChanged = known && state.byId[endpoint.id]!.name !== endpoint.name;
  setState('byId', endpoint.id, known ? reconcile(withNewerLiveFacts(endpoint, state.byId[endpoint.id])) : endpoint);
  replayUnplaced(endpoint.id);
  statusesChanged();
  if (!known) {
    if (state.loaded) setState('ids', insertSorted(state.ids, endpoint));
  } else if (nameChanged) {
    setState('ids', sortedIds(state.byId));
  }
}

export function removeEndpoint(endpointId: string) {
  if (loading) {
    removedDuringLoad.add(endpointId);
    addedDuringLoad.delete(endpointId);
  }
  if (!(endpointId in state.byId)) return;
  setState('ids', (ids) => ids.filter((id) => id !== endpointId));
  setState(
    produce((s) => {
      delete s.byId[endpointId];
      delete s.openIncidents[endpointId];
    }),
  );
  strips.delete(endpointId);
  unplaced.delete(endpointId);
  statusesChanged();
}

function insertSorted(ids: string[], endpoint: Endpoint) {
  if (ids.includes(endpoint.id)) return ids;
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (byName(state.byId[ids[mid]!]!, endpoint) < 0) low = mid + 1;
    else high = mid;
  }
  return [...ids.slice(0, low), endpoint.id, ...ids.slice(low)];
}

/** Counts per status for the dashboard header (paused endpoints count as paused only). */
export const statusCounts = createRoot(() =>
  createMemo(() => {
    statusVersion();
    const raw = unwrap(state);
    const counts = { total: 0, UP: 0, DEGRADED: 0, DOWN: 0, PENDING: 0, MAINTENANCE: 0, PAUSED: 0 };
    for (const id of raw.ids) {
      const e = raw.byId[id];
      if (!e) continue;
      counts.total++;
      if (e.paused) counts.PAUSED++;
      else counts[e.status]++;
    }
    return counts;
  }),
);

export const openIncidentCount = createRoot(() => createMemo(() => Object.keys(state.openIncidents).length));

/** Every tag in use, sorted. */
export const allTags = createRoot(() =>
  createMemo(() => {
    const tags = new Set<string>();
    for (const id of state.ids) for (const tag of state.byId[id]?.tags ?? []) tags.add(tag);
    return [...tags].sort();
  }),
);

/**
 * Applies one check to its endpoint. Every check carries the endpoint's status (it is the status
 * of its newest check), so a missed `endpoint:status-changed` is made good by the next check. Only
 * a check newer than what the store holds changes the endpoint: the same check again (it was in
 * the snapshot) or an older one (it came over the socket while a newer snapshot came over REST)
 * only fills its place in the strip.
 */
function applyCheck(e: CheckCompleted) {
  const endpoint = state.byId[e.endpointId];
  if (!endpoint) return rememberUnplaced(e);
  addToStrip(e);
  if (!isNewer(e.timestamp, endpoint.lastCheckedAt)) return;
  // In a window the endpoint shows MAINTENANCE whatever its checks see (until maintenance:ended, or
  // a check after the period's end when that event was missed).
  let window = endpoint.maintenance;
  if (window && !e.maintenance && e.timestamp >= window.endsAt) window = null;
  const status = window ? 'MAINTENANCE' : e.status;
  const statusChanged = endpoint.status !== status;
  setState(
    'byId',
    e.endpointId,
    produce((target) => {
      target.status = status;
      target.maintenance = window;
      target.consecutiveFailures = e.status === 'DOWN' ? target.consecutiveFailures + 1 : 0;
      for (const [key, value] of Object.entries(lastFieldsOf(e)) as [keyof Endpoint, unknown][]) {
        // An equal object (the error's parameters) is kept: a new one would redraw what shows it.
        if (value !== null && typeof value === 'object' && JSON.stringify(value) === JSON.stringify(target[key])) continue;
        (target as unknown as Record<string, unknown>)[key] = value;
      }
      // A push endpoint's check is a ping it received, unless it says a ping is late.
      if (target.type === 'push' && e.errorCode !== 'push_late') target.lastPingAt = e.timestamp;
    }),
  );
  if (statusChanged) statusesChanged();
}

function addToStrip(e: CheckCompleted) {
  const strip = stripOf(e.endpointId);
  const item: StripItem = { status: e.status, responseTime: e.responseTime, checkedAt: e.timestamp, maintenance: e.maintenance };
  const last = strip.items.at(-1);
  if (!last || last.checkedAt < item.checkedAt) {
    strip.items = [...strip.items.slice(Math.max(0, strip.items.length - STRIP_LENGTH + 1)), item];
  } else {
    const tooOld = strip.items.length >= STRIP_LENGTH && item.checkedAt < strip.items[0]!.checkedAt;
    if (tooOld || strip.items.some((i) => i.checkedAt === item.checkedAt)) return;
    strip.items = [...strip.items, item].sort(byCheckedAt).slice(-STRIP_LENGTH);
  }
  strip.touch();
}

const byCheckedAt = (a: StripItem, b: StripItem) => (a.checkedAt < b.checkedAt ? -1 : a.checkedAt > b.checkedAt ? 1 : 0);

/** The fetched strip plus the live checks newer than its newest (both oldest first). */
function mergeStrip(fetched: StripItem[], live: readonly StripItem[]): StripItem[] {
  const newest = fetched.at(-1)?.checkedAt ?? '';
  const newer = live.filter((i) => i.checkedAt > newest);
  return newer.length ? [...fetched, ...newer].slice(-STRIP_LENGTH) : fetched;
}

/** Applies the live events to the store (called once, from main.tsx, before the connection opens). Returns the stop function. */
export function startEndpointsStore(): () => void {
  const stops = [
    onLiveEvent('check:completed', applyCheck),
    onLiveEvent('endpoint:status-changed', (e) => {
      const endpoint = state.byId[e.endpointId];
      // Sent with the check that changed it (applied just before); an older change is history.
      if (!endpoint || (endpoint.lastCheckedAt && e.timestamp < endpoint.lastCheckedAt) || endpoint.status === e.currentStatus) return;
      setState('byId', e.endpointId, 'status', e.currentStatus);
      if (e.currentStatus !== 'MAINTENANCE') setState('byId', e.endpointId, 'maintenance', null);
      statusesChanged();
    }),
    // The card says which window and until when; the status follows with endpoint:status-changed (set here too, should it be missed).
    // Leaving it comes with a status change from MAINTENANCE (below), or maintenance:started of the next window.
    onLiveEvent('maintenance:started', (e) => {
      if (!state.byId[e.endpointId]) return;
      setState('byId', e.endpointId, { maintenance: { windowId: e.windowId, windowName: e.windowName, endsAt: e.endsAt }, status: 'MAINTENANCE' });
      statusesChanged();
    }),
    onLiveEvent('incident:started', (e) => setState('openIncidents', e.endpointId, e.incidentId)),
    onLiveEvent('incident:resolved', (e) =>
      setState(
        produce((s) => {
          if (s.openIncidents[e.endpointId] === e.incidentId) delete s.openIncidents[e.endpointId];
        }),
      ),
    ),
    onLiveEvent('endpoint:created', (e) => upsertEndpoint(e)),
    onLiveEvent('endpoint:updated', (e) => upsertEndpoint(e)),
    onLiveEvent('endpoint:deleted', (e) => removeEndpoint(e.endpointId)),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
