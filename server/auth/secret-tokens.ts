import { createHash, randomBytes } from 'node:crypto';

/**
 * The stored form of a secret shown once (a session cookie, a personal key, an invite or password
 * reset link): its SHA-256, base64url. A stolen table holds nothing that works.
 */
export const digestOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A new one-time link's token: 192 random bits, 32 base64url characters. */
export const newLinkToken = () => randomBytes(24).toString('base64url');

/** Whether a string has the form of a link's token (nothing else is looked up). */
export const isLinkToken = (token: string) => /^[A-Za-z0-9_-]{32}$/.test(token);
