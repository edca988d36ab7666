/**
 * The benchmark's probe target, in its own process so that its CPU is not Vigil's.
 *
 * Starts test/support/target-server.ts on 127.0.0.1 and a free port, prints one line
 * `{"origin":"http://127.0.0.1:PORT","pid":N}` on stdout, then answers every path with 200 "ok".
 * Stops on SIGTERM/SIGINT, and also when its stdin closes (the bench that started it is gone),
 * so it never outlives the benchmark.
 *
 * Run alone: node --import tsx bench/target-process.ts
 */
import { startTargetServer } from '../test/support/target-server.ts';

const target = await startTargetServer({ keepAliveTimeoutMs: 60_000 });
let closing = false;
const stop = (code: number) => {
  if (closing) return;
  closing = true;
  const force = setTimeout(() => process.exit(code), 2_000);
  force.unref();
  target.close().then(
    () => process.exit(code),
    () => process.exit(code),
  );
};

process.on('SIGTERM', () => stop(0));
process.on('SIGINT', () => stop(0));
if (process.env.TARGET_WATCH_STDIN === '1') {
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
}

process.stdout.write(JSON.stringify({ origin: target.origin, pid: process.pid }) + '\n');
