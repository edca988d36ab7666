import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { MessageParams, ProblemDetails } from '../contract/types.ts';
import { AccessError, ConflictError, DomainError, NotFoundError, ValidationError, type CodedFieldError } from '../domain/errors.ts';
import { databaseFault, type DatabaseFault } from '../../db/unavailable.ts';
import { CLIENT_ABORT_DETAIL, isClientAbort } from './client-abort.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem's code when nothing more precise is known: its status in words (docs/api-errors.md). */
export const STATUS_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  421: 'misdirected_request',
  429: 'too_many_requests',
  500: 'internal_error',
  503: 'service_unavailable',
};

export interface ProblemCode {
  code?: string;
  params?: MessageParams;
  errors?: CodedFieldError[];
}

export function problem(c: Context, status: ContentfulStatusCode, detail: string, coded: ProblemCode = {}): Response {
  const body: ProblemDetails = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail, code: coded.code ?? STATUS_CODES[status] ?? 'error' };
  if (coded.params && Object.keys(coded.params).length) body.params = coded.params;
  if (coded.errors?.length) body.errors = coded.errors;
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json' });
}

/** The one place where errors become answers: a client's mistake is never a 500. */
export function handleError(error: Error, c: Context, log: (e: unknown) => void = console.error): Response {
  if (error instanceof AccessError && error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
  if (error instanceof DomainError) {
    const errors = error instanceof ValidationError ? error.errors : undefined;
    return problem(c, domainStatus(error), error.message, { code: error.code, params: error.params, errors });
  }
  if (error instanceof HTTPException) return problem(c, error.status as ContentfulStatusCode, error.message || TITLES[error.status] || 'Error');
  if (isClientAbort(error)) {
    // Nobody reads this answer; the reporter writes one debug line, without a stack.
    log(error);
    c.header('Connection', 'close');
    return problem(c, 400, CLIENT_ABORT_DETAIL, { code: 'client_aborted' });
  }
  const fault = databaseFault(error);
  if (fault) {
    // The operator's weather, not a bug: the logger keeps it to one short line every few seconds.
    log(error);
    return databaseUnavailable(c, fault);
  }
  log(error);
  return problem(c, 500, 'An unexpected error occurred; it has been logged.');
}

/** The status of a domain error's class: bad input 400, unknown id 404, a conflicting change 409. */
function domainStatus(error: DomainError): ContentfulStatusCode {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof AccessError) return error.status;
  return 400;
}

/** 503 while the database is away: what is wrong, that nothing is lost, and when to try again. */
export function databaseUnavailable(c: Context, fault: DatabaseFault): Response {
  c.header('Retry-After', '5');
  return problem(
    c,
    503,
    `The database is unavailable (${fault.code}: ${fault.message}). Checks go on and their results are stored when it is back; try again shortly.`,
    { code: 'database_unavailable', params: { cause: fault.code } },
  );
}
