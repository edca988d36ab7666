/**
 * Undoing what a bench started, on success, failure and Ctrl-C: each resource registers an undo step
 * at its stage, and cleanupAll() runs the stages in order (browsers, child processes, database
 * handles, bench databases, temp dirs, the admin connection).
 */
import { progress } from './report.ts';

const STAGES = ['browsers', 'children', 'handles', 'databases', 'dirs', 'connections'] as const;
export type CleanupStage = (typeof STAGES)[number];

const steps = new Map<CleanupStage, Set<() => Promise<unknown>>>(STAGES.map((stage) => [stage, new Set()]));

/** Registers `undo` for cleanupAll(); returns the function that unregisters it (call it once undone). */
export function onCleanup(stage: CleanupStage, undo: () => Promise<unknown>): () => void {
  steps.get(stage)!.add(undo);
  return () => void steps.get(stage)!.delete(undo);
}

let cleaning: Promise<void> | null = null;

/** Runs every registered undo step, stage by stage; concurrent calls share one pass. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    try {
      for (const stage of STAGES) await Promise.allSettled([...steps.get(stage)!].map((undo) => undo()));
    } finally {
      cleaning = null;
    }
  })();
  return cleaning;
}

let aborting = false;

/** True once SIGINT/SIGTERM/SIGHUP arrived. */
export const isAborting = () => aborting;

export function assertNotAborting(): void {
  if (aborting) throw new Error('aborted');
}

/** On SIGINT/SIGTERM/SIGHUP: says `what` it undoes, cleans up (at most 60 s) and exits 130. */
export function cleanUpOnSignals(what: string): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (aborting) return;
      aborting = true;
      progress(`${signal}: ${what}`);
      const hard = setTimeout(() => process.exit(130), 60_000);
      hard.unref();
      cleanupAll().finally(() => process.exit(130));
    });
  }
}
