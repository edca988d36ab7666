/** Errors the services throw; the HTTP layer maps each to one problem+json status. */
import type { MessageParams } from '../contract/types.ts';

export class DomainError extends Error {}

export class NotFoundError extends DomainError {
  readonly params: MessageParams;

  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
    this.name = 'NotFoundError';
    this.params = { resource: what, id };
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
    const listed = errors
      .slice(0, MAX_LISTED_ERRORS)
      .map((e) => ({ path: clip(e.path, 200), message: clip(e.message, 500), code: e.code ?? 'invalid', params: clipParams(e.params ?? {}) }));
    const unlisted = errors.length - listed.length;
    const more = { path: '', message: `…and ${unlisted.toLocaleString('en-US')} more errors`, code: 'more_errors', params: { count: unlisted } };
    const all = unlisted ? [...listed, more] : listed;
    super(all.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
    this.name = 'ValidationError';
    this.errors = all;
    this.total = errors.length;
  }
}

export class ConflictError extends DomainError {
  constructor(
    message: string,
    readonly code = 'conflict',
    readonly params: MessageParams = {},
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A path or message that echoes input (a 100 KB header name) is shortened, not repeated whole. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const clipParams = (params: MessageParams): MessageParams =>
  Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' ? clip(value, 200) : value]));
