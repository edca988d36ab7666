import type { Context } from 'hono';
import { ValidationError } from '../domain/errors.ts';

/** The request's JSON body, or a 400 that says what is wrong with it. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw new ValidationError([{ path: '', message: 'request body is empty; send a JSON object' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ path: '', message: `malformed JSON: ${(error as Error).message}` }]);
  }
}
