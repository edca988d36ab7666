import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ConflictError } from '../domain/errors.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
// 2^14 × 8 × 128 B = 16 MiB and ~40 ms a guess: slow for a guesser, fine for one sign-in.
const COST = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_BYTES = 32;

/** `scrypt$<salt>$<hash>`, base64url. The password is NFC-normalized first (the same word typed on any keyboard). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFC'), salt, KEY_BYTES, COST);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether the password is the one hashed (constant time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, COST);
  return timingSafeEqual(given, expected);
}

/** A hash no password matches, verified against when the account does not exist: a miss costs what a wrong password costs. */
export const UNMATCHABLE_HASH = `scrypt$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;

/** Whether a presented token is the expected one, in constant time whatever it holds (any length, any characters). */
export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The stored hash of an account without a password (made through single sign-on): no password matches it. */
export const NO_PASSWORD = 'none';

/** 409 for a password or two-factor change of an account that signs in through single sign-on. */
export function noPassword(): ConflictError {
  return new ConflictError('This account signs in through single sign-on: its password and two-factor sign-in are the provider’s.', 'no_password');
}
