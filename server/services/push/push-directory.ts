import { pushTokenOf } from '../../contract/monitor-address.ts';
import type { MonitorRegistry } from '../../state/monitor-registry.ts';

/** The shortest time between two rebuilds of the index for tokens it does not know (a flood of bad tokens costs one scan a second). */
const REBUILD_EVERY_MS = 1000;

/** Finds a push endpoint by its token, from the endpoints held in memory (no database read). */
export class PushDirectory {
  #byToken = new Map<string, string>();
  #builtAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly registry: Pick<MonitorRegistry, 'get' | 'values'>) {}

  find(token: string, now = Date.now()): string | null {
    const known = this.#check(token);
    if (known !== undefined) return known;
    if (now - this.#builtAt < REBUILD_EVERY_MS) return null;
    this.#rebuild(now);
    return this.#check(token) ?? null;
  }

  /** The endpoint the index gives, if it still has that token; undefined when the index must be rebuilt. */
  #check(token: string): string | null | undefined {
    const id = this.#byToken.get(token);
    if (id === undefined) return undefined;
    const entry = this.registry.get(id);
    return entry && entry.definition.type === 'push' && pushTokenOf(entry.definition.url) === token ? id : undefined;
  }

  #rebuild(now: number): void {
    const byToken = new Map<string, string>();
    for (const entry of this.registry.values()) {
      if (entry.definition.type !== 'push') continue;
      const token = pushTokenOf(entry.definition.url);
      if (token !== null) byToken.set(token, entry.id);
    }
    this.#byToken = byToken;
    this.#builtAt = now;
  }
}
