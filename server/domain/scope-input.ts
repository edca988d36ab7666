import { z } from 'zod';
import { ENDPOINT_LIMITS } from '../contract/endpoint-limits.ts';
import { countedFirst } from './bounded-input.ts';
import { UUID_PATTERN } from './ids.ts';
import { displayable } from './text-rules.ts';

/**
 * The fields that say which endpoints something covers (a maintenance window, a notification
 * channel): all of them, or these ids and those with any of these tags. Ids are lower-cased and
 * both lists de-duplicated.
 */
export function scopeFields(limits: { endpointIds: number; tags: number }) {
  return {
    allEndpoints: z.boolean(),
    endpointIds: countedFirst(
      z.array(z.string().regex(UUID_PATTERN, 'must be a UUID')).max(limits.endpointIds, `at most ${limits.endpointIds} endpoints`),
      'items',
      limits.endpointIds,
      `at most ${limits.endpointIds} endpoints`,
    ).transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
    tags: countedFirst(
      z
        .array(
          z
            .string()
            .trim()
            .min(1, 'must not be empty')
            .max(ENDPOINT_LIMITS.tagLength, `must be at most ${ENDPOINT_LIMITS.tagLength} characters`)
            .superRefine(displayable),
        )
        .max(limits.tags, `at most ${limits.tags} tags`),
      'items',
      limits.tags,
      `at most ${limits.tags} tags`,
    ).transform((tags) => [...new Set(tags)]),
  };
}
