import type { Database } from '../../db/client.ts';
import { type StatusPageRow, statusPages } from '../../db/schema/index.ts';

/**
 * Every status page, in memory (at most STATUS_PAGE_LIMITS.pages): the public routes find a page
 * by slug or by the Host it is served on without asking the database, and the Host check asks it
 * which custom domains are served. Kept in step with other instances by RemoteReload.
 */
export class StatusPageDirectory {
  private readonly byId = new Map<string, StatusPageRow>();
  private readonly bySlug = new Map<string, StatusPageRow>();
  private readonly byDomain = new Map<string, StatusPageRow>();
  /** Told of every page put or removed (the public cache drops what it built from it). */
  onChange: (pageId: string) => void = () => undefined;

  async load(db: Database): Promise<void> {
    const rows = await db.select().from(statusPages);
    const before = new Map(this.byId);
    this.byId.clear();
    this.bySlug.clear();
    this.byDomain.clear();
    for (const row of rows) this.index(row);
    // Only what changed: a reload that finds the same pages leaves their readers alone.
    for (const row of rows) {
      if (before.get(row.id)?.updatedAt.getTime() !== row.updatedAt.getTime()) this.onChange(row.id);
      before.delete(row.id);
    }
    for (const id of before.keys()) this.onChange(id);
  }

  /** A deleted endpoint leaves every section (the database's copy is changed with the deletion). */
  forgetEndpoint(endpointId: string): void {
    for (const row of this.byId.values()) {
      if (!row.sections.some((s) => s.endpointIds.includes(endpointId))) continue;
      const sections = row.sections.map((s) => ({ ...s, endpointIds: s.endpointIds.filter((id) => id !== endpointId) }));
      this.unindex(row.id);
      this.index({ ...row, sections });
    }
  }

  get(id: string): StatusPageRow | undefined {
    return this.byId.get(id);
  }

  findBySlug(slug: string): StatusPageRow | undefined {
    return this.bySlug.get(slug.toLowerCase());
  }

  /** The page served at the root of this host name (lowercase, no port), if any. */
  findByDomain(host: string): StatusPageRow | undefined {
    return this.byDomain.get(host.toLowerCase().replace(/\.$/, ''));
  }

  get size(): number {
    return this.byId.size;
  }

  all(): StatusPageRow[] {
    return [...this.byId.values()];
  }

  put(row: StatusPageRow): void {
    this.unindex(row.id);
    this.index(row);
    this.onChange(row.id);
  }

  remove(id: string): void {
    this.unindex(id);
    this.onChange(id);
  }

  private index(row: StatusPageRow): void {
    this.byId.set(row.id, row);
    this.bySlug.set(row.slug, row);
    if (row.customDomain) this.byDomain.set(row.customDomain, row);
  }

  private unindex(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    if (this.bySlug.get(old.slug)?.id === id) this.bySlug.delete(old.slug);
    if (old.customDomain && this.byDomain.get(old.customDomain)?.id === id) this.byDomain.delete(old.customDomain);
  }
}
