import { randomUUID } from 'node:crypto';
import { asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../../db/client.ts';
import { maintenanceWindows, type MaintenanceWindowRow } from '../../../db/schema/index.ts';
import type { ImportMode } from '../../contract/types.ts';
import { type FieldError, ValidationError } from '../../domain/errors.ts';
import { type ImportWindow, planWindowImport, type WindowStep } from '../../domain/maintenance-transfer.ts';
import { windowDefinitionOf } from '../../state/maintenance-calendar.ts';
import type { ServiceContext } from '../context.ts';
import { rowValuesOf } from './create.ts';

/** A window step once written: the row of what was created or updated. */
export type AppliedWindowStep = WindowStep & { id: string; row?: MaintenanceWindowRow };

/** What an import would do with the file's windows, against those stored in `db`; every endpoint they name must be in `endpointIds`. */
export async function planWindows(db: Database, entries: ImportWindow[], mode: ImportMode, endpointIds: ReadonlySet<string>): Promise<WindowStep[]> {
  const errors: FieldError[] = [];
  entries.forEach((entry, i) => {
    entry.endpointIds.forEach((id, j) => {
      if (!endpointIds.has(id)) {
        errors.push({
          path: `maintenanceWindows.${i}.endpointIds.${j}`,
          message: `is not an endpoint here nor in the file (${id})`,
          code: 'unknown_endpoint',
          params: { id },
        });
      }
    });
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const rows = await db.select().from(maintenanceWindows).orderBy(asc(maintenanceWindows.createdAt), asc(maintenanceWindows.id));
  return planWindowImport(
    rows.map((row) => ({ id: row.id, definition: windowDefinitionOf(row) })),
    entries,
    mode,
  );
}

/** Writes the planned steps (in the import's transaction). */
export async function applyWindowSteps(tx: Database, steps: WindowStep[]): Promise<AppliedWindowStep[]> {
  const now = Date.now();
  const applied: AppliedWindowStep[] = [];
  let created = 0;
  for (const step of steps) {
    if (step.action === 'created') {
      // A millisecond apart: the list keeps the file's order.
      const at = new Date(now + created++);
      const [row] = await tx
        .insert(maintenanceWindows)
        .values({ id: step.id ?? randomUUID(), ...rowValuesOf(step.definition), createdAt: at, updatedAt: at })
        .returning();
      applied.push({ ...step, id: row!.id, row });
    } else if (step.action === 'updated') {
      const [row] = await tx
        .update(maintenanceWindows)
        .set({ ...rowValuesOf(step.definition), updatedAt: new Date(now) })
        .where(eq(maintenanceWindows.id, step.id))
        .returning();
      applied.push({ ...step, row });
    } else {
      applied.push(step);
    }
  }
  const deleted = steps.flatMap((s) => (s.action === 'deleted' ? [s.id] : []));
  if (deleted.length > 0) await tx.delete(maintenanceWindows).where(inArray(maintenanceWindows.id, deleted));
  return applied;
}

/** After the commit: the calendar takes the changes, and each is announced as the window services do. */
export function announceWindowSteps(ctx: ServiceContext, applied: AppliedWindowStep[]): void {
  const now = new Date();
  for (const step of applied) {
    if ((step.action === 'created' || step.action === 'updated') && step.row) {
      const window = ctx.calendar.toWindow(ctx.calendar.put(step.row), now);
      ctx.bus.emit(step.action === 'created' ? 'maintenance:created' : 'maintenance:updated', window);
    } else if (step.action === 'deleted') {
      ctx.calendar.remove(step.id);
      ctx.bus.emit('maintenance:deleted', { windowId: step.id });
    }
  }
}
