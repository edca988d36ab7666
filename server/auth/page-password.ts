import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a page's access cookie lasts. */
export const ACCESS_DAYS = 30;

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
