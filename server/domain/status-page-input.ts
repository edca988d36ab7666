import { z } from 'zod';
import { ENDPOINT_LIMITS } from '../contract/endpoint-limits.ts';
import { STATUS_PAGE_LANGUAGES, STATUS_PAGE_LIMITS as LIMITS, STATUS_PAGE_VISIBILITIES, type StatusPageDefinition } from '../contract/status-pages.ts';
import { countedFirst } from './bounded-input.ts';
import { parseWith } from './endpoint-input.ts';
import { ValidationError } from './errors.ts';
import { UUID_PATTERN } from './ids.ts';
import { displayable, NUL_MESSAGE, noNul } from './text-rules.ts';
import { coded, codedPattern } from './zod-issues.ts';

const SLUG = codedPattern(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'invalid_slug');
/** Words a slug may not be: the page's own sub-paths would read them otherwise. */
const RESERVED_SLUGS = new Set(['assets', 'api', 'login', 'logout', 'events', 'feed', 'badge']);
/** A DNS name of at least two labels, lower case after the transform. */
const DOMAIN = codedPattern(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'invalid_domain');
const LOGO_DATA = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;
const LOGO_DATA_MAX = 65_536;

/** Optional text: trimmed, '' becomes null. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, NUL_MESSAGE)
    .transform((value) => (value === '' ? null : value))
    .nullable();

const section = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(LIMITS.sectionNameLength, `must be at most ${LIMITS.sectionNameLength} characters`)
    .superRefine(displayable),
  endpointIds: countedFirst(
    z.array(z.string().regex(UUID_PATTERN, 'must be a UUID')).max(LIMITS.endpoints, `at most ${LIMITS.endpoints} endpoints`),
    'items',
    LIMITS.endpoints,
    `at most ${LIMITS.endpoints} endpoints`,
  )
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))])
    .default([]),
  tag: z
    .string()
    .trim()
    .min(1, 'must not be empty (null: the endpoints named)')
    .max(ENDPOINT_LIMITS.tagLength, `must be at most ${ENDPOINT_LIMITS.tagLength} characters`)
    .superRefine(displayable)
    .nullable()
    .default(null),
});

const fields = {
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .min(LIMITS.slugLength.min, `must be at least ${LIMITS.slugLength.min} characters`)
    .max(LIMITS.slugLength.max, `must be at most ${LIMITS.slugLength.max} characters`)
    .regex(SLUG, 'must be lowercase letters, digits and hyphens, starting and ending with a letter or digit')
    .refine((slug) => !RESERVED_SLUGS.has(slug), coded(`is reserved (${[...RESERVED_SLUGS].join(', ')})`, 'reserved_slug')),
  title: z.string().trim().min(1, 'must not be empty').max(LIMITS.titleLength, `must be at most ${LIMITS.titleLength} characters`).superRefine(displayable),
  description: optionalText(LIMITS.descriptionLength),
  logoUrl: z
    .string()
    .trim()
    .max(LOGO_DATA_MAX + 64, `must be at most ${LOGO_DATA_MAX} characters`)
    .refine(
      (url) => url === '' || isLogoUrl(url),
      coded('must be an https:// or http:// image URL, or a data:image/png|jpeg|gif|webp;base64 URL up to 64 KB', 'invalid_logo_url'),
    )
    .transform((value) => (value === '' ? null : value))
    .nullable(),
  sections: countedFirst(
    z.array(section).max(LIMITS.sections, `at most ${LIMITS.sections} sections`),
    'items',
    LIMITS.sections,
    `at most ${LIMITS.sections} sections`,
  ),
  visibility: z.enum(STATUS_PAGE_VISIBILITIES, { error: `must be one of ${STATUS_PAGE_VISIBILITIES.join(', ')}` }),
  password: z
    .string()
    .min(LIMITS.passwordLength.min, `must be at least ${LIMITS.passwordLength.min} characters`)
    .max(LIMITS.passwordLength.max, `must be at most ${LIMITS.passwordLength.max} characters`)
    .refine(noNul, NUL_MESSAGE)
    .nullable(),
  customDomain: z
    .string()
    .trim()
    .toLowerCase()
    .transform((value) => value.replace(/\.$/, ''))
    .pipe(
      z
        .string()
        .max(LIMITS.domainLength, `must be at most ${LIMITS.domainLength} characters`)
        .regex(DOMAIN, 'must be a host name such as status.example.com (no scheme, port or path)'),
    )
    .nullable(),
  footer: optionalText(LIMITS.footerLength),
  showResponseTimes: z.boolean(),
  defaultLanguage: z.enum(STATUS_PAGE_LANGUAGES, { error: `must be one of ${STATUS_PAGE_LANGUAGES.join(', ')} or null` }).nullable(),
  /** A PATCH may name one of the two; the other keeps its value. */
  subscriptions: z.strictObject({ email: z.boolean().optional(), webhook: z.boolean().optional() }),
};

function isLogoUrl(url: string): boolean {
  if (url.startsWith('data:')) return url.length <= LOGO_DATA_MAX && LOGO_DATA.test(url);
  if (url.length > LIMITS.logoUrlLength || /[\s"'<>\\]/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export const StatusPageCreateSchema = z.strictObject({
  slug: fields.slug,
  title: fields.title,
  description: fields.description.default(null),
  logoUrl: fields.logoUrl.default(null),
  sections: fields.sections.default([]),
  visibility: fields.visibility.default('public'),
  password: fields.password.default(null),
  customDomain: fields.customDomain.default(null),
  footer: fields.footer.default(null),
  showResponseTimes: fields.showResponseTimes.default(false),
  defaultLanguage: fields.defaultLanguage.default(null),
  subscriptions: fields.subscriptions.default({}).transform((value) => ({ email: value.email ?? false, webhook: value.webhook ?? false })),
});

export const StatusPagePatchSchema = z.strictObject(fields).partial();
export type StatusPagePatch = z.infer<typeof StatusPagePatchSchema>;

/** Parses a new status page, or throws ValidationError naming each wrong field. */
export function parseStatusPageCreate(input: unknown): StatusPageDefinition {
  return parseWith(StatusPageCreateSchema, input);
}

export function parseStatusPagePatch(input: unknown): StatusPagePatch {
  return parseWith(StatusPagePatchSchema, input);
}

/**
 * The rules across fields, on the page as it will be stored (`hasPassword`: one is stored or given).
 * A section names endpoints or a tag, not both; the page shows at most LIMITS.endpoints by id.
 */
export function assertPageCoherent(definition: Omit<StatusPageDefinition, 'password'>, hasPassword: boolean): void {
  const errors = definition.sections.flatMap((s, i) =>
    s.tag !== null && s.endpointIds.length > 0
      ? [{ path: `sections.${i}.tag`, message: 'a section shows the endpoints named or those with a tag, not both', code: 'tag_with_endpoints', params: {} }]
      : [],
  );
  const named = definition.sections.reduce((n, s) => n + s.endpointIds.length, 0);
  if (named > LIMITS.endpoints) {
    errors.push({
      path: 'sections',
      message: `at most ${LIMITS.endpoints} endpoints in all sections together`,
      code: 'too_many',
      params: { max: LIMITS.endpoints },
    });
  }
  if (definition.visibility === 'password' && !hasPassword) {
    errors.push({ path: 'password', message: 'is required when visibility is "password"', code: 'required', params: {} });
  }
  if (errors.length > 0) throw new ValidationError(errors);
}
