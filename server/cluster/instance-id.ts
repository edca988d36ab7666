import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { lockDataDir, type DataDirLock } from '../../db/data-dir-lock.ts';

const ID_FILE = 'instance-id';
const VALID_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface InstanceIdentity {
  id: string;
  /** Where the id came from: the INSTANCE_ID setting, the installation's data directory, or made up for this run. */
  source: 'setting' | 'data-dir' | 'this-run';
  /** Why a made-up id was used (the data directory is in use by another Vigil, or not writable). */
  note?: string;
  release(): void;
}

/**
 * This instance's name among several on one PostgreSQL. A restart of the same installation must
 * come back under the same name: its leases are then still its own and it checks again at once,
 * instead of waiting LEASE_TTL_MS for its old self to be declared dead. So the default name is
 * made once and kept in DATA_DIR/instance-id. While another Vigil runs from the same DATA_DIR
 * (a second process on the same files) that one owns the name, and this one gets a fresh one.
 */
export function resolveInstanceId(setting: string | undefined, dataDir: string): InstanceIdentity {
  if (setting) return { id: setting, source: 'setting', release: () => {} };
  const fresh = () =>
    `${
      hostname()
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .slice(0, 50) || 'vigil'
    }-${randomBytes(3).toString('hex')}`;
  const dir = resolve(dataDir);
  let lock: DataDirLock;
  try {
    mkdirSync(dir, { recursive: true });
    lock = lockDataDir(dir);
  } catch (error) {
    return { id: fresh(), source: 'this-run', note: (error as Error).message, release: () => {} };
  }
  const file = join(dir, ID_FILE);
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (VALID_ID.test(kept)) return { id: kept, source: 'data-dir', release: () => lock.release() };
  } catch {
    /* not made yet */
  }
  const id = fresh();
  try {
    writeFileSync(file, `${id}\n`);
    return { id, source: 'data-dir', release: () => lock.release() };
  } catch (error) {
    return { id, source: 'this-run', note: `${file} could not be written (${(error as Error).message})`, release: () => lock.release() };
  }
}
