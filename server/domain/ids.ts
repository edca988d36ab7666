import { codedPattern } from './zod-issues.ts';

/** The shape of every id Vigil hands out (UUIDs), checked before an id reaches the database. */
export const UUID_PATTERN = codedPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'invalid_uuid');
