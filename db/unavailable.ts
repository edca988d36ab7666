/**
 * Telling "the database is away" (down, unreachable, restarting, out of disk) from every other
 * failure: the first is the operator's weather, answered with 503 and retried; the rest are bugs
 * or bad requests.
 */

export interface DatabaseFault {
  /** A short code: ECONNREFUSED, CONNECT_TIMEOUT, 53100 (disk full), 57P01 (shutting down)… */
  code: string;
  /** The cause in one line, without the SQL or its parameters. */
  message: string;
}

/** Faults of a database that answers but cannot store (reads still work). */
const NO_SPACE_CODES = new Set(['53100', 'ENOSPC', 'EDQUOT', 'EROFS', '25006']);

/** Whether the fault means the database cannot be reached at all (as opposed to being out of space). */
export function isUnreachable(fault: DatabaseFault): boolean {
  return !NO_SPACE_CODES.has(fault.code);
}

/** Node socket errors and postgres.js connection errors. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOSPC',
  'EIO',
  'EROFS',
  'EDQUOT',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'STATEMENT_TIMEOUT',
]);

/**
 * SQLSTATE classes and codes that mean the server cannot serve now, whatever the query:
 * 08 connection exception, 53 insufficient resources (53100 disk full), 57P01–57P03 shutdown or
 * start-up, 57014 query cancelled (a statement timeout), 58030 I/O error, 25006 read-only.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || /^57P0[1-5]$/.test(code) || code === '57014' || code === '58030' || code === '25006';
}

/** The database fault behind an error (looking through drizzle's wrapping), or null if it is not one. */
export function databaseFault(error: unknown): DatabaseFault | null {
  for (
    let e = error as { code?: unknown; message?: unknown; cause?: unknown; errno?: unknown } | undefined, depth = 0;
    e && depth < 6;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e !== 'object') break;
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : '';
    if (code && (CONNECTION_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))) {
      return { code, message: oneLine(message) };
    }
    if (/no space left on device/i.test(message)) return { code: 'ENOSPC', message: oneLine(message) };
    // postgres.js tags socket errors with the code in the message only in some versions.
    const socketCode = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)\b/.exec(message)?.[1];
    if (socketCode) return { code: socketCode, message: oneLine(message) };
    // PGlite aborted (a write it could not survive): the database is unusable until reopened.
    if (/^Aborted\(/.test(message) || /PGlite is closed/i.test(message)) return { code: 'PGLITE_ABORTED', message: oneLine(message) };
  }
  return null;
}

/** A one-line description of any error for logs: the cause's code and message, never a query's parameters. */
export function describeError(error: unknown): string {
  const fault = databaseFault(error);
  if (fault) return `${fault.code}: ${fault.message}`;
  let e = error as { message?: unknown; cause?: unknown } | undefined;
  // Drizzle wraps the driver's error in "Failed query: <sql> params: <every value>": show the cause.
  while (e && typeof e === 'object' && typeof e.message === 'string' && e.message.startsWith('Failed query:') && e.cause) e = e.cause as typeof e;
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error || typeof e?.message === 'string' ? String(e!.message) : String(error);
  return `${typeof code === 'string' ? `${code}: ` : ''}${oneLine(message)}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** A row referred to another that is gone (an endpoint deleted while its result was on its way). */
/**
 * Whether the database refused a value itself (SQLSTATE class 22, data exception: text jsonb
 * cannot hold, a number out of range…): sending the same values again can never succeed.
 */
export function isDataException(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  return false;
}

export function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23503') return true;
  }
  return false;
}
