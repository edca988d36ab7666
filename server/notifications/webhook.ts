import { createHmac } from 'node:crypto';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { EventBus } from '../events/bus.ts';

/** The events that become notifications: changes people act on, not every check. */
export const NOTIFIED_EVENTS = ['endpoint:status-changed', 'incident:started', 'incident:resolved'] as const satisfies readonly ServerEventName[];

export interface WebhookOptions {
  url: string;
  /** When set, each delivery carries `X-Vigil-Signature: sha256=<hex HMAC of the body>`. */
  secret?: string | undefined;
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 60 s. */
  retryBaseMs?: number;
  timeoutMs?: number;
  /** Deliveries kept waiting at most; beyond it the oldest is dropped (and logged). */
  maxQueue?: number;
  log?: (message: string) => void;
  /** Events not worth a notification (an endpoint whose trouble is its parent's: see Dependencies). */
  quiet?: <K extends ServerEventName>(event: K, data: ServerEvents[K]) => boolean;
}

/** A status change to or from MAINTENANCE: a planned window, which notifies nobody (docs/maintenance-windows.md). */
function inMaintenance<K extends ServerEventName>(event: K, data: ServerEvents[K]): boolean {
  if (event !== 'endpoint:status-changed') return false;
  const change = data as ServerEvents['endpoint:status-changed'];
  return change.previousStatus === 'MAINTENANCE' || change.currentStatus === 'MAINTENANCE';
}

interface Delivery {
  body: string;
  event: string;
  attempts: number;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  dropped: number;
  queued: number;
}

/**
 * The generic outgoing webhook: POSTs `{ event, data, sentAt }` as JSON for each notified event,
 * in order, retrying with exponential backoff. It runs beside the checks and never delays them.
 */
export class WebhookNotifier {
  private readonly queue: Delivery[] = [];
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;
  readonly stats = { delivered: 0, failed: 0, dropped: 0 };

  constructor(
    bus: EventBus,
    private readonly options: WebhookOptions,
  ) {
    const offs = NOTIFIED_EVENTS.map((event) =>
      bus.on(event, (data) => {
        if (!inMaintenance(event, data) && !this.options.quiet?.(event, data)) this.enqueue(event, data);
      }),
    );
    this.unsubscribe = () => {
      for (const off of offs) off();
    };
  }

  snapshot(): WebhookStats {
    return { ...this.stats, queued: this.queue.length };
  }

  /** Stops listening; waits at most `graceMs` for the queue to empty. */
  async stop(graceMs = 2000): Promise<void> {
    this.unsubscribe();
    const deadline = Date.now() + graceMs;
    while ((this.queue.length > 0 || this.running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    this.stopped = true;
    this.wake?.();
  }

  private enqueue<K extends ServerEventName>(event: K, data: ServerEvents[K]): void {
    if (this.stopped) return;
    this.queue.push({ event, body: JSON.stringify({ event, data, sentAt: new Date().toISOString() }), attempts: 0 });
    if (this.queue.length > (this.options.maxQueue ?? 1000)) {
      const dropped = this.queue.shift()!;
      this.stats.dropped++;
      this.options.log?.(`webhook: queue full, dropped ${dropped.event}`);
    }
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.stopped) {
        const delivery = this.queue[0]!;
        delivery.attempts++;
        const error = await this.send(delivery);
        if (!error) {
          this.queue.shift();
          this.stats.delivered++;
          continue;
        }
        const maxAttempts = this.options.maxAttempts ?? 6;
        if (delivery.attempts >= maxAttempts) {
          this.queue.shift();
          this.stats.failed++;
          this.options.log?.(`webhook: giving up on ${delivery.event} after ${delivery.attempts} attempts: ${error}`);
          continue;
        }
        const delay = Math.min(60_000, (this.options.retryBaseMs ?? 1000) * 2 ** (delivery.attempts - 1));
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
    } finally {
      this.running = false;
    }
  }

  /** One attempt; the error's description, or null on a 2xx answer. */
  private async send(delivery: Delivery): Promise<string | null> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Vigil-Webhook/0.1',
      'x-vigil-event': delivery.event,
    };
    if (this.options.secret) {
      headers['x-vigil-signature'] = `sha256=${createHmac('sha256', this.options.secret).update(delivery.body).digest('hex')}`;
    }
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
