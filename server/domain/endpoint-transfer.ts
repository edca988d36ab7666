import { z } from 'zod';
import type { Assertion, EndpointDefinition, ImportAction, ImportMode, MessageParams } from '../contract/types.ts';
import { CreateSchema, coherenceErrors, parseWith, urlMissing, withType } from './endpoint-input.ts';
import { ValidationError, type FieldError } from './errors.ts';
import { UUID_PATTERN } from './ids.ts';
import { keepStoredSecrets } from './secrets.ts';
import { coded } from './zod-issues.ts';
import { ImportWindowsSchema } from './maintenance-transfer.ts';

/** The one file format of GET /api/export and POST /api/import. */
export const TRANSFER_FORMAT = { vigil: 'endpoints', version: 1 } as const;

/** Most endpoints one import may carry: every entry is validated and planned in memory. */
export const MAX_IMPORT_ENTRIES = 10_000;

/**
 * One endpoint of an import file: exactly what POST /api/endpoints accepts, plus the id it had
 * where it was exported (kept when it is created here, so ids survive a move).
 */
export const ImportEntrySchema = CreateSchema.extend({
  id: z
    .string()
    .regex(UUID_PATTERN, 'must be a UUID')
    .transform((id) => id.toLowerCase())
    .optional(),
})
  .superRefine((entry, ctx) => {
    const missing = urlMissing(entry);
    if (missing) ctx.addIssue({ code: 'custom', path: [missing.path], ...coded(missing.message, missing.code ?? 'required') });
  })
  .transform(withType)
  .superRefine((entry, ctx) => {
    for (const e of coherenceErrors(entry)) ctx.addIssue({ code: 'custom', path: [e.path], ...coded(e.message, e.code ?? 'invalid', e.params) });
  });

export type ImportEntry = z.output<typeof ImportEntrySchema>;

export const ImportDocumentSchema = z.strictObject({
  vigil: z.literal(TRANSFER_FORMAT.vigil, { error: 'must be "endpoints" (the mark of a Vigil endpoints file)' }),
  version: z.literal(TRANSFER_FORMAT.version, { error: `must be ${TRANSFER_FORMAT.version}, the only version this Vigil reads` }),
  exportedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time' }).optional(),
  endpoints: z
    .array(ImportEntrySchema)
    .max(MAX_IMPORT_ENTRIES, `must hold at most ${MAX_IMPORT_ENTRIES} endpoints`)
    .superRefine((entries, ctx) => {
      for (const e of duplicateErrors(entries)) ctx.addIssue({ code: 'custom', path: e.path, ...coded(e.message, e.code, e.params) });
    }),
  /** Left out, the windows here stay as they are (whatever the mode). */
  maintenanceWindows: ImportWindowsSchema.optional(),
});

export type ImportDocument = z.output<typeof ImportDocumentSchema>;

const ImportQuerySchema = z.object({
  mode: z.enum(['merge', 'replace'], { error: 'must be merge or replace' }).default('merge'),
  dryRun: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export type ImportOptions = z.output<typeof ImportQuerySchema>;

/** Parses ?mode=merge|replace&dryRun=true|false (unknown parameters are ignored, as on the list routes). */
export function parseImportQuery(raw: Record<string, string>): ImportOptions {
  return parseWith(ImportQuerySchema, raw);
}

const ExportQuerySchema = z.object({
  secrets: z.enum(['redact', 'include'], { error: 'must be redact or include' }).default('redact'),
});

export type ExportOptions = z.output<typeof ExportQuerySchema>;

/** Parses ?secrets=redact|include (default redact: every secret as the redaction marker). */
export function parseExportQuery(raw: Record<string, string>): ExportOptions {
  return parseWith(ExportQuerySchema, raw);
}

/**
 * Parses an import file, or throws ValidationError naming every bad field by its place in the
 * file ("endpoints.3.url"), duplicate entries included.
 */
export function parseImportDocument(input: unknown): ImportDocument {
  if (Array.isArray(input)) {
    throw new ValidationError([
      { path: '', message: 'must be the export document { "vigil": "endpoints", "version": 1, "endpoints": [...] }, not a bare array', code: 'not_a_document' },
    ]);
  }
  // Refused before the entries are read one by one.
  const entries = (input as { endpoints?: unknown } | null)?.endpoints;
  if (Array.isArray(entries) && entries.length > MAX_IMPORT_ENTRIES) {
    throw new ValidationError([
      {
        path: 'endpoints',
        message: `must hold at most ${MAX_IMPORT_ENTRIES} endpoints (this file has ${entries.length})`,
        code: 'too_many',
        params: { max: MAX_IMPORT_ENTRIES, count: entries.length },
      },
    ]);
  }
  // Past 100 errors, ValidationError lists the first ones and counts the rest.
  return parseWith(ImportDocumentSchema, input);
}

/**
 * Entries the file names twice. The same id twice is always an error. The same name twice is one
 * only when an entry without an id carries it: such an entry is found again by its name alone, so
 * a second import could not tell the two apart. (Entries with ids may share a name, as endpoints
 * may; an instance with two endpoints called "API" exports a file that imports back.)
 */
function duplicateErrors(entries: ImportEntry[]): { path: (string | number)[]; message: string; code: string; params: MessageParams }[] {
  const errors: { path: (string | number)[]; message: string; code: string; params: MessageParams }[] = [];
  const firstById = new Map<string, number>();
  const byName = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    if (entry.id !== undefined) {
      const first = firstById.get(entry.id);
      if (first === undefined) firstById.set(entry.id, i);
      else
        errors.push({
          path: [i, 'id'],
          message: `is the id of endpoints.${first} as well; each endpoint may appear once`,
          code: 'duplicate_id',
          params: { first: `endpoints.${first}` },
        });
    }
    byName.set(entry.name, [...(byName.get(entry.name) ?? []), i]);
  });
  for (const indexes of byName.values()) {
    if (indexes.length < 2 || indexes.every((i) => entries[i]!.id !== undefined)) continue;
    for (const i of indexes.slice(1)) {
      errors.push({
        path: [i, 'name'],
        message: `is the name of endpoints.${indexes[0]} as well; give the entries distinct names, or each its id`,
        code: 'duplicate_name',
        params: { first: `endpoints.${indexes[0]}` },
      });
    }
  }
  return errors;
}

