import { SUBSCRIPTION_LIMITS as LIMITS, type SubscriberKind } from '../contract/status-pages.ts';
import { ValidationError } from './errors.ts';

/** What a visitor asked to follow a page with: an email address (lower case) or a webhook URL. */
export interface SubscribeInput {
  kind: SubscriberKind;
  target: string;
}

/** One address, no display name or list: what a mail server takes in RCPT TO. */
export const EMAIL = /^[^\s@<>,;:"()[\]\\]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}$/i;

/**
 * Reads the subscribe form or JSON: `email` or `webhookUrl` (exactly one). Throws ValidationError
 * naming the field: required, invalid_email, invalid_url.
 */
export function parseSubscribeInput(input: Record<string, unknown>): SubscribeInput {
  const email = typeof input.email === 'string' ? input.email.trim() : undefined;
  const webhookUrl = typeof input.webhookUrl === 'string' ? input.webhookUrl.trim() : undefined;
  if (email && webhookUrl) throw new ValidationError([{ path: 'email', message: 'give an email address or a webhook URL, not both', code: 'invalid' }]);
  if (email) {
    if (email.length > LIMITS.emailLength || !EMAIL.test(email)) {
      throw new ValidationError([{ path: 'email', message: 'is not an email address', code: 'invalid_email', params: { address: email.slice(0, 100) } }]);
    }
    return { kind: 'email', target: email.toLowerCase() };
  }
  if (webhookUrl) {
    if (webhookUrl.length > LIMITS.webhookUrlLength || !isWebhookUrl(webhookUrl)) {
      throw new ValidationError([
        {
          path: 'webhookUrl',
          message: `must be an https:// or http:// URL without credentials, at most ${LIMITS.webhookUrlLength} characters`,
          code: 'invalid_url',
        },
      ]);
    }
    return { kind: 'webhook', target: new URL(webhookUrl).href };
  }
  throw new ValidationError([{ path: 'email', message: 'give an email address (email) or a webhook URL (webhookUrl)', code: 'required' }]);
}

function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
