import { asc } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { type NotificationChannelRow, notificationChannels } from '../../db/schema/index.ts';
import type { ChannelConfigValue, ChannelType, NotificationChannel, NotificationEvent, NotificationLanguage } from '../contract/notifications.ts';
import type { EndpointDefinition } from '../contract/types.ts';

/** A channel as held in memory: its stored row (secrets included), with its sets ready for routing. */
export interface HeldChannel {
  readonly id: string;
  readonly channel: NotificationChannel;
  readonly events: ReadonlySet<NotificationEvent>;
  readonly endpointIds: ReadonlySet<string>;
  readonly tags: ReadonlySet<string>;
}

/** What routing looks at in an endpoint. */
export interface RoutableEndpoint {
  readonly id: string;
  readonly definition: Pick<EndpointDefinition, 'tags'>;
}

/**
 * Every notification channel, in memory on every instance: a check that changes an endpoint's
 * state asks which channels to tell, and must be answered while the database is away.
 */
export class ChannelDirectory {
  private readonly byId = new Map<string, HeldChannel>();
  /** Counts changes made here, so that a read of the table begun before one does not undo it. */
  private changes = 0;

  async load(db: Database): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = this.changes;
      const rows = await db.select().from(notificationChannels).orderBy(asc(notificationChannels.createdAt), asc(notificationChannels.id));
      if (this.changes !== before) continue;
      this.byId.clear();
      for (const row of rows) this.byId.set(row.id, heldOf(channelOf(row)));
      this.changes++;
      return;
    }
  }

  /** A channel created or changed here (its row is committed). */
  put(row: NotificationChannelRow): HeldChannel {
    const held = heldOf(channelOf(row));
    this.byId.set(row.id, held);
    this.changes++;
    return held;
  }

  remove(id: string): void {
    this.byId.delete(id);
    this.changes++;
  }

  /** An endpoint deleted: no channel names it any more. */
  forgetEndpoint(endpointId: string): void {
    for (const [id, held] of this.byId) {
      if (!held.endpointIds.has(endpointId)) continue;
      this.byId.set(id, heldOf({ ...held.channel, endpointIds: held.channel.endpointIds.filter((e) => e !== endpointId) }));
      this.changes++;
    }
  }

  get(id: string): HeldChannel | undefined {
    return this.byId.get(id);
  }

  all(): HeldChannel[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  /** The enabled channels told of `event` for this endpoint: all endpoints, the endpoint by id, or one of its tags. */
  routeOf(endpoint: RoutableEndpoint, event: NotificationEvent): HeldChannel[] {
    const routed: HeldChannel[] = [];
    for (const held of this.byId.values()) {
      if (held.channel.enabled && held.events.has(event) && covers(held, endpoint)) routed.push(held);
    }
    return routed;
  }

  /** The enabled channels that send reminders for this endpoint's incidents. */
  remindersOf(endpoint: RoutableEndpoint): HeldChannel[] {
    return [...this.byId.values()].filter(
      (held) => held.channel.enabled && held.channel.reminder !== null && held.events.has('incident-started') && covers(held, endpoint),
    );
  }
}

function covers(held: HeldChannel, endpoint: RoutableEndpoint): boolean {
  if (held.channel.allEndpoints || held.endpointIds.has(endpoint.id)) return true;
  return endpoint.definition.tags.some((tag) => held.tags.has(tag));
}

function heldOf(channel: NotificationChannel): HeldChannel {
  return { id: channel.id, channel, events: new Set(channel.events), endpointIds: new Set(channel.endpointIds), tags: new Set(channel.tags) };
}

/** A stored row as the contract's channel, secrets included (reads redact them). */
export function channelOf(row: NotificationChannelRow): NotificationChannel {
  return {
    id: row.id,
    name: row.name,
    type: row.type as ChannelType,
    enabled: row.enabled,
    language: row.language as NotificationLanguage,
    config: row.config as Record<string, ChannelConfigValue>,
    events: row.events as NotificationEvent[],
    allEndpoints: row.allEndpoints,
    endpointIds: row.endpointIds,
    tags: row.tags,
    reminder: row.reminderEveryMinutes !== null && row.reminderMax !== null ? { everyMinutes: row.reminderEveryMinutes, max: row.reminderMax } : null,
    groupSeconds: row.groupSeconds,
    fromSettings: row.fromSettings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
