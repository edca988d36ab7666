/**
 * The public shapes of notification channels (docs/notifications.md). Types only, like types.ts:
 * the web app imports them with `import type`.
 */
import type { CheckErrorCode, EndpointStatus, MonitorType } from './types.ts';

/** Where a channel sends. Each has its own `config` keys (CHANNEL_FIELDS). */
export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'telegram', 'teams', 'google-chat', 'ntfy', 'gotify', 'pagerduty', 'opsgenie', 'email'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What a channel can be told of; a channel picks any of them (`events`). */
export const NOTIFICATION_EVENTS = ['down', 'degraded', 'recovered', 'incident-started', 'incident-resolved', 'certificate-expiring', 'push-missed'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

/** The language of a channel's messages. */
export const NOTIFICATION_LANGUAGES = ['en', 'ko'] as const;
export type NotificationLanguage = (typeof NOTIFICATION_LANGUAGES)[number];

/** A config value: strings, numbers, booleans; a secret one reads as SECRET_MARKER. */
export type ChannelConfigValue = string | number | boolean | null;

/** One config key of a channel type: what the dashboard's form shows and the API validates. */
export interface ChannelField {
  key: string;
  kind: 'url' | 'text' | 'number' | 'choice' | 'emails';
  required: boolean;
  /** Write-only: reads show SECRET_MARKER; a write that sends SECRET_MARKER keeps the stored value. */
  secret: boolean;
  /** For `choice`. */
  choices?: readonly string[];
  /** Used when the key is left out (null: nothing). */
  default?: ChannelConfigValue;
}

/** Sending reminders while an incident stays open. */
export interface ChannelReminder {
  /** Every so many minutes after the incident started (1 … 10080). */
  everyMinutes: number;
  /** Stops after this many reminders (1 … 100). */
  max: number;
}

/** What a client writes (POST; PATCH sends any subset). */
export interface NotificationChannelDefinition {
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** Messages in this language (default en). */
  language: NotificationLanguage;
  /** The type's keys (CHANNEL_FIELDS[type]); secrets read as SECRET_MARKER. */
  config: Record<string, ChannelConfigValue>;
  /** The events it is told of (at least one). */
  events: NotificationEvent[];
  /** Every endpoint (then `endpointIds` and `tags` must be empty)… */
  allEndpoints: boolean;
  /** …or these endpoints… */
  endpointIds: string[];
  /** …and those with any of these tags. */
  tags: string[];
  /** Reminders while an incident stays open (null: none). */
  reminder: ChannelReminder | null;
  /**
   * Flood control: a notification waits this many seconds for others; those arriving less than this
   * apart go as one grouped message that says how many, sent once none has come for this long (a
   * minute after the first at the latest). 0: each alone, at once. Default 5, at most 300.
   */
  groupSeconds: number;
}

export interface NotificationChannel extends NotificationChannelDefinition {
  id: string;
  /** Defined by settings (WEBHOOK_URL): read-only over the API. */
  fromSettings: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DeliveryOutcome = 'delivered' | 'retrying' | 'failed';

/** One attempt to deliver one message (one notification, or a group of them) on one channel. */
export interface NotificationDelivery {
  id: string;
  channelId: string;
  /** The notification's event; `reminder`, `group` (several notifications in one message) or `test`. */
  event: NotificationEvent | 'reminder' | 'group' | 'test';
  /** The endpoint it is about (null: a group or a test). */
  endpointId: string | null;
  endpointName: string | null;
  /** How many notifications the message carried. */
  notifications: number;
  /** 1 for the first attempt. */
  attempt: number;
  outcome: DeliveryOutcome;
  /** The provider's HTTP status (or SMTP reply code); null when none came (a network error, a timeout). */
  statusCode: number | null;
  /** What the provider answered, shortened (or the error). */
  answer: string;
  latencyMs: number;
  at: string;
}

/** What "send a test" answers: the provider's own answer. */
export interface ChannelTestResult {
  ok: boolean;
  statusCode: number | null;
  answer: string;
  latencyMs: number;
}

/**
 * One notification as providers render it: what happened to which endpoint, why and since when.
 * Several at once make a grouped message (flood control).
 */
export interface Notice {
  /** The notification's id (the outbox row): the same on every attempt, a receiver de-duplicates on it. */
  id: string;
  event: NotificationEvent | 'reminder';
  endpoint: { id: string; name: string; type: MonitorType; address: string; tags: string[] };
  /** The endpoint's status when it happened. */
  status: EndpointStatus;
  previousStatus: EndpointStatus | null;
  /** When it happened. */
  at: string;
  /** When the trouble started (the incident's start, or the status change); null when not in trouble. */
  since: string | null;
  incidentId: string | null;
  /** Why: the last check's answer. */
  reason: {
    statusCode: number | null;
    errorMessage: string | null;
    errorCode: CheckErrorCode | null;
    /** Each failed assertion, described ("$.status equals \"ok\": saw \"down\""). */
    failedAssertions: string[];
    responseTime: number | null;
  };
  /** incident-resolved / recovered: how long the trouble lasted. */
  durationMs: number | null;
  /** certificate-expiring: the certificate's end. */
  certificate: { expiresAt: string; daysLeft: number } | null;
  /** reminder: which one, and of how many at most. */
  reminder: { number: number; max: number } | null;
  /**
   * The key shared by an alert and what follows it (its reminders and resolution): PagerDuty's
   * dedup_key, Opsgenie's alias, an email's thread.
   */
  threadKey: string;
  /** What the provider answered for the first message of this thread (a Telegram message id, an email Message-ID); null: none. */
  threadRef: string | null;
  /** The endpoint's page (PUBLIC_URL); null when PUBLIC_URL is not set. */
  link: string | null;
  /** The realtime event behind it, as on the bus (for the generic webhook's `event` and `data`). */
  source: { event: string; data: unknown } | null;
}
