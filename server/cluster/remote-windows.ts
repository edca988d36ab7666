import type { Database } from '../../db/client.ts';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { MaintenanceCalendar } from '../state/maintenance-calendar.ts';

const WINDOW_EVENTS = new Set<ServerEventName>(['maintenance:created', 'maintenance:updated', 'maintenance:deleted']);
/** A reload that failed (the database away) is tried again this much later. */
const RETRY_MS = 5000;
/** Read again this often whatever the relay said: a change sent while this instance was not listening is caught up. */
const REFRESH_MS = 60_000;

/**
 * Keeps this instance's maintenance calendar in step with windows changed on other instances (as
 * the relay reports them): the windows are few, so the whole table is read again, once for any
 * number of changes arriving together, and every minute in case the relay missed one.
 * `onChanged` runs after each reload (to re-evaluate).
 */
export class RemoteWindowChanges {
  private reloading: Promise<void> | undefined;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private refresh: NodeJS.Timeout | undefined;
  /** A failure was reported and no reload has succeeded since (one report per streak: the database may be away for long). */
  private failing = false;

  constructor(
    private readonly db: Database,
    private readonly calendar: MaintenanceCalendar,
    private readonly onChanged: () => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly apply = <K extends ServerEventName>(event: K, data: ServerEvents[K]): void => {
    if (event === 'endpoint:deleted') this.calendar.forgetEndpoint((data as ServerEvents['endpoint:deleted']).endpointId);
    if (WINDOW_EVENTS.has(event)) this.reload();
  };

  /** Reads every window again (also after the relay missed notifications). */
  reload(): void {
    if (this.stopped) return;
    if (this.reloading) {
      this.again = true;
      return;
    }
    this.reloading = this.calendar
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
