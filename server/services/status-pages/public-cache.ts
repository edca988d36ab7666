import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { StatusPageRow } from '../../../db/schema/index.ts';
import type { ServerEventName, ServerEvents } from '../../contract/events.ts';
import type { PublicStatusPage } from '../../contract/status-pages.ts';
import type { EventBus } from '../../events/bus.ts';
import type { MonitoredEndpoint } from '../../state/monitor-registry.ts';
import type { ServiceContext } from '../context.ts';
import { buildPublicPage, liveState, PastDays, pageSections } from './public-page.ts';

/** A rendered body, plain and gzipped once for every reader. */
export interface Rendered {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

/** One page's public view as built at one time; `version` grows with every change readers should see. */
export interface Snapshot {
  readonly pageId: string;
  readonly page: PublicStatusPage;
  readonly version: number;
  readonly builtAt: number;
  /** The endpoints shown, by id. */
  readonly shown: ReadonlyMap<string, MonitoredEndpoint>;
  /** Bodies rendered from this snapshot (by kind and language), made on first demand. */
  readonly rendered: Map<string, Rendered>;
}

/** What the live stream of a page sends: its state after each change, or "reload" when what it shows changed shape. */
export type PageFrame = { event: 'state'; data: string } | { event: 'reload'; data: string };

export interface PublicCacheOptions {
  ctx: Pick<ServiceContext, 'db' | 'registry' | 'board' | 'calendar' | 'statusPages' | 'smtp'>;
  /** The events of every instance. */
  feed: EventBus;
  /** History (the days, past incidents) is read again at most this often while readers come. */
  ttlMs?: number;
  /** Changes arriving together make one rebuild. */
  debounceMs?: number;
  onError?: (error: unknown) => void;
  now?: () => number;
}

interface Entry {
  snapshot?: Snapshot;
  building?: Promise<Snapshot>;
  /** Something the snapshot shows changed (an incident, an update): rebuild soon. */
  stale: boolean;
  /** After a failed build (the database away), no new one before this time: readers get the last view. */
  retryAt?: number;
  /** Statuses changed within the last LIVE_MS: patched once more when it ends (the first change goes at once). */
  liveTimer?: NodeJS.Timeout;
  liveDirty?: boolean;
  timer?: NodeJS.Timeout;
  listeners: Set<(frame: PageFrame) => void>;
}

/** Status changes of a page are patched in at most this often (after the first, which goes at once). */
const LIVE_MS = 250;

/** A failed build is tried again no sooner than this (each reader would try otherwise). */
const RETRY_MS = 5000;

const FROM_HISTORY: ReadonlySet<ServerEventName> = new Set([
  'incident:started',
  'incident:resolved',
  'incident-update:created',
  'incident-update:updated',
  'incident-update:deleted',
]);
const LIVE: ReadonlySet<ServerEventName> = new Set(['endpoint:status-changed', 'maintenance:started', 'maintenance:ended']);
/** Changes that may move endpoints onto or off any page. */
const SHAPE: ReadonlySet<ServerEventName> = new Set([
  'endpoint:created',
  'endpoint:updated',
  'endpoint:deleted',
  'maintenance:created',
  'maintenance:updated',
  'maintenance:deleted',
]);

/**
 * The public views of status pages, built once and served to every reader: a page of 100
 * endpoints costs a few queries per minute however many read it. Statuses are patched in from
 * memory the moment they change (no query); incidents and updates make a rebuild within
 * `debounceMs`; the days are refreshed after `ttlMs`, the old view served meanwhile. While the
 * database is away the last view is served with live statuses.
 */
export class PublicPageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly debounceMs: number;
  private readonly now: () => number;
  private readonly off: () => void;
  private version = 0;
  private readonly history = new PastDays();

  constructor(private readonly options: PublicCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.debounceMs = options.debounceMs ?? 250;
    this.now = options.now ?? Date.now;
    this.off = options.feed.onAny((event, data) => this.hear(event, data));
  }

