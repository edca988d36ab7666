/** Errors the services throw; the HTTP layer maps each class to one problem+json status. */
import type { MessageParams } from '../contract/types.ts';

/**
 * An error with its stable code and parameters (docs/api-errors.md), so that whoever answers it
 * (a problem, a subscription's acknowledgement) reads what went wrong without parsing `message`,
 * which says it in English.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly params: MessageParams = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`, 'not_found', { resource: what, id });
    this.name = 'NotFoundError';
  }
}

/**
 * One wrong field: `code` and `params` say it for translation (docs/api-errors.md), `message` in
 * English. A message without a code gets `invalid`.
 */
export interface FieldError {
  path: string;
  message: string;
  code?: string;
  params?: MessageParams;
}

/** A field error as answered: always coded. */
export type CodedFieldError = Required<FieldError>;

/** Beyond this many, field errors are summed up in one last line rather than listed. */
export const MAX_LISTED_ERRORS = 100;

/**
 * Bad input, field by field. However many fields are wrong, at most MAX_LISTED_ERRORS are kept,
 * then one line counting the rest: an answer stays small whatever the request held.
 */
export class ValidationError extends DomainError {
  readonly errors: CodedFieldError[];
  /** How many errors there were, the unlisted ones included. */
  readonly total: number;

  constructor(errors: FieldError[]) {
    const all = listedErrors(errors);
    super(all.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '), 'invalid_input');
    this.name = 'ValidationError';
    this.errors = all;
    this.total = errors.length;
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'conflict', params: MessageParams = {}) {
    super(message, code, params);
    this.name = 'ConflictError';
  }
}

/** The first MAX_LISTED_ERRORS errors, coded and clipped, then one `more_errors` line for the rest. */
function listedErrors(errors: FieldError[]): CodedFieldError[] {
  const listed = errors
    .slice(0, MAX_LISTED_ERRORS)
    .map((e) => ({ path: clip(e.path, 200), message: clip(e.message, 500), code: e.code ?? 'invalid', params: clipParams(e.params ?? {}) }));
  const unlisted = errors.length - listed.length;
  const more = { path: '', message: `…and ${unlisted.toLocaleString('en-US')} more errors`, code: 'more_errors', params: { count: unlisted } };
  return unlisted ? [...listed, more] : listed;
}

/** A path or message that echoes input (a 100 KB header name) is shortened, not repeated whole. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const clipParams = (params: MessageParams): MessageParams =>
  Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? clip(value, 200) : value]));

/** A caller who may not do this: 401 (who are you?), 403 (not you), 429 (too many tries). */
export class AccessError extends DomainError {
  constructor(
    readonly status: 401 | 403 | 429,
    message: string,
    code: string,
    params: MessageParams = {},
    /** With 429: when to try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, code, params);
    this.name = 'AccessError';
  }
}
