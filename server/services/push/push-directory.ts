import { pushTokenOf } from '../../contract/monitor-address.ts';
import type { MonitorRegistry } from '../../state/monitor-registry.ts';

/**
 * Finds a push endpoint by its token, from the endpoints held in memory (no database read): an
 * index rebuilt when the definitions held have changed since it was built.
 */
export class PushDirectory {
  #byToken = new Map<string, string>();
  #version = -1;

  constructor(private readonly registry: Pick<MonitorRegistry, 'values' | 'version'>) {}

  find(token: string): string | null {
    if (this.#version !== this.registry.version) this.#rebuild();
    return this.#byToken.get(token) ?? null;
  }

  #rebuild(): void {
    const byToken = new Map<string, string>();
    for (const entry of this.registry.values()) {
      if (entry.definition.type !== 'push') continue;
      const token = pushTokenOf(entry.definition.url);
      if (token !== null) byToken.set(token, entry.id);
    }
    this.#byToken = byToken;
    this.#version = this.registry.version;
  }
}
