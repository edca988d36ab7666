import type { Check } from '../../contract/types.ts';
import { type CheckVerdict, judgeObservation } from '../../domain/check-rules.ts';
import { maskSecrets, secretValuesOf } from '../../domain/secrets.ts';
import type { EndpointDefinition } from '../../contract/types.ts';
import type { Checker } from '../../checker/checker.ts';
import { recordResult } from './record-result.ts';
import { type WatchDeps, watchDeadline } from '../push/watch-deadline.ts';

export interface RunCheckDeps extends WatchDeps {
  prober: Checker;
}

/**
 * Checks one endpoint now with its current definition and records the result.
 * Resolves with the stored Check, or null when the endpoint no longer exists.
 */
export async function runCheck(deps: RunCheckDeps, endpointId: string): Promise<Check | null> {
  const entry = deps.registry.get(endpointId);
  if (!entry) return null;
  const definition = entry.definition;
  // Nothing to call: a push endpoint's deadline is looked at.
  if (definition.type === 'push') return watchDeadline(deps, endpointId);
  const checkedAt = new Date();
  const observation = await deps.prober.probe(definition);
  return recordResult(deps, endpointId, withoutSecrets(judgeObservation(observation, definition), definition), checkedAt);
}

/**
 * What a check keeps of the answer (its body's first KB, the values its assertions saw) with the
 * endpoint's secrets masked: a target that echoes the request must not make them readable.
 */
function withoutSecrets(verdict: CheckVerdict, definition: EndpointDefinition): CheckVerdict {
  if (verdict.bodyExcerpt === null && verdict.failedAssertions.length === 0) return verdict;
  const secrets = secretValuesOf(definition);
  if (secrets.length === 0) return verdict;
  const mask = (text: string) => maskSecrets(text, secrets);
  const params =
    verdict.errorCode === 'assertion' && verdict.errorParams
      ? Object.fromEntries(Object.entries(verdict.errorParams).map(([k, v]) => [k, typeof v === 'string' ? mask(v) : v]))
      : verdict.errorParams;
  return {
    ...verdict,
    errorMessage: verdict.errorMessage === null ? null : mask(verdict.errorMessage),
    errorParams: params,
    bodyExcerpt: verdict.bodyExcerpt === null ? null : mask(verdict.bodyExcerpt),
    failedAssertions: verdict.failedAssertions.map((f) => ({ ...f, actual: mask(f.actual), message: mask(f.message) })),
  };
}
