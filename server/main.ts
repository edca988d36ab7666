import { createLogger } from './logger.ts';
import { loadSettings, SettingsError } from './settings.ts';
import { startVigil } from './vigil.ts';

// The process entry: settings → logger → Vigil → signals. Everything else is wired in server/vigil.ts.
let settings;
try {
  settings = loadSettings();
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

const logger = createLogger(settings.logLevel);
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'uncaught exception, stopping');
  process.exit(1);
});

let vigil;
try {
  vigil = await startVigil(settings, { logger });
} catch (error) {
  logger.fatal({ err: error }, `Vigil could not start: ${(error as Error).message}`);
  process.exit(1);
}

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, `${signal} received: finishing running checks, then stopping`);
    const started = Date.now();
    vigil.stop().then(
      () => {
        logger.info({ ms: Date.now() - started }, 'stopped');
        process.exit(0);
      },
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
