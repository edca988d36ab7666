import { createLogger } from './logger.ts';
import { logOutput } from './log-output.ts';
import { loadSettings, type Settings, SettingsError } from './settings.ts';
import { startVigil, type Vigil } from './vigil.ts';

// The process entry: settings → logger → Vigil → signals. Everything else is wired in server/vigil.ts.
let settings: Settings;
try {
  settings = loadSettings();
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const output = logOutput(process.stdout);
const logger = createLogger(settings.logLevel, output);
/** Exits once the last log lines are out, or after a second if nobody reads them. */
const exit = (code: number) => void output.flush(1000).then(() => process.exit(code));
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception, stopping');
  exit(1);
});

// Handlers first: Vigil answers /readyz before startVigil() returns, and a SIGTERM in between
// (a `docker stop` right after the health check passed) must still be a graceful stop.
let vigil: Vigil | undefined;
let signalled: NodeJS.Signals | undefined;
function stop(signal: NodeJS.Signals, running: Vigil) {
  logger.info({ signal }, `${signal} received: finishing running checks, then stopping`);
  const started = Date.now();
  running.stop().then(
    () => {
      logger.info({ ms: Date.now() - started }, 'stopped');
      exit(0);
    },
    (error) => {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    },
  );
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = signal;
    if (vigil) return stop(signal, vigil);
    // Still starting: stopped once started, unless the start outlasts the shutdown timeout.
    logger.info({ signal }, `${signal} received while starting: stopping once started`);
    setTimeout(() => exit(1), settings.shutdownTimeoutMs).unref();
  });
}

try {
  vigil = await startVigil(settings, { logger });
} catch (error) {
  logger.fatal({ err: error }, `Vigil could not start: ${(error as Error).message}`);
  await output.flush(1000);
  process.exit(1);
}
if (signalled) stop(signalled, vigil);
