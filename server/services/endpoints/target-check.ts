import { ValidationError, type FieldError } from '../../domain/errors.ts';
import { describeBlockedUrl, type TargetPolicy } from '../../security/target-policy.ts';

/** Beyond this many, blocked URLs are summed up in one last line (as the import's field errors are). */
const MAX_LISTED_ERRORS = 100;

/**
 * Refuses URLs whose host the target policy blocks (an address in any notation, or a blocked host
 * name), naming each field. Names that merely resolve to a blocked address are the checker's to
 * refuse, at connect time.
 * @example assertTargetsAllowed(ctx.targets, [{ path: 'url', url: definition.url }]);
 */
export function assertTargetsAllowed(policy: TargetPolicy, urls: { path: string; url: string }[]): void {
  const errors: FieldError[] = [];
  for (const { path, url } of urls) {
    const decision = policy.decideUrl(url);
    if (!decision.allowed) errors.push({ path, message: describeBlockedUrl(decision), code: 'blocked_target', params: { url } });
  }
  if (errors.length === 0) return;
  if (errors.length > MAX_LISTED_ERRORS) {
    const more = errors.length - MAX_LISTED_ERRORS;
    throw new ValidationError([
      ...errors.slice(0, MAX_LISTED_ERRORS),
      { path: '', message: `and ${more} more blocked targets`, code: 'more_errors', params: { count: more } },
    ]);
  }
  throw new ValidationError(errors);
}
