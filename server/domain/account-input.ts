import { ValidationError, type FieldError } from './errors.ts';
import { isRole, type Role } from '../auth/roles.ts';
import { EMAIL } from './subscription-input.ts';

export const ACCOUNT_LIMITS = { emailLength: 254, nameLength: 100, passwordMin: 10, passwordMax: 1000 } as const;

export interface NewAccount {
  email: string;
  name: string;
  password: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * Reads a new account: `email` (its sign-in name, kept in lower case), `name` (shown; defaults to
 * the email's local part), `password` (10 to 1000 characters, not the email). Throws ValidationError
 * naming every wrong field.
 */
export function parseNewAccount(input: Record<string, unknown>): NewAccount {
  const errors: FieldError[] = [];
  const email = text(input.email)?.trim().toLowerCase() ?? '';
  const name = text(input.name)?.trim() || email.split('@')[0] || '';
  const password = text(input.password) ?? '';
  if (!email) errors.push({ path: 'email', message: 'is required', code: 'required' });
  else if (email.length > ACCOUNT_LIMITS.emailLength || !EMAIL.test(email))
    errors.push({ path: 'email', message: 'is not an email address', code: 'invalid_email', params: { address: email.slice(0, 100) } });
  if (name.length > ACCOUNT_LIMITS.nameLength)
    errors.push({
      path: 'name',
      message: `must be at most ${ACCOUNT_LIMITS.nameLength} characters`,
      code: 'too_long',
      params: { max: ACCOUNT_LIMITS.nameLength },
    });
  errors.push(...passwordErrors(password, email));
  if (errors.length) throw new ValidationError(errors);
  return { email, name, password };
}

/** What is wrong with a new password (too short, too long, the email itself). */
export function passwordErrors(password: string, email: string, path = 'password'): FieldError[] {
  if (!password) return [{ path, message: 'is required', code: 'required' }];
  const length = [...password].length;
  if (length < ACCOUNT_LIMITS.passwordMin)
    return [{ path, message: `must be at least ${ACCOUNT_LIMITS.passwordMin} characters`, code: 'too_short', params: { min: ACCOUNT_LIMITS.passwordMin } }];
  if (length > ACCOUNT_LIMITS.passwordMax)
    return [{ path, message: `must be at most ${ACCOUNT_LIMITS.passwordMax} characters`, code: 'too_long', params: { max: ACCOUNT_LIMITS.passwordMax } }];
  if (password.trim().toLowerCase() === email) return [{ path, message: 'must not be the email address', code: 'password_is_email' }];
  return [];
}

/** Reads sign-in input: `email` and `password`, both required (nothing else is checked: a wrong one is just wrong). */
export function parseSignIn(input: Record<string, unknown>): { email: string; password: string } {
  const email = text(input.email)?.trim().toLowerCase() ?? '';
  const password = text(input.password) ?? '';
  const errors: FieldError[] = [];
  if (!email) errors.push({ path: 'email', message: 'is required', code: 'required' });
  if (!password) errors.push({ path: 'password', message: 'is required', code: 'required' });
  if (password.length > ACCOUNT_LIMITS.passwordMax * 4)
    errors.push({
      path: 'password',
      message: `must be at most ${ACCOUNT_LIMITS.passwordMax} characters`,
      code: 'too_long',
      params: { max: ACCOUNT_LIMITS.passwordMax },
    });
  if (errors.length) throw new ValidationError(errors);
  return { email: email.slice(0, ACCOUNT_LIMITS.emailLength + 1), password };
}

/** Reads a role: owner, editor or viewer. */
export function parseRole(value: unknown, path = 'role'): Role {
  if (isRole(value)) return value;
  throw new ValidationError([{ path, message: 'must be one of owner, editor, viewer', code: 'invalid_choice', params: { allowed: 'owner, editor, viewer' } }]);
}

/** The body as an object, or a ValidationError `not_an_object`. */
export function bodyObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError([{ path: '', message: 'request body must be a JSON object', code: 'not_an_object' }]);
  }
  return input as Record<string, unknown>;
}