  /** The page's current view (built now when there is none; stale ones are served while a rebuild runs). */
  async get(page: StatusPageRow): Promise<Snapshot> {
    const entry = this.entryOf(page.id);
    const { snapshot } = entry;
    if (snapshot) {
      // A change is rebuilt by its timer (a reader does not bring it forward); a reader finds the
      // history to refresh, or a change whose rebuild failed.
      const due = this.now() - snapshot.builtAt >= this.ttlMs || (entry.stale && !entry.timer && !entry.building);
      if (due && (entry.retryAt === undefined || this.now() >= entry.retryAt)) void this.rebuild(page.id).catch(() => undefined);
      return snapshot;
    }
    // Nothing to show yet: while the database is away, fail fast rather than queue a read per reader.
    if (entry.retryAt !== undefined && this.now() < entry.retryAt && !entry.building)
      throw new Error('the status page cannot be built now (the database is away)');
    return this.rebuild(page.id);
  }

  /** Follows a page's changes; returns the unsubscribe. */
  listen(pageId: string, listener: (frame: PageFrame) => void): () => void {
    const entry = this.entryOf(pageId);
    entry.listeners.add(listener);
    return () => {
      entry.listeners.delete(listener);
      this.forgetIfIdle(pageId);
    };
  }

  /** Readers of the live stream, in all. */
  get listeners(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry.listeners.size;
    return n;
  }

  /** A page was created, changed or deleted (here or elsewhere): its view is dropped, its readers reload. */
  pageChanged(pageId: string): void {
    const entry = this.entries.get(pageId);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.snapshot = undefined;
    entry.stale = false;
    this.send(entry, { event: 'reload', data: '{}' });
    this.forgetIfIdle(pageId);
  }

