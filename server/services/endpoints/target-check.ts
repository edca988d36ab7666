import { ValidationError, type FieldError } from '../../domain/errors.ts';
import { describeBlockedUrl, type TargetPolicy } from '../../security/target-policy.ts';
import { pushTokenOf } from '../../contract/monitor-address.ts';
import type { PushDirectory } from '../push/push-directory.ts';

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

/**
 * Refuses push URLs whose token another endpoint has (a ping must lead to one endpoint), or that
 * two entries of one request share; `id`: the endpoint the entry is (its own token is free to it).
 */
export function assertPushTokensFree(directory: Pick<PushDirectory, 'find'>, entries: { path: string; url: string; id?: string | undefined }[]): void {
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  for (const { path, url, id } of entries) {
    const token = pushTokenOf(url);
    if (token === null) continue;
    const holder = directory.find(token);
    const first = seen.get(token);
    if ((holder !== null && holder !== id) || first !== undefined) {
      errors.push({
        path,
        message: first
          ? `is the push URL of ${first} as well; each push endpoint needs its own`
          : 'is the push URL of another endpoint; leave it out and Vigil makes a new one',
        code: 'duplicate_push_url',
        params: {},
      });
    }
    seen.set(token, path);
  }
  if (errors.length > 0) throw new ValidationError(errors.slice(0, MAX_LISTED_ERRORS));
}
