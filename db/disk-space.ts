import { existsSync, statfsSync } from 'node:fs';

/** A brand-new embedded database needs room for initdb; an existing one for its WAL to move on. */
const NEEDED_NEW_BYTES = 64 * 1024 * 1024;
const NEEDED_EXISTING_BYTES = 16 * 1024 * 1024;

export class NoSpaceError extends Error {
  readonly code = 'ENOSPC';
}

/** Free bytes for an unprivileged writer on the file system holding `dir`, or null if unknown. */
export function freeBytes(dir: string): number | null {
  try {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

/**
 * Refuses to open the embedded database on a (nearly) full disk with a message that says so:
 * PGlite itself would abort with "Aborted(). Build with -sASSERTIONS", which tells nobody anything.
 */
export function assertRoomForDatabase(dataDir: string): void {
  const isNew = !existsSync(`${dataDir}/PG_VERSION`);
  const free = freeBytes(dataDir);
  const needed = isNew ? NEEDED_NEW_BYTES : NEEDED_EXISTING_BYTES;
  if (free !== null && free < needed) throw noSpace(dataDir, free, needed);
}

export function noSpace(dataDir: string, free: number | null, needed = NEEDED_EXISTING_BYTES): NoSpaceError {
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return new NoSpaceError(
    `no space left in DATA_DIR ${dataDir}: ${free === null ? 'unknown' : mb(free)} free, the embedded database needs at least ${mb(needed)}. ` +
      'Free some space (or give the volume more), then start Vigil again.',
  );
}
