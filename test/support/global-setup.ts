import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../db/client.ts';

/**
 * Prepares one migrated PGlite data directory for the whole run; each test copies it instead of
 * running initdb (about 4 s and 900 MB each) again.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-template-'));
  const handle = await createDatabase({ dataDir: join(dir, 'data') });
  await handle.migrate();
  await handle.close();
  project.provide('pgliteTemplateDir', join(dir, 'data'));
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplateDir: string;
  }
}
