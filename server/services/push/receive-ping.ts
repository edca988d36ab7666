import { checkError } from '../../domain/check-errors.ts';
import { plainVerdict } from '../../domain/check-rules.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { maskSecrets, secretValuesOf } from '../../domain/secrets.ts';
import type { ServiceContext } from '../context.ts';
import { recordResult } from '../checks/record-result.ts';

/** What a job says: it ran (`success`), it began (`start`), it failed (`fail`, or an exit status other than 0). */
export type PingSignal = { kind: 'success' } | { kind: 'start' } | { kind: 'fail'; exitStatus: number | null };

export type PingOutcome = 'recorded' | 'started' | 'paused';

/** What a failed run's body keeps (its log, say), as a check's body excerpt. */
const EXCERPT_CHARACTERS = 1024;

/**
 * A ping of a push endpoint, found by its token: a success is an UP check (the run's duration as
 * its response time when a start came first), a failure a DOWN one (with the start of what the job
 * sent, its log perhaps), a start only starts the run's clock. A paused endpoint takes nothing.
 * Answers once the ping is in memory: the check is written with the others (and waits, like them,
 * while the database is away).
 */
export async function receivePing(ctx: ServiceContext, token: string, signal: PingSignal, body: string | null, now = new Date()): Promise<PingOutcome> {
  const endpointId = ctx.pushDirectory.find(token);
  if (endpointId === null) throw new NotFoundError('Push endpoint', 'with this token');
  const entry = ctx.registry.get(endpointId);
  if (!entry) throw new NotFoundError('Push endpoint', 'with this token');
  if (entry.definition.paused) return 'paused';
  if (signal.kind === 'start') {
    ctx.pushRuns.started(endpointId, now);
    return 'started';
  }
  const runStartedAt = ctx.pushRuns.runStartedAfter(endpointId, entry.lastPingAt ?? null);
  const duration = runStartedAt ? Math.min(now.getTime() - runStartedAt.getTime(), 2_147_483_647) : 0;
  ctx.pushRuns.pinged(endpointId);
  ctx.registry.notePing(endpointId, now);
  const verdict =
    signal.kind === 'success'
      ? plainVerdict('UP', duration)
      : plainVerdict(
          'DOWN',
          duration,
          checkError('push_failed', { detail: signal.exitStatus === null ? '' : ` (exit status ${signal.exitStatus})` }),
          excerptOf(body, secretValuesOf(entry.definition)),
        );
  // Another instance may hold this endpoint's live state: start from what it stored (as a check now does).
  if (ctx.placement.needsStoredState(endpointId) && !ctx.writer.hasPending(endpointId)) {
    await ctx.registry.reload(ctx.db, [endpointId], (id) => ctx.writer.hasPending(id)).catch(() => undefined);
  }
  void ctx.placement.checkingNow(endpointId, () => recordResult(ctx, endpointId, verdict, now, { pingAt: now.toISOString() })).catch(() => undefined);
  return 'recorded';
}

function excerptOf(body: string | null, secrets: string[]): string | null {
  if (body === null || body === '') return null;
  const cut = body.length > EXCERPT_CHARACTERS && /[\uD800-\uDBFF]/.test(body[EXCERPT_CHARACTERS - 1]!) ? EXCERPT_CHARACTERS - 1 : EXCERPT_CHARACTERS;
  return maskSecrets(body.slice(0, cut).replaceAll('\0', '\uFFFD'), secrets);
}
