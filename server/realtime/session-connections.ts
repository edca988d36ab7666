/**
 * The realtime connections a session cookie opened, so that they end with it: every `sweepMs` each
 * session is looked up again (from memory for 10 s, then the database), and the connections of one
 * that ended (signed out, signed out everywhere, expired, its person removed) are closed. A session
 * that cannot be checked (the database away) keeps its connections.
 */
export class SessionConnections {
  private readonly byToken = new Map<string, Set<() => void>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(private readonly isLive: (token: string) => Promise<boolean>) {}

  /** Registers a connection opened by a session's cookie; call the answer when it closes. */
  add(token: string, close: () => void): () => void {
    let set = this.byToken.get(token);
    if (!set) this.byToken.set(token, (set = new Set()));
    set.add(close);
    return () => {
      set.delete(close);
      if (set.size === 0 && this.byToken.get(token) === set) this.byToken.delete(token);
    };
  }

  get size(): number {
    return this.byToken.size;
  }

  /** Closes the connections of every session that has ended. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const [token, closers] of [...this.byToken]) {
        const live = await this.isLive(token).catch(() => true);
        if (live) continue;
        this.byToken.delete(token);
        for (const close of [...closers]) close();
      }
    } finally {
      this.sweeping = false;
    }
  }

  start(sweepMs = 5000): void {
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
