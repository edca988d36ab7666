/**
 * What this instance remembers of push endpoints between pings and deadline checks: when a run
 * started (`/start`), and the last expected time already reported missed. Memory only: after a
 * restart a missed deadline is reported once more, and a run started before it has no duration.
 */
export class PushRuns {
  readonly #startedAt = new Map<string, Date>();
  readonly #missedThrough = new Map<string, Date>();

  started(endpointId: string, at: Date): void {
    this.#startedAt.set(endpointId, at);
  }

  /** When the run now under way started, if a start came after `since` (the last ping). */
  runStartedAfter(endpointId: string, since: Date | null): Date | null {
    const at = this.#startedAt.get(endpointId);
    return at && (since === null || at > since) ? at : null;
  }

  /** A ping ended the run (and answered every deadline before it). */
  pinged(endpointId: string): void {
    this.#startedAt.delete(endpointId);
    this.#missedThrough.delete(endpointId);
  }

  missedThrough(endpointId: string): Date | null {
    return this.#missedThrough.get(endpointId) ?? null;
  }

  missed(endpointId: string, expectedAt: Date): void {
    this.#missedThrough.set(endpointId, expectedAt);
  }

  forget(endpointId: string): void {
    this.#startedAt.delete(endpointId);
    this.#missedThrough.delete(endpointId);
  }
}
