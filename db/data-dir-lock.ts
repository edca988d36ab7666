import { hostname } from 'node:os';
import { closeSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'vigil.lock';
/** A lock written on another host counts as abandoned once it has not been touched for this long. */
const STALE_AFTER_MS = 30_000;
const TOUCH_EVERY_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirInUseError extends Error {}

/** Lock files this process holds now (a lock naming our pid that is not here was left by an earlier process with it). */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

/**
 * Makes sure one Vigil at a time opens an embedded database: two processes writing one PGlite
 * directory would corrupt it. The lock is a file holding the owner's pid and host, touched every
 * 10 s; it is taken over when its owner is gone (same host: the pid is dead or is our own, as
 * after a container restart; another host: not touched for 30 s).
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      heldHere.add(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = readOwner(path);
      if (owner && (heldHere.has(path) || isAlive(owner, path))) {
        throw new DataDirInUseError(
          `Another Vigil (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}) is using the embedded database in ${dataDir}. ` +
            'The embedded database serves one instance; to run several, point them all at one PostgreSQL with DATABASE_URL.',
        );
      }
      rmSync(path, { force: true });
    }
  }
  const touch = setInterval(() => {
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      /* the directory went away; nothing to keep */
    }
  }, TOUCH_EVERY_MS);
  touch.unref();
  return {
    release: () => {
      clearInterval(touch);
      heldHere.delete(path);
      const owner = readOwner(path);
      if (owner?.pid === me.pid && owner.host === me.host && owner.startedAt === me.startedAt) rmSync(path, { force: true });
    },
  };
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined; // unreadable or half written: treated as abandoned
  }
}

function isAlive(owner: LockOwner, path: string): boolean {
  if (owner.host !== hostname()) return Date.now() - statSync(path).mtimeMs < STALE_AFTER_MS;
  if (owner.pid === process.pid) return false; // not held here (checked first): a restart reused our pid
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
