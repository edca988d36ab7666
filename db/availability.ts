import { databaseFault, isUnreachable, type DatabaseFault } from './unavailable.ts';

export interface AvailabilityOptions {
  /** Resolves when the database answers a trivial query. */
  ping: () => Promise<void>;
  /** While unreachable, how often the database is tried again (ms). */
  probeEveryMs?: number;
  /** A probe not answered by then failed (ms). */
  probeTimeoutMs?: number;
  onChange?: (fault: DatabaseFault | null) => void;
}

/**
 * Whether the database can be reached, learnt from the failures Vigil meets anyway (a result
 * batch, a request) and, while it cannot, from a probe every second. While it is unreachable,
 * requests that need it are answered 503 at once instead of queueing on the connection pool for as
 * long as the outage lasts. A database out of space still answers reads: that is not "unreachable".
 */
export class DatabaseAvailability {
  private fault: DatabaseFault | null = null;
  private probe: NodeJS.Timeout | undefined;
  private probing = false;
  private closed = false;

  constructor(private readonly options: AvailabilityOptions) {}

  /** The fault that makes the database unreachable now, or null. */
  get unreachable(): DatabaseFault | null {
    return this.fault;
  }

  /** Notes a failure; one that says the database cannot be reached starts the probing. */
  observe(error: unknown): void {
    const fault = databaseFault(error);
    if (!fault || !isUnreachable(fault) || this.closed) return;
    const first = this.fault === null;
    this.fault = fault;
    if (first) {
      this.options.onChange?.(fault);
      this.probe = setInterval(() => void this.tryAgain(), this.options.probeEveryMs ?? 1000);
      this.probe.unref();
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.probe);
  }

  private async tryAgain(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.options.ping(),
        new Promise(
          (_, reject) =>
            (timer = setTimeout(() => reject(Object.assign(new Error('no answer'), { code: 'CONNECT_TIMEOUT' })), this.options.probeTimeoutMs ?? 2000)),
        ),
      ]);
      clearInterval(this.probe);
      this.probe = undefined;
      this.fault = null;
      this.options.onChange?.(null);
    } catch (error) {
      const fault = databaseFault(error);
      if (fault) this.fault = fault;
    } finally {
      clearTimeout(timer);
      this.probing = false;
    }
  }
}
