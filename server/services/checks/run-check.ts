import type { Check } from '../../contract/types.ts';
import { needsBody, needsCertificate } from '../../domain/assertions.ts';
import { judgeObservation } from '../../domain/check-rules.ts';
import type { HttpProber } from '../../checker/http-prober.ts';
import { type RecordDeps, recordResult } from './record-result.ts';

export interface RunCheckDeps extends RecordDeps {
  prober: HttpProber;
}

/**
 * Checks one endpoint now with its current definition and records the result.
 * Resolves with the stored Check, or null when the endpoint no longer exists.
 */
export async function runCheck(deps: RunCheckDeps, endpointId: string): Promise<Check | null> {
  const entry = deps.registry.get(endpointId);
  if (!entry) return null;
  const definition = entry.definition;
  const checkedAt = new Date();
  const observation = await deps.prober.probe({
    url: definition.url,
    method: definition.method,
    headers: definition.headers,
    body: definition.body,
    timeoutMs: definition.timeoutMs,
    keepBody: needsBody(definition.assertions),
    readCertificate: needsCertificate(definition.assertions),
  });
  return recordResult(deps, endpointId, judgeObservation(observation, definition), checkedAt);
}
