import { randomUUID } from 'node:crypto';
import type { ServerEventName, ServerEvents } from '../contract/events.ts';
import type { NotificationEvent } from '../contract/notifications.ts';
import type { Check, EndpointStatus } from '../contract/types.ts';
import type { OpenIncident } from '../domain/monitor-state.ts';
import type { QueuedEvent } from '../results/pending-write.ts';
import type { ChannelDirectory } from '../state/channel-directory.ts';
import type { MonitoredEndpoint } from '../state/monitor-registry.ts';
import { idOfKey, newEntry, type OutboxEntry } from './outbox-entry.ts';
import { type NoticeFacts, noticeOf } from './notices.ts';

/** Below the endpoint's certificateWarningDays, a certificate is announced again as it crosses each of these days left. */
const CERTIFICATE_STEPS_DAYS = [7, 3, 1, 0] as const;
/** For an endpoint whose certificates never make it DEGRADED (certificateWarningDays null). */
const DEFAULT_WARNING_DAYS = 14;

/** The days left at which a certificate is announced: the endpoint's warning, then each step below it. */
export function certificateThresholds(warningDays: number): number[] {
  return [warningDays, ...CERTIFICATE_STEPS_DAYS.filter((d) => d < warningDays)];
}

export interface RouterOptions {
  directory: ChannelDirectory;
  /** Vigil's public address, for links (empty: no links). */
  publicUrl: string;
  /** Events not worth a notification (an endpoint whose trouble is its parent's: see Dependencies). */
  quiet?: <K extends ServerEventName>(event: K, data: ServerEvents[K]) => boolean;
  /** Told of every entry made, before it is queued for writing (the dispatcher's sweep leaves them alone). */
  expect?: (entries: OutboxEntry[]) => void;
}

/** What one recorded check did. */
export interface RecordedCheck {
  endpoint: Pick<MonitoredEndpoint, 'id' | 'definition'>;
  check: Check;
  previousStatus: EndpointStatus;
  /** The events it raises (status change, incident opened or resolved). */
  events: readonly QueuedEvent[];
  /** The endpoint's open incident after it. */
  openIncident: OpenIncident | null;
  certificateExpiresAt: string | null;
}

/**
 * Decides which notifications a check causes and for which channels (docs/notifications.md):
 * status changes (down, degraded, recovered), incidents started and resolved, a missed push
 * deadline, a certificate crossing 14, 7, 3, 1 and 0 days left. Nothing for a planned window or
 * for trouble that is the parent's.
 */
export class NotificationRouter {
  /** The last certificate threshold announced per endpoint (a restart may announce again: the outbox keeps one). */
  private readonly certificateThresholds = new Map<string, string>();

  constructor(private readonly options: RouterOptions) {}

  entriesFor(recorded: RecordedCheck): OutboxEntry[] {
    if (this.options.directory.size === 0) return [];
    const { check, endpoint } = recorded;
    const entries: OutboxEntry[] = [];
    const at = new Date(check.checkedAt);
    const base: NoticeFacts = {
      endpoint,
      status: check.status,
      previousStatus: recorded.previousStatus,
      at,
      since: recorded.openIncident?.startedAt ?? (check.status === 'UP' ? null : at),
      incidentId: recorded.openIncident?.id ?? null,
      statusCode: check.statusCode,
      errorMessage: check.errorMessage,
      errorCode: check.errorCode,
      failedAssertions: check.failedAssertions,
      responseTime: check.responseTime,
      durationMs: null,
      certificate: null,
      source: null,
    };
    const add = (event: NotificationEvent, facts: NoticeFacts, key?: string) => {
      for (const held of this.options.directory.routeOf(endpoint, event)) {
        const id = key ? idOfKey(`${held.id} ${key}`) : randomUUID();
        entries.push(newEntry(held.id, noticeOf(id, event, facts, this.options.publicUrl), at, key !== undefined));
      }
    };

    const resolved = recorded.events.find(([name]) => name === 'incident:resolved')?.[1] as ServerEvents['incident:resolved'] | undefined;
    for (const [name, data] of recorded.events) {
      if (name === 'endpoint:status-changed') {
        if (this.options.quiet?.(name, data)) continue;
        const event = statusEvent(data.previousStatus, data.currentStatus);
        if (event) add(event, { ...base, durationMs: event === 'recovered' ? (resolved?.durationMs ?? null) : null, source: { event: name, data } });
      } else if (name === 'incident:started' || name === 'incident:resolved') {
        if (this.options.quiet?.(name, data)) continue;
        if (name === 'incident:started')
          add('incident-started', { ...base, incidentId: data.incidentId, since: new Date(data.startedAt), source: { event: name, data } });
        else {
          const r = data as ServerEvents['incident:resolved'];
          add('incident-resolved', {
            ...base,
            incidentId: r.incidentId,
            since: new Date(r.startedAt),
            durationMs: r.durationMs,
            source: { event: name, data },
          });
        }
      }
    }
    // The first missed deadline of a push endpoint (the next ones while it stays DOWN say nothing new).
    if (check.errorCode === 'push_late' && recorded.previousStatus !== 'DOWN' && !check.maintenance) {
      add('push-missed', base, `push-missed ${endpoint.id} ${check.checkedAt}`);
    }
    this.certificate(recorded, base, add);
    if (entries.length > 0) this.options.expect?.(entries);
    return entries;
  }

  private certificate(recorded: RecordedCheck, base: NoticeFacts, add: (event: NotificationEvent, facts: NoticeFacts, key?: string) => void): void {
    const expiresAt = recorded.certificateExpiresAt;
    const id = recorded.endpoint.id;
    if (!expiresAt) return;
    const daysLeft = Math.floor((Date.parse(expiresAt) - Date.parse(recorded.check.checkedAt)) / 86_400_000);
    const threshold = certificateThresholds(recorded.endpoint.definition.certificateWarningDays ?? DEFAULT_WARNING_DAYS)
      .reverse()
      .find((t) => daysLeft <= t);
    if (threshold === undefined) {
      this.certificateThresholds.delete(id);
      return;
    }
    const mark = `${expiresAt} ${threshold}`;
    if (this.certificateThresholds.get(id) === mark) return;
    this.certificateThresholds.set(id, mark);
    add('certificate-expiring', { ...base, certificate: { expiresAt, daysLeft } }, `certificate ${id} ${mark}`);
  }
}

/** The notification of a status change: trouble, or back from it (PENDING → UP says nothing). */
export function statusEvent(previous: EndpointStatus, current: EndpointStatus): NotificationEvent | null {
  if (previous === 'MAINTENANCE' || current === 'MAINTENANCE') return null;
  if (current === 'DOWN') return 'down';
  if (current === 'DEGRADED') return 'degraded';
  if (current === 'UP' && (previous === 'DOWN' || previous === 'DEGRADED')) return 'recovered';
  return null;
}
