import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH } from './browser.ts';

const builtIndex = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));

/** Fails the browser project at once, with the fix, when what it needs is missing. */
export default function setup() {
  if (!existsSync(builtIndex)) {
    throw new Error(`Browser tests need the built web app, and ${builtIndex} is missing: run \`npm run build\` (npm test does it first).`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH}: apt-get update && apt-get install -y chromium`);
  }
}
