/**
 * What the database last said of a credential (a session, a personal key), kept in memory:
 * - trusted for `recheckMs`, then read again, so a revocation or role change on another instance
 *   shows here within that time;
 * - while the database cannot answer, what it said before goes on counting (an open dashboard
 *   keeps its live view through an outage); a credential never seen cannot be checked;
 * - bounded: past `capacity`, the entry checked longest ago leaves.
 */
export class RecheckedCache<V extends { user: { id: string } }> {
  private readonly entries = new Map<string, { value: V; checkedAt: number }>();

  constructor(private readonly options: { recheckMs: number; capacity: number }) {}

  /**
   * The value of `key`: memory's when checked within `recheckMs`, else `read()`'s (null: there is
   * none). `carry` moves what memory knows better than the database into a fresh read (a last use
   * not written yet). Throws what `read` threw when memory has nothing.
   */
  async get(key: string, now: number, read: () => Promise<V | null>, carry?: (fresh: V, remembered: V) => void): Promise<V | null> {
    const held = this.entries.get(key);
    if (held && now - held.checkedAt < this.options.recheckMs) return held.value;
    let fresh: V | null;
    try {
      fresh = await read();
    } catch (error) {
      if (held) return held.value;
      throw error;
    }
    if (!fresh) {
      this.entries.delete(key);
      return null;
    }
    if (held) carry?.(fresh, held.value);
    this.remember(key, fresh, now);
    return fresh;
  }

  /** Holds what was just written or read as checked `now`. */
  remember(key: string, value: V, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.options.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, checkedAt: now });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets a person's entries (their role or name changed, they were removed), but `keep`'s. */
  forgetUser(userId: string, keep?: string): void {
    for (const [key, held] of this.entries) if (held.value.user.id === userId && key !== keep) this.entries.delete(key);
  }
}
