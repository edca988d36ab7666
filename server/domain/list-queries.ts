import { UUID_PATTERN } from './ids.ts';
import { z } from 'zod';
import { ENDPOINT_STATUSES, type EndpointStatus } from '../contract/types.ts';
import { ValidationError } from './errors.ts';
import { coded, codedPattern, toFieldErrors } from './zod-issues.ts';

/** Query strings of the list routes, parsed with the same care as bodies. Unknown parameters are ignored. */

const limit = (max: number, fallback: number) =>
  z
    .string()
    .regex(codedPattern(/^\d+$/, 'not_integer'), 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .default(fallback);

const isoTime = z
  .string()
  .refine((v) => /^\d{4}-\d\d-\d\d/.test(v) && isStorableTime(new Date(v)), coded('must be an ISO 8601 time between years 1 and 9999', 'invalid_time'))
  .transform((v) => new Date(v));

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !v.includes('\0'), coded('must not contain NUL characters', 'nul_character'));

/** Whether PostgreSQL can store this time (it refuses year 0 and earlier). */
export function isStorableTime(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}

const uuid = z.string().regex(UUID_PATTERN, 'must be a UUID');

const statusList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim().toUpperCase()))
  .refine(
    (list) => list.every((s) => (ENDPOINT_STATUSES as readonly string[]).includes(s)),
    coded(`must be one or more of ${ENDPOINT_STATUSES.join(', ')} (comma-separated)`, 'invalid_choice', { allowed: ENDPOINT_STATUSES.join(', ') }),
  )
  .transform((list) => list as EndpointStatus[]);

const EndpointList = z.object({
  status: statusList.optional(),
  parentId: uuid.transform((id) => id.toLowerCase()).optional(),
  tag: text(50).optional(),
  q: text(200).optional(),
  paused: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  limit: limit(500, 50),
  cursor: z.string().max(200).optional(),
});

const CheckList = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: limit(1000, 100),
    cursor: z.string().max(200).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { ...coded('must not be after to', 'from_after_to'), path: ['from'] });

const IncidentList = z.object({
  status: z.enum(['open', 'resolved'], { error: 'must be open or resolved' }).optional(),
  endpointId: uuid.optional(),
  limit: limit(500, 50),
  cursor: z.string().max(200).optional(),
});

const MaintenanceList = z.object({
  active: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  endpointId: uuid.optional(),
  limit: limit(500, 100),
  cursor: z.string().max(200).optional(),
});

const RecentChecks = z.object({
  perEndpoint: limit(100, 20),
});

/** Most days one report covers. */
export const REPORT_MAX_DAYS = 400;

const idList = z
  .string()
  .max(40_000, 'must be at most 40000 characters')
  .transform((v) => [
    ...new Set(
      v
        .split(',')
        .map((id) => id.trim().toLowerCase())
        .filter((id) => id !== ''),
    ),
  ])
  .pipe(z.array(z.string().regex(UUID_PATTERN, 'must list UUIDs separated by commas')).max(1000, 'at most 1000 endpoints'));

const UptimeReportQuery = z
  .object({
    from: isoTime,
    to: isoTime.optional(),
    endpointIds: idList.optional(),
    tags: text(1100)
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((t) => t.trim())
            .filter((t) => t !== ''),
        ),
      ])
      .optional(),
    format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json'),
  })
  .superRefine((q, ctx) => {
    // Zod runs this even when a time was refused: it is then still the text sent.
    if (!(q.from instanceof Date) || (q.to !== undefined && !(q.to instanceof Date))) return;
    const to = q.to ?? new Date();
    if (to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], ...coded('must be after from', 'ends_before_start') });
    else if (to.getTime() - q.from.getTime() > REPORT_MAX_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], ...coded(`a report covers at most ${REPORT_MAX_DAYS} days`, 'period_too_long', { max: REPORT_MAX_DAYS }) });
    }
  });

export type UptimeReportQuery = z.infer<typeof UptimeReportQuery>;
export const parseUptimeReportQuery = (raw: Record<string, string>) => parseQuery(UptimeReportQuery, raw);

const AuditList = z
  .object({
    actorId: uuid.transform((id) => id.toLowerCase()).optional(),
    actorKind: z.enum(['session', 'key', 'api-key', 'local', 'anonymous'], { error: 'must be one of session, key, api-key, local, anonymous' }).optional(),
    action: text(100).optional(),
    targetType: text(50).optional(),
    targetId: text(200).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: limit(500, 100),
    cursor: z.string().max(200).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], ...coded('must not be after `to`', 'from_after_to') });

export type AuditListQuery = z.infer<typeof AuditList>;
export const parseAuditListQuery = (raw: Record<string, string>) => parseQuery(AuditList, raw);

/** The query schemas by route, for the OpenAPI document (its parameters are these schemas' keys). */
export const QUERY_SCHEMAS = {
  endpoints: EndpointList,
  checks: CheckList,
  incidents: IncidentList,
  recentChecks: RecentChecks,
  maintenanceWindows: MaintenanceList,
  uptimeReport: UptimeReportQuery,
  auditLog: AuditList,
} as const;

export type EndpointListQuery = z.infer<typeof EndpointList>;
export type CheckListQuery = z.infer<typeof CheckList>;
export type IncidentListQuery = z.infer<typeof IncidentList>;
export type RecentChecksQuery = z.infer<typeof RecentChecks>;

export const parseEndpointListQuery = (raw: Record<string, string>) => parseQuery(EndpointList, raw);
export const parseCheckListQuery = (raw: Record<string, string>) => parseQuery(CheckList, raw);
export const parseIncidentListQuery = (raw: Record<string, string>) => parseQuery(IncidentList, raw);
export const parseRecentChecksQuery = (raw: Record<string, string>) => parseQuery(RecentChecks, raw);
export const parseMaintenanceListQuery = (raw: Record<string, string>) => parseQuery(MaintenanceList, raw);

function parseQuery<T>(schema: z.ZodType<T>, raw: Record<string, string>): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap(toFieldErrors));
}
