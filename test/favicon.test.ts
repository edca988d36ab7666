import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from './support/vigil.ts';

const publicDir = fileURLToPath(new URL('../web/public/', import.meta.url));
const INDEX = '<!doctype html><html><head><title>Vigil</title></head><body></body></html>';

/** A Vigil serving a web build of `files` (name → content), with its index.html. */
async function vigilServing(files: Record<string, string | Buffer>): Promise<TestVigil> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-web-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'index.html'), INDEX);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const vigil = await startTestVigil({}, undefined, { webDir: dir });
  cleanups.push(() => vigil.dispose());
  return vigil;
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('/favicon.ico', () => {
  it('is a real icon in the web app: an ICO of PNG images at 16, 32 and 48 px, and index.html links the SVG one', () => {
    const ico = readFileSync(join(publicDir, 'favicon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i));
    expect(sizes).toEqual([16, 32, 48]);
    for (let i = 0; i < count; i++) {
      const offset = ico.readUInt32LE(6 + 16 * i + 12);
      expect(ico.subarray(offset, offset + 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    }
    expect(readFileSync(join(publicDir, 'favicon.svg'), 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(readFileSync(fileURLToPath(new URL('../web/index.html', import.meta.url)), 'utf8')).toContain(
      '<link rel="icon" type="image/svg+xml" href="/favicon.svg" />',
    );
  });

  it('is served as image/x-icon with its exact bytes', async () => {
    const icon = readFileSync(join(publicDir, 'favicon.ico'));
    const vigil = await vigilServing({ 'favicon.ico': icon });
    const res = await fetch(`http://127.0.0.1:${vigil.port}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(Buffer.from(await res.arrayBuffer()).equals(icon)).toBe(true);
    expect(vigil.errors).toEqual([]);
  });

  it('is a 404 problem, never the HTML page, when the build has none (as are apple-touch icons); deep links still get the page', async () => {
    const vigil = await vigilServing({});
    for (const path of ['/favicon.ico', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png']) {
      const res = await fetch(`http://127.0.0.1:${vigil.port}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toBe('application/problem+json');
    }
    const deep = await fetch(`http://127.0.0.1:${vigil.port}/endpoints/new`);
    expect(await deep.text()).toBe(INDEX);
    expect(vigil.errors).toEqual([]);
  });
});
