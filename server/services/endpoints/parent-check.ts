import { type FieldError, ValidationError } from '../../domain/errors.ts';

/**
 * What is wrong with endpoints' parents, given every endpoint's parent as it would be
 * (`parents`: id → parentId): a parent that does not exist, an endpoint its own parent, or a loop
 * (A's parent B, B's parent A). `changed` names the endpoints being set, with their field's path.
 */
export function parentErrors(
  parents: ReadonlyMap<string, string | null>,
  changed: { id: string; path: string }[],
  nameOf?: (id: string) => string | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const { id, path } of changed) {
    const parentId = parents.get(id) ?? null;
    if (parentId === null) continue;
    if (parentId === id) {
      errors.push({ path, message: 'must not be the endpoint itself', code: 'self_parent', params: {} });
    } else if (!parents.has(parentId)) {
      errors.push({ path, message: `is not an endpoint (${parentId})`, code: 'unknown_endpoint', params: { id: parentId } });
    } else if (leadsBackTo(parents, parentId, id)) {
      const name = nameOf?.(parentId);
      errors.push({
        path,
        message: `would make a loop: ${name ? `${name} (${parentId})` : parentId} depends on this endpoint already`,
        code: 'parent_cycle',
        params: { id: parentId, ...(name ? { name } : {}) },
      });
    }
  }
  return errors;
}

/** Whether following parents up from `from` reaches `to`. */
function leadsBackTo(parents: ReadonlyMap<string, string | null>, from: string, to: string): boolean {
  const seen = new Set<string>();
  for (let at: string | null | undefined = from; at; at = parents.get(at)) {
    if (at === to) return true;
    if (seen.has(at)) return false;
    seen.add(at);
  }
  return false;
}

/** Throws the parent errors of one endpoint being created (`id` null) or changed, given every endpoint's parent (`parents`). */
export function assertParentValid(
  parents: Map<string, string | null>,
  id: string | null,
  parentId: string | null,
  nameOf?: (id: string) => string | undefined,
): void {
  if (parentId === null) return;
  const self = id ?? 'new';
  parents.set(self, parentId);
  const errors = parentErrors(parents, [{ id: self, path: 'parentId' }], nameOf);
  if (errors.length > 0) throw new ValidationError(errors);
}
