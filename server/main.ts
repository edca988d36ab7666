import { loadSettings, SettingsError } from './settings.ts';
import { startVigil } from './vigil.ts';

// The process entry: settings → Vigil → signals. Everything else is wired in server/vigil.ts.
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

const vigil = await startVigil(settings);

let signalled = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    console.log(`${signal} received: finishing running checks, then stopping`);
    vigil.stop().then(
      () => process.exit(0),
      (error) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  });
}
