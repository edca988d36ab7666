import { randomBytes } from 'node:crypto';

/** A new push endpoint's URL: `push:` and 24 random bytes as base64url (32 characters). */
export function newPushUrl(): string {
  return `push:${randomBytes(24).toString('base64url')}`;
}
