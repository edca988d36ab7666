import type { ChannelField, ChannelType } from './notifications.ts';

/**
 * The `config` keys of each channel type: the API validates a channel against them and the
 * dashboard draws its form from them. Every provider address can be changed (a self-hosted
 * server, the EU region, a proxy), so nothing is bound to one host.
 */
export const CHANNEL_FIELDS: Record<ChannelType, readonly ChannelField[]> = {
  webhook: [
    { key: 'url', kind: 'url', required: true, secret: false },
    { key: 'secret', kind: 'text', required: false, secret: true },
  ],
  slack: [{ key: 'webhookUrl', kind: 'url', required: true, secret: true }],
  discord: [{ key: 'webhookUrl', kind: 'url', required: true, secret: true }],
  telegram: [
    { key: 'botToken', kind: 'text', required: true, secret: true },
    { key: 'chatId', kind: 'text', required: true, secret: false },
    { key: 'apiUrl', kind: 'url', required: false, secret: false, default: 'https://api.telegram.org' },
  ],
  teams: [{ key: 'webhookUrl', kind: 'url', required: true, secret: true }],
  'google-chat': [{ key: 'webhookUrl', kind: 'url', required: true, secret: true }],
  ntfy: [
    { key: 'serverUrl', kind: 'url', required: false, secret: false, default: 'https://ntfy.sh' },
    { key: 'topic', kind: 'text', required: true, secret: false },
    { key: 'token', kind: 'text', required: false, secret: true },
  ],
  gotify: [
    { key: 'serverUrl', kind: 'url', required: true, secret: false },
    { key: 'appToken', kind: 'text', required: true, secret: true },
  ],
  pagerduty: [
    { key: 'routingKey', kind: 'text', required: true, secret: true },
    { key: 'apiUrl', kind: 'url', required: false, secret: false, default: 'https://events.pagerduty.com/v2/enqueue' },
  ],
  opsgenie: [
    { key: 'apiKey', kind: 'text', required: true, secret: true },
    { key: 'apiUrl', kind: 'url', required: false, secret: false, default: 'https://api.opsgenie.com' },
  ],
  email: [
    { key: 'host', kind: 'text', required: true, secret: false },
    { key: 'port', kind: 'number', required: false, secret: false, default: 587 },
    { key: 'security', kind: 'choice', required: false, secret: false, choices: ['starttls', 'tls', 'none'], default: 'starttls' },
    { key: 'username', kind: 'text', required: false, secret: false },
    { key: 'password', kind: 'text', required: false, secret: true },
    { key: 'from', kind: 'text', required: true, secret: false },
    { key: 'to', kind: 'emails', required: true, secret: false },
  ],
};

/** Limits of a channel's fields. */
export const CHANNEL_LIMITS = {
  nameLength: 100,
  configValueLength: 2000,
  groupSecondsMax: 300,
  groupSecondsDefault: 5,
  reminderEveryMinutesMax: 10_080,
  reminderMaxCount: 100,
  channelsMax: 200,
  recipientsMax: 50,
} as const;
