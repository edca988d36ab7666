import { createMemo, createRoot } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import type { CheckStatus, Endpoint } from '../../../server/contract/types.ts';
import { api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';

/** How many recent checks each card's strip shows. */
export const STRIP_LENGTH = 20;

export interface StripItem {
  status: CheckStatus;
  responseTime: number;
  checkedAt: string;
}

interface EndpointsState {
  byId: Record<string, Endpoint>;
  /** Ids sorted by name: the order of the dashboard grid. */
  ids: string[];
  strips: Record<string, StripItem[]>;
  /** Open incident id per endpoint id. */
  openIncidents: Record<string, string>;
  loaded: boolean;
  error: string | null;
}

/**
 * Every endpoint the page knows, keyed by id. Socket events write only the fields they carry,
 * so one check re-renders one card's changed text and nothing else.
 */
const [state, setState] = createStore<EndpointsState>({ byId: {}, ids: [], strips: {}, openIncidents: {}, loaded: false, error: null });

export const endpoints = state;

const byName = (a: Endpoint, b: Endpoint) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

function sortedIds(byId: Record<string, Endpoint>) {
  return Object.values(byId).sort(byName).map((e) => e.id);
}

/** An event newer than the REST snapshot must not be undone by it. */
function newer(live: Endpoint | undefined, fetched: Endpoint): Endpoint {
  if (!live?.lastCheckedAt || !fetched.lastCheckedAt || live.lastCheckedAt <= fetched.lastCheckedAt) return fetched;
  const { status, lastCheckedAt, lastResponseTime, lastStatusCode, lastErrorMessage, consecutiveFailures } = live;
  return { ...fetched, status, lastCheckedAt, lastResponseTime, lastStatusCode, lastErrorMessage, consecutiveFailures };
}

let loading: Promise<void> | null = null;

/** Loads (or re-syncs) every endpoint, its recent checks and the open incidents from REST. */
export function loadEndpoints(): Promise<void> {
  loading ??= (async () => {
    try {
      const [list, recent, open] = await Promise.all([
        api.allEndpoints(),
        api.recentChecks(STRIP_LENGTH),
        api.incidents({ status: 'open', limit: 500 }),
      ]);
      const byId: Record<string, Endpoint> = {};
      for (const e of list) byId[e.id] = newer(state.byId[e.id], e);
      const strips: Record<string, StripItem[]> = {};
      for (const e of list) strips[e.id] = (recent.items[e.id] ?? []).slice().reverse();
      const openIncidents: Record<string, string> = {};
      for (const incident of open.items) openIncidents[incident.endpointId] = incident.id;
      setState('byId', reconcile(byId));
      setState('strips', reconcile(strips, { key: 'checkedAt', merge: false }));
      setState('openIncidents', reconcile(openIncidents));
      setState('ids', reconcile(sortedIds(byId)));
      setState({ loaded: true, error: null });
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
  const nameChanged = known && state.byId[endpoint.id]!.name !== endpoint.name;
  setState('byId', endpoint.id, known ? reconcile(newer(state.byId[endpoint.id], endpoint)) : endpoint);
  if (!known) {
    setState('strips', endpoint.id, (strip) => strip ?? []);
    if (state.loaded) setState('ids', insertSorted(state.ids, endpoint));
  } else if (nameChanged) {
    setState('ids', sortedIds(state.byId));
  }
}

export function removeEndpoint(endpointId: string) {
  if (!(endpointId in state.byId)) return;
  setState('ids', (ids) => ids.filter((id) => id !== endpointId));
  setState(
    produce((s) => {
      delete s.byId[endpointId];
      delete s.strips[endpointId];
      delete s.openIncidents[endpointId];
    }),
  );
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
  const counts = { total: 0, UP: 0, DEGRADED: 0, DOWN: 0, PENDING: 0, PAUSED: 0 };
  for (const id of state.ids) {
    const e = state.byId[id];
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

onLiveEvent('check:completed', (e) => {
  if (!(e.endpointId in state.byId)) return;
  setState(
    'byId',
    e.endpointId,
    produce((endpoint) => {
      endpoint.lastCheckedAt = e.timestamp;
      endpoint.lastResponseTime = e.responseTime;
      endpoint.lastStatusCode = e.statusCode;
      endpoint.lastErrorMessage = e.errorMessage;
      endpoint.consecutiveFailures = e.status === 'DOWN' ? endpoint.consecutiveFailures + 1 : 0;
    }),
  );
  const item: StripItem = { status: e.status, responseTime: e.responseTime, checkedAt: e.timestamp };
  setState('strips', e.endpointId, (strip = []) =>
    strip.length >= STRIP_LENGTH ? [...strip.slice(strip.length - STRIP_LENGTH + 1), item] : [...strip, item],
  );
});

onLiveEvent('endpoint:status-changed', (e) => {
  if (e.endpointId in state.byId) setState('byId', e.endpointId, 'status', e.currentStatus);
});

onLiveEvent('incident:started', (e) => setState('openIncidents', e.endpointId, e.incidentId));
onLiveEvent('incident:resolved', (e) =>
  setState(
    produce((s) => {
      if (s.openIncidents[e.endpointId] === e.incidentId) delete s.openIncidents[e.endpointId];
    }),
  ),
);
onLiveEvent('endpoint:created', (e) => upsertEndpoint(e));
onLiveEvent('endpoint:updated', (e) => upsertEndpoint(e));
onLiveEvent('endpoint:deleted', (e) => removeEndpoint(e.endpointId));
