/**
 * Summarises a V8 .cpuprofile (as written by `node --cpu-prof`, e.g. by `bench:checks --cpu-prof`):
 * where the main thread's time went, by area (PGlite, postgres.js, drizzle, node:http, Vigil, GC,
 * idle…) and by function, self time and inclusive time (the function and everything it called).
 *
 *   node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--skip=15] [--until=75] [--top=30] [--callers=NAME]
 *
 * --skip drops the first seconds of the profile (start-up, warm-up), --until the samples after that
 * second (shutdown); --callers=NAME lists the call
 * paths (--depth=6 frames up) that lead to the functions named NAME, by self time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: node --import tsx bench/cpuprofile-summary.ts FILE.cpuprofile [--skip=SECONDS] [--top=N]\n');
  process.exit(2);
}
const flag = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const skipUs = flag('skip', 0) * 1e6;
const untilUs = flag('until', Infinity) * 1e6;
const top = flag('top', 30);
const depth = flag('depth', 6);
const callersOf = args.find((a) => a.startsWith('--callers='))?.split('=')[1];
process.stdout.on('error', () => process.exit(0)); // piped into head

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);

/** Which area a frame belongs to, from its script URL. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return '(program: native, not attributed)';
  if (url.includes('@electric-sql/pglite')) return 'PGlite (WASM + JS glue)';
  if (url.includes('node_modules/postgres/')) return 'postgres.js';
  if (url.includes('drizzle-orm')) return 'drizzle-orm';
  if (url.includes('node_modules/hono') || url.includes('@hono/')) return 'hono';
  if (url.includes('node_modules/zod')) return 'zod';
  if (url.includes('node_modules/croner')) return 'croner';
  if (url.includes('node_modules/tsx') || url.includes('esbuild')) return 'tsx';
  if (url.includes('/server/checker/')) return 'Vigil: checker';
  if (url.includes('/server/scheduler/')) return 'Vigil: scheduler';
  if (url.includes('/server/results/')) return 'Vigil: result writer';
  if (url.includes('/server/')) return 'Vigil: other';
  if (url.includes('/bench/')) return 'bench probe';
  if (url.startsWith('node:internal/http') || url.startsWith('node:_http') || url.startsWith('node:http')) return 'node: http';
  if (url.startsWith('node:internal/streams') || url.startsWith('node:net') || url.startsWith('node:internal/stream')) return 'node: net/streams';
  if (url.startsWith('node:internal/timers') || url.startsWith('node:timers')) return 'node: timers';
  if (url.startsWith('node:')) return 'node: other';
  if (url.startsWith('wasm://')) return 'PGlite (WASM + JS glue)';
  if (url === '') return `(native: ${functionName || 'anonymous'})`;
  return url.replace(/^.*node_modules\//, '').split('/')[0] ?? url;
}

const selfByNode = new Map<number, number>();
let t = profile.startTime;
let totalUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  if (t - profile.startTime < skipUs || t - profile.startTime > untilUs) continue;
  const delta = profile.timeDeltas[i + 1] ?? 0; // a sample's time runs until the next one
  const id = profile.samples[i]!;
  selfByNode.set(id, (selfByNode.get(id) ?? 0) + delta);
  totalUs += delta;
}

const functionKey = (frame: CallFrame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|db|bench)\//, '$1/')}:${frame.lineNumber + 1}`;

const byArea = new Map<string, number>();
const byFunction = new Map<string, { us: number; area: string }>();
// Inclusive: a sample counts once for every function (and area) on its stack, recursion or not.
const inclusiveByFunction = new Map<string, number>();
const inclusiveByArea = new Map<string, number>();
for (const [id, us] of selfByNode) {
  const node = byId.get(id)!;
  const a = area(node.callFrame);
  byArea.set(a, (byArea.get(a) ?? 0) + us);
  const key = functionKey(node.callFrame);
  const entry = byFunction.get(key) ?? { us: 0, area: a };
  entry.us += us;
  byFunction.set(key, entry);
  const keys = new Set<string>();
  const areas = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
    const frame = byId.get(n)!.callFrame;
    if (frame.functionName === '(root)') continue;
    keys.add(functionKey(frame));
    areas.add(area(frame));
  }
  for (const k of keys) inclusiveByFunction.set(k, (inclusiveByFunction.get(k) ?? 0) + us);
  for (const k of areas) inclusiveByArea.set(k, (inclusiveByArea.get(k) ?? 0) + us);
}

const busyUs = totalUs - (byArea.get('idle') ?? 0);
const pct = (us: number, of: number) => ((us / of) * 100).toFixed(1).padStart(5);
console.log(`${file}\nprofiled ${(totalUs / 1e6).toFixed(1)} s (after skipping ${skipUs / 1e6} s); main thread busy ${pct(busyUs, totalUs)} %\n`);
console.log('area                                  % of wall  % of busy');
let small = 0;
for (const [a, us] of [...byArea].sort((x, y) => y[1] - x[1])) {
  if (us / totalUs < 0.003) {
    small += us;
    continue;
  }
  console.log(`${a.padEnd(38)} ${pct(us, totalUs)}      ${a === 'idle' ? '    –' : pct(us, busyUs)}`);
}
console.log(`${'(areas under 0.3 % each)'.padEnd(38)} ${pct(small, totalUs)}      ${pct(small, busyUs)}`);
console.log(`\ntop ${top} functions by self time (% of busy):`);
for (const [key, { us, area: a }] of [...byFunction]
  .filter(([, v]) => v.area !== 'idle')
  .sort((x, y) => y[1].us - x[1].us)
  .slice(0, top)) {
  console.log(`${pct(us, busyUs)}  ${key.slice(0, 110)}  [${a}]`);
}

console.log(`\ntop ${top} functions by inclusive time (% of busy):`);
for (const [key, us] of [...inclusiveByFunction]
  .filter(([k]) => !k.startsWith('(idle)'))
  .sort((x, y) => y[1] - x[1])
  .slice(0, top)) {
  console.log(`${pct(us, busyUs)}  ${key.slice(0, 110)}`);
}
console.log('\nareas by inclusive time (% of busy; a sample counts for every area on its stack):');
for (const [a, us] of [...inclusiveByArea].filter(([k]) => k !== 'idle').sort((x, y) => y[1] - x[1])) {
  if (us / busyUs < 0.005) continue;
  console.log(`${pct(us, busyUs)}  ${a}`);
}

if (callersOf) {
  const paths = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
    const frames: string[] = [];
    let p = parentOf.get(id);
    while (p !== undefined && frames.length < depth) {
      frames.push(functionKey(byId.get(p)!.callFrame));
      p = parentOf.get(p);
    }
    const key = frames.join(' ← ');
    paths.set(key, (paths.get(key) ?? 0) + us);
  }
  console.log(`\ncall paths into ${callersOf} (% of busy):`);
  for (const [key, us] of [...paths].sort((x, y) => y[1] - x[1]).slice(0, 10)) console.log(`${pct(us, busyUs)}  ${key}`);
}
