/** Errors the services throw; the HTTP layer maps each to one problem+json status. */

export class DomainError extends Error {}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
    this.name = 'NotFoundError';
  }
}

export interface FieldError {
  path: string;
  message: string;
}

/** Beyond this many, field errors are summed up in one last line rather than listed. */
export const MAX_LISTED_ERRORS = 100;

/**
 * Bad input, field by field. However many fields are wrong, at most MAX_LISTED_ERRORS are kept,
 * then one line counting the rest: an answer stays small whatever the request held.
 */
export class ValidationError extends DomainError {
  readonly errors: FieldError[];
  /** How many errors there were, the unlisted ones included. */
  readonly total: number;

  constructor(errors: FieldError[]) {
    const listed = errors.slice(0, MAX_LISTED_ERRORS).map((e) => ({ path: clip(e.path, 200), message: clip(e.message, 500) }));
    const unlisted = errors.length - listed.length;
    const all = unlisted ? [...listed, { path: '', message: `…and ${unlisted.toLocaleString('en-US')} more errors` }] : listed;
    super(all.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
    this.name = 'ValidationError';
    this.errors = all;
    this.total = errors.length;
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** A path or message that echoes input (a 100 KB header name) is shortened, not repeated whole. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
