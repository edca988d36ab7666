import { Hono } from 'hono';

/**
 * Lets clients find out whether writes need a key, and try one without side effects: the POST
 * passes the same key check as every other write (so wrong keys count towards throttling).
 */
export function authRoutes(keyRequired: boolean) {
  return new Hono().get('/auth', (c) => c.json({ keyRequired })).post('/auth/verify', (c) => c.json({ ok: true, keyRequired }));
}
