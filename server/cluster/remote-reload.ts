import type { Database } from '../../db/client.ts';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';

/** A reload that failed (the database away) is tried again this much later. */
const RETRY_MS = 5000;
/** Read again this often whatever the relay said: a change sent while this instance was not listening is caught up. */
const REFRESH_MS = 60_000;

/** What is kept in step: a small table held whole in memory (maintenance windows, notification channels). */
export interface ReloadedTable {
  load(db: Database): Promise<void>;
  /** An endpoint deleted on another instance: no entry names it any more. */
  forgetEndpoint(endpointId: string): void;
}

/**
 * Keeps a table held in memory in step with changes made on other instances (as the relay reports
 * them): the table is small, so it is read again whole, once for any number of changes arriving
 * together, and every minute in case the relay missed one. `onChanged` runs after each reload.
 */
export class RemoteReload {
  private reloading: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private refresh: NodeJS.Timeout | undefined;
  /** A failure was reported and no reload has succeeded since (one report per streak: the database may be away for long). */
  private failing = false;

  constructor(
    private readonly db: Database,
    private readonly table: ReloadedTable,
    /** The events that say the table changed. */
    private readonly events: ReadonlySet<ServerEventName>,
    private readonly onChanged: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly apply = <K extends ServerEventName>(event: K, data: ServerEvents[K]): void => {
    if (event === 'endpoint:deleted') this.table.forgetEndpoint((data as ServerEvents['endpoint:deleted']).endpointId);
    if (this.events.has(event)) this.reload();
  };

  /** Reads the table again (also after the relay missed notifications). */
  reload(): void {
    if (this.stopped) return;
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.table
      .load(this.db)
      .then(
        () => {
          this.failing = false;
          this.onChanged();
        },
        (error: unknown) => {
          if (!this.failing) this.onError(error);
          this.failing = true;
          clearTimeout(this.retry);
          this.retry = setTimeout(() => this.reload(), RETRY_MS);
        },
      )
      .finally(() => {
        this.reloading = undefined;
        if (this.again) {
          this.again = false;
          this.reload();
        }
      });
  }

  /** Resolves when the reloads asked for so far are done. */
  async settled(): Promise<void> {
    while (this.reloading) await this.reloading;
  }

  start(): void {
    this.refresh = setInterval(() => this.reload(), REFRESH_MS);
    this.refresh.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.refresh);
  }
}
