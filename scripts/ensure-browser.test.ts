import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// A copy in a folder anyone may enter: the checkout may sit in a folder only its owner can (mktemp -d).
const folder = mkdtempSync(join(tmpdir(), 'vigil-ensure-browser-'));
chmodSync(folder, 0o755);
const script = join(folder, 'ensure-browser.sh');
copyFileSync(fileURLToPath(new URL('./ensure-browser.sh', import.meta.url)), script);
chmodSync(script, 0o755);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs scripts/ensure-browser.sh as a user who cannot install anything: nobody when we are root, and never through sudo. */
function runWithoutInstallRights(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  const dropRights = [...(asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups'] : []), '--no-new-privs'];
  return new Promise((resolve) => {
    execFile('setpriv', [...dropRights, script], { cwd: folder, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/ensure-browser.sh (what npm test and .ci/run do before the browser tests)', () => {
  it('fails with the exact command to run when Chromium is missing and this user cannot install it', async () => {
    const result = await runWithoutInstallRights({ VIGIL_CHROMIUM_PATH: '/nonexistent/chromium' });

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Browser tests need chromium( fonts-noto-cjk)?( fonts-noto-color-emoji)? \(Chromium expected at \/nonexistent\/chromium\)/);
    expect(result.stderr).toMatch(/Run: sudo apt-get update && sudo apt-get install -y chromium( fonts-noto-cjk)?( fonts-noto-color-emoji)?\n$/);
  });
});
