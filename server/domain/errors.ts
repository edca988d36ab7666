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

export class ValidationError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '));
    this.name = 'ValidationError';
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
