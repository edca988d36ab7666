/** The page's CPU profile (--profile), summed by function: self time. */
import { round } from '../support/report.ts';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summariseProfile(profile: CpuProfile, origin: string): { totalMs: number; byFunction: { fn: string; selfMs: number; pct: number }[] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!);
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (!node) continue;
    total += dt;
    const f = node.callFrame;
    const key = f.url
      ? `${f.functionName || '(anonymous)'} ${f.url.replace(origin, '')}:${f.lineNumber + 1}:${f.columnNumber + 1}`
      : f.functionName || '(anonymous)';
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const byFunction = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([fn, ms]) => ({ fn, selfMs: round(ms)!, pct: round((ms / Math.max(1, total)) * 100)! }));
  return { totalMs: round(total)!, byFunction };
}
