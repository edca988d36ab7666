import type { ChannelConfigValue, ChannelType, Notice, NotificationLanguage } from '../contract/notifications.ts';

/** One message to send on one channel: one notice, or several grouped (flood control). */
export interface OutgoingMessage {
  language: NotificationLanguage;
  /** One or more; more than one is a grouped message that says how many. */
  notices: Notice[];
  /** For a grouped message: the key of the group (PagerDuty's dedup_key, Opsgenie's alias for it). */
  groupKey: string | null;
  /** A test sent from the dashboard or `POST /api/notification-channels/:id/test`. */
  test: boolean;
}

/** What the provider answered to one attempt. */
export interface ProviderAnswer {
  ok: boolean;
  /** HTTP status, or the SMTP reply code; null when nothing answered (network error, timeout). */
  statusCode: number | null;
  /** The answer, shortened to ~300 characters (or the error's message). Never a secret. */
  answer: string;
  /** Worth trying again: 408, 429, 5xx, network errors, SMTP 4xx. False for other 4xx and SMTP 5xx. */
  retryable: boolean;
  /** From a 429's or 503's Retry-After (seconds or HTTP date), or the provider's own field (Telegram's retry_after); null: none. */
  retryAfterMs: number | null;
  /** What the provider calls the message, for replies and threads (a Telegram message_id, an email Message-ID); null: none. */
  threadRef: string | null;
}

/** What a send may use: the HTTP client and limits, set by Vigil. */
export interface SendContext {
  /** Sends one HTTP request (the target policy is applied to the URL before). */
  fetch: typeof fetch;
  timeoutMs: number;
  userAgent: string;
}

/**
 * A kind of channel. `send` never throws: a failure is an answer (retryable or not).
 * @example await slack.send(message, { webhookUrl: 'https://hooks.slack.com/…' }, context)
 */
export interface Provider {
  type: ChannelType;
  /** The provider's own limit, as the shortest time between two messages on one channel (ms). */
  minIntervalMs: number;
  /** Whether a resolution can reference its alert (dedup keys, replies, threads). */
  threads: boolean;
  /** Whether a follow-up answers the alert by the provider's reference of it (`threadRef`: Telegram's message id, email's Message-ID). */
  replies?: boolean;
  send(message: OutgoingMessage, config: Record<string, ChannelConfigValue>, context: SendContext): Promise<ProviderAnswer>;
}
