import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH } from './browser.ts';

const builtIndex = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
const ensureBrowser = fileURLToPath(new URL('../../scripts/ensure-browser.sh', import.meta.url));

/**
 * Before the browser project: installs Chromium and its fonts when they are missing and this user
 * can (scripts/ensure-browser.sh, as .ci/run does), and fails at once, with the command to run,
 * when something cannot be had. Browser tests are never skipped.
 */
export default function setup() {
  if (!existsSync(builtIndex)) {
    throw new Error(`Browser tests need the built web app, and ${builtIndex} is missing: run \`npm run build\` (npm test does it first).`);
  }
  const ensured = spawnSync(ensureBrowser, { encoding: 'utf8', env: { ...process.env, VIGIL_CHROMIUM_PATH: CHROMIUM_PATH } });
  if (ensured.stdout) process.stdout.write(ensured.stdout);
  if (ensured.status !== 0) throw new Error(ensured.stderr.trim() || `${ensureBrowser} failed (${ensured.error ?? `exit ${ensured.status}`})`);
}
