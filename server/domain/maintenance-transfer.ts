import { z } from 'zod';
import type { ImportMode, MaintenanceWindowDefinition } from '../contract/types.ts';
import { MAINTENANCE_LIMITS } from '../contract/maintenance-limits.ts';
import { UUID_PATTERN } from './ids.ts';
import { coherenceErrors, MaintenanceCreateSchema } from './maintenance-input.ts';
import { coded } from './zod-issues.ts';

/**
 * One maintenance window of an import file: what POST /api/maintenance-windows accepts, plus the
 * id it had where it was exported (kept when it is created here).
 */
export const ImportWindowSchema = MaintenanceCreateSchema.extend({
  id: z
    .string()
    .regex(UUID_PATTERN, 'must be a UUID')
    .transform((id) => id.toLowerCase())
    .optional(),
})
  .transform((entry) => ({ ...entry, kind: entry.kind ?? (entry.cron === null ? ('once' as const) : ('recurring' as const)) }))
  .superRefine((entry, ctx) => {
    for (const e of coherenceErrors(entry)) ctx.addIssue({ code: 'custom', path: [e.path], ...coded(e.message, e.code ?? 'invalid', e.params) });
  });

export type ImportWindow = z.output<typeof ImportWindowSchema>;

export const ImportWindowsSchema = z
  .array(ImportWindowSchema)
  .max(MAINTENANCE_LIMITS.windows, `must hold at most ${MAINTENANCE_LIMITS.windows} windows`)
  .superRefine((entries, ctx) => {
    const first = new Map<string, number>();
    entries.forEach((entry, i) => {
      if (entry.id === undefined) return;
      const seen = first.get(entry.id);
      if (seen === undefined) first.set(entry.id, i);
      else
        ctx.addIssue({
          code: 'custom',
          path: [i, 'id'],
          ...coded(`is the id of maintenanceWindows.${seen} as well`, 'duplicate_id', { first: `maintenanceWindows.${seen}` }),
        });
    });
  });

export interface StoredWindow {
  id: string;
  definition: MaintenanceWindowDefinition;
}

export type WindowStep =
  | { action: 'created'; id: string | undefined; definition: MaintenanceWindowDefinition }
  | { action: 'updated' | 'unchanged'; id: string; definition: MaintenanceWindowDefinition }
  | { action: 'deleted'; id: string; definition: MaintenanceWindowDefinition };

/**
 * What an import does with each window: an entry whose id is stored here updates that window (or
 * leaves it unchanged), any other entry creates one; in replace mode, windows the file does not
 * name are deleted. (Windows are matched by id only: their names need not be unique.)
 */
export function planWindowImport(stored: StoredWindow[], entries: ImportWindow[], mode: ImportMode): WindowStep[] {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const named = new Set<string>();
  const steps: WindowStep[] = entries.map(({ id, ...definition }) => {
    const match = id !== undefined ? byId.get(id) : undefined;
    if (!match) return { action: 'created', id, definition };
    named.add(match.id);
    return { action: sameWindow(match.definition, definition) ? 'unchanged' : 'updated', id: match.id, definition };
  });
  if (mode === 'replace') for (const s of stored) if (!named.has(s.id)) steps.push({ action: 'deleted', id: s.id, definition: s.definition });
  return steps;
}

function sameWindow(a: MaintenanceWindowDefinition, b: MaintenanceWindowDefinition): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(a).sort());
}