  close(): void {
    this.off();
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      clearTimeout(entry.liveTimer);
    }
    this.entries.clear();
  }

  private entryOf(pageId: string): Entry {
    let entry = this.entries.get(pageId);
    if (!entry) this.entries.set(pageId, (entry = { stale: false, listeners: new Set() }));
    return entry;
  }

  private forgetIfIdle(pageId: string): void {
    const entry = this.entries.get(pageId);
    if (entry && entry.listeners.size === 0 && !entry.snapshot && !entry.building) this.entries.delete(pageId);
  }

  private rebuild(pageId: string): Promise<Snapshot> {
    const entry = this.entryOf(pageId);
    entry.building ??= this.build(pageId, entry)
      .then(
        (snapshot) => {
          entry.retryAt = undefined;
          // Something changed while the first view was read (events found no snapshot to mark): again.
          if (entry.stale) queueMicrotask(() => this.schedule(pageId));
          return snapshot;
        },
        (error: unknown) => {
          entry.retryAt = this.now() + RETRY_MS;
          entry.stale = true;
          throw error;
        },
      )
      .finally(() => {
        entry.building = undefined;
      });
    return entry.building;
  }

  private async build(pageId: string, entry: Entry): Promise<Snapshot> {
    const row = this.options.ctx.statusPages.get(pageId);
    if (!row) throw new Error(`status page ${pageId} is gone`);
    entry.stale = false;
    const page = await buildPublicPage(this.options.ctx, row, new Date(this.now()), this.history);
    const shown = new Map(pageSections(this.options.ctx, row).flatMap((s) => s.endpoints.map((e) => [e.id, e] as const)));
    const before = entry.snapshot;
    // The page changed while it was read: read it again (this build is the one readers wait for).
    const now = this.options.ctx.statusPages.get(pageId);
    if (now !== row && now?.updatedAt.getTime() !== row.updatedAt.getTime()) return this.build(pageId, entry);
    const snapshot: Snapshot = { pageId, page, version: ++this.version, builtAt: this.now(), shown, rendered: new Map() };
    entry.snapshot = snapshot;
    if (before && entry.listeners.size > 0) {
      this.send(entry, sameShape(before.page, page) ? stateFrame(page) : { event: 'reload', data: '{}' });
    }
    return snapshot;
  }

  private hear<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    const endpointId = (data as { endpointId?: string }).endpointId;
    // A first view being read may have missed this change (it is not known yet what it shows): read again after.
    for (const entry of this.entries.values()) if (!entry.snapshot && entry.building && (SHAPE.has(event) || endpointId !== undefined)) entry.stale = true;
    if (SHAPE.has(event)) {
      for (const pageId of this.entries.keys()) this.schedule(pageId);
      return;
    }
    if (endpointId === undefined) return;
    for (const [pageId, entry] of this.entries) {
      if (!entry.snapshot?.shown.has(endpointId)) continue;
      if (FROM_HISTORY.has(event)) this.schedule(pageId);
      else if (LIVE.has(event)) this.throttleLive(entry);
    }
  }

  /** The first change at once, then at most one patch per LIVE_MS: each makes a snapshot every reader's next request renders. */
  private throttleLive(entry: Entry): void {
    if (entry.liveTimer) {
      entry.liveDirty = true;
      return;
    }
    this.patchLive(entry);
    const tick = () => {
      if (!entry.liveDirty) {
        entry.liveTimer = undefined;
        return;
      }
      entry.liveDirty = false;
      this.patchLive(entry);
      entry.liveTimer = setTimeout(tick, LIVE_MS);
      entry.liveTimer.unref();
    };
    entry.liveTimer = setTimeout(tick, LIVE_MS);
    entry.liveTimer.unref();
  }

  /** Statuses and maintenance from memory, at once; the history stays as built. */
  private patchLive(entry: Entry): void {
    const before = entry.snapshot;
    if (!before) return;
    const live = liveState(this.options.ctx, before.shown, before.page.activeIncidents, new Date(this.now()));
    const page: PublicStatusPage = {
      ...before.page,
      ...live,
      sections: before.page.sections.map((s) => ({ ...s, endpoints: s.endpoints.map((e) => ({ ...e, status: live.statuses[e.id] ?? e.status })) })),
    };
    entry.snapshot = { ...before, page, version: ++this.version, rendered: new Map() };
    this.send(entry, stateFrame(page));
  }

  private schedule(pageId: string): void {
    const entry = this.entries.get(pageId);
    if (!entry?.snapshot) return;
    entry.stale = true;
    if (entry.timer) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      // A build under way read the page before this change: once it is done, another.
      if (entry.building) {
        void entry.building.catch(() => undefined).finally(() => entry.stale && this.schedule(pageId));
        return;
      }
      if (entry.stale && entry.snapshot) void this.rebuild(pageId).catch((error) => this.options.onError?.(error));
    }, this.debounceMs);
    entry.timer.unref();
  }

  private send(entry: Entry, frame: PageFrame): void {
    for (const listener of entry.listeners) listener(frame);
  }
}

/** The state part of a page as the live stream sends it. */
function stateFrame(page: PublicStatusPage): PageFrame {
  const { overall, statuses, activeIncidents, maintenance, generatedAt } = page;
  return { event: 'state', data: JSON.stringify({ overall, statuses, activeIncidents, maintenance, generatedAt }) };
}

/**
 * Whether two views differ only in what the live state carries (the page's script moves a resolved
 * incident into the history itself); otherwise readers reload: other endpoints, names or sections.
 */
function sameShape(a: PublicStatusPage, b: PublicStatusPage): boolean {
  const shape = (p: PublicStatusPage) => JSON.stringify([p.title, p.sections.map((s) => [s.name, s.endpoints.map((e) => [e.id, e.name])])]);
  return shape(a) === shape(b);
}

/** Tells this process's versions from another's (or a previous run's) in ETags. */
const RUN = randomBytes(4).toString('hex');

/** A body rendered once per snapshot and kind. */
export function renderedOnce(snapshot: Snapshot, key: string, render: () => string): Rendered {
  let rendered = snapshot.rendered.get(key);
  if (!rendered) {
    const body = Buffer.from(render());
    rendered = { body, gzipped: gzipSync(body, { level: 9 }), etag: `"${RUN}-${snapshot.version.toString(36)}-${key}"` };
    snapshot.rendered.set(key, rendered);
  }
  return rendered;
}