/** An endpoint stored here, as an import sees it. */
export interface StoredDefinition {
  id: string;
  definition: EndpointDefinition;
}

/** What an import does with one endpoint. */
export type PlannedStep =
  | { action: 'created'; id: string | undefined; definition: EndpointDefinition }
  | { action: 'updated'; id: string; before: EndpointDefinition; definition: EndpointDefinition }
  | { action: 'unchanged'; id: string; definition: EndpointDefinition }
  | { action: 'deleted'; id: string; definition: EndpointDefinition };

/**
 * Decides what an import does, entry by entry, in file order (deletions last):
 * 1. an entry whose id is stored here is that endpoint;
 * 2. otherwise, an entry whose name is unique in the file is the one endpoint here of that name
 *    not already claimed by an id (several → ValidationError naming the entry);
 * 3. otherwise it is created (with its id, when it has one);
 * 4. a redaction marker in an entry keeps the matched endpoint's stored secret (an error for an
 *    entry that creates one: its file was exported without ?secrets=include);
 * 5. a matched endpoint is `unchanged` when its definition equals the entry's, else `updated`;
 * 6. in replace mode, every endpoint here that no entry matched is deleted.
 */
export function planImport(stored: StoredDefinition[], entries: ImportEntry[], mode: ImportMode): PlannedStep[] {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const claimed = new Set(entries.flatMap((e) => (e.id !== undefined && byId.has(e.id) ? [e.id] : [])));
  const unclaimedByName = new Map<string, StoredDefinition[]>();
  for (const s of stored) {
    if (!claimed.has(s.id)) unclaimedByName.set(s.definition.name, [...(unclaimedByName.get(s.definition.name) ?? []), s]);
  }
  const nameCount = new Map<string, number>();
  for (const e of entries) nameCount.set(e.name, (nameCount.get(e.name) ?? 0) + 1);

  const errors: FieldError[] = [];
  const steps: PlannedStep[] = entries.map((entry, i) => {
    const { id, ...entryDefinition } = entry;
    let match = id !== undefined ? byId.get(id) : undefined;
    if (!match && nameCount.get(entry.name) === 1) {
      const candidates = unclaimedByName.get(entry.name) ?? [];
      if (candidates.length > 1) {
        errors.push({
          path: `endpoints.${i}.name`,
          message: `matches ${candidates.length} endpoints here (${candidates.map((c) => c.id).join(', ')}); add the id of the one to update`,
          code: 'ambiguous_name',
          params: { count: candidates.length },
        });
      }
      if (candidates.length === 1) match = candidates[0];
    }
    // A file exported without secrets holds the redaction marker: it keeps what the match stores.
    const kept = keepStoredSecrets(entryDefinition, match?.definition ?? null, { pathPrefix: `endpoints.${i}.`, hint: 'export-with-secrets' });
    errors.push(...kept.errors);
    const definition = kept.definition;
    if (!match) return { action: 'created', id, definition };
    claimed.add(match.id);
    return sameDefinition(match.definition, definition)
      ? { action: 'unchanged', id: match.id, definition }
      : { action: 'updated', id: match.id, before: match.definition, definition };
  });
  if (errors.length) throw new ValidationError(errors);

  if (mode === 'replace') {
    for (const s of stored) if (!claimed.has(s.id)) steps.push({ action: 'deleted', id: s.id, definition: s.definition });
  }
  return steps;
}

/** Whether two definitions are the same setup (header names in any order). */
export function sameDefinition(a: EndpointDefinition, b: EndpointDefinition): boolean {
  return (
    a.name === b.name &&
    a.type === b.type &&
    a.url === b.url &&
    a.method === b.method &&
    sameRecord(a.headers, b.headers) &&
    sameList(a.secretHeaders, b.secretHeaders) &&
    a.body === b.body &&
    a.intervalSeconds === b.intervalSeconds &&
    a.retryIntervalSeconds === b.retryIntervalSeconds &&
    a.timeoutMs === b.timeoutMs &&
    sameList(a.expectedStatusCodes, b.expectedStatusCodes) &&
    a.degradedThresholdMs === b.degradedThresholdMs &&
    a.certificateWarningDays === b.certificateWarningDays &&
    a.graceSeconds === b.graceSeconds &&
    a.cron === b.cron &&
    a.timezone === b.timezone &&
    a.failureThreshold === b.failureThreshold &&
    a.recoveryThreshold === b.recoveryThreshold &&
    a.slaTarget === b.slaTarget &&
    sameAssertions(a.assertions, b.assertions) &&
    a.paused === b.paused &&
    sameList(a.tags, b.tags) &&
    a.parentId === b.parentId
  );
}

/** Assertions are compared field by field in a fixed order (stored JSON may list keys in another). */
const sameAssertions = (a: readonly Assertion[], b: readonly Assertion[]) =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i]!;
    return x.source === y.source && x.property === y.property && x.comparison === y.comparison && x.target === y.target && x.severity === y.severity;
  });

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** How many steps took each action. */
export function countActions(steps: readonly { action: ImportAction }[]): Record<ImportAction, number> {
  const counts: Record<ImportAction, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  for (const s of steps) counts[s.action]++;
  return counts;
}
