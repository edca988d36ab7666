import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;
// 2^14 × 8 × 128 B = 16 MiB and ~40 ms a guess: slow for a guesser, fine for one sign-in.
const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
/** How long a page's access cookie lasts. */
export const ACCESS_DAYS = 30;

/** `scrypt$<salt>$<hash>`, base64url. */
export async function hashPagePassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFC'), salt, KEY_BYTES, COST);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Whether the password is the one hashed (constant time). */
export async function verifyPagePassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await scryptAsync(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, COST);
  return timingSafeEqual(given, expected);
}

/**
 * The value of a page's access cookie: `<expiry seconds>.<HMAC>`, keyed by the stored hash — every
 * instance can check it, and a new password signs everyone out.
 */
export function accessToken(pageId: string, passwordHash: string, now = Date.now()): string {
  const expires = Math.floor(now / 1000) + ACCESS_DAYS * 86_400;
  return `${expires}.${sign(pageId, passwordHash, expires)}`;
}

export function isAccessToken(token: string | undefined, pageId: string, passwordHash: string, now = Date.now()): boolean {
  if (!token) return false;
  const [expiresText, mac] = token.split('.');
  const expires = Number(expiresText);
  if (!Number.isSafeInteger(expires) || expires * 1000 < now || !mac) return false;
  const expected = Buffer.from(sign(pageId, passwordHash, expires));
  const given = Buffer.from(mac);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function sign(pageId: string, passwordHash: string, expires: number): string {
  return createHmac('sha256', passwordHash).update(`${pageId}.${expires}`).digest('base64url');
}

/** The cookie's name for a page (one per page: signing in to one does not open another). */
export const accessCookieName = (pageId: string) => `vigil_page_${pageId.replaceAll('-', '')}`;
