/**
 * Open realtime connections per client address, shared by Socket.io, /ws and SSE, so that one
 * address cannot hold the server's sockets and memory (REALTIME_CONNECTIONS_PER_ADDRESS).
 * @example const release = limit.take(address); if (!release) refuse(); else socket.once('close', release);
 */
export class ConnectionLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly perAddress: number) {}

  /** Whether the address may open one more connection now. */
  allows(address: string): boolean {
    return (this.open.get(address) ?? 0) < this.perAddress;
  }

  /** Takes a slot for the address: its release (safe to call twice), or null when the address holds its share. */
  take(address: string): (() => void) | null {
    const count = this.open.get(address) ?? 0;
    if (count >= this.perAddress) return null;
    this.open.set(address, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(address) ?? 1) - 1;
      if (left > 0) this.open.set(address, left);
      else this.open.delete(address);
    };
  }

  /** The refusal's text, naming the setting. */
  message(): string {
    return `Too many realtime connections from this address (at most ${this.perAddress}: REALTIME_CONNECTIONS_PER_ADDRESS); close some, then try again.`;
  }

  /** Connections open now from one address. */
  count(address: string): number {
    return this.open.get(address) ?? 0;
  }
}
