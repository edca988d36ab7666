/**
 * A small disk for full-disk tests: a tmpfs of a given size mounted at a temp dir, which fill()
 * fills to the last byte (a filler file written until ENOSPC) and free() empties again. Mounting
 * needs root (or CAP_SYS_ADMIN): ask smallDiskAvailable() first and skip with its reason when it
 * cannot be done here. Whatever is still mounted when the process exits is unmounted (lazily).
 *
 * @example
 *   const disk = await mountSmallDisk(64);   // MiB
 *   try { … DATA_DIR under disk.dir …; disk.fill(); …; disk.free(); } finally { await disk.unmount(); }
 */
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, rmSync, statfsSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** Where it is mounted. */
  dir: string;
  sizeMiB: number;
  /** Writes a filler file until the disk is full; returns the bytes it took. */
  fill(): number;
  /** Deletes the filler file. */
  free(): void;
  /** Bytes still free. */
  freeBytes(): number;
  /** Unmounts (lazily if something still holds files there) and removes the mount point. Safe to call twice. */
  unmount(): Promise<void>;
}

const mounted = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const dir of mounted) {
      spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${(stderr || stdout || error.message).trim()}`));
      else resolve();
    });
  });
}

/** Whether a tmpfs can be mounted here; if not, why (to print when skipping). */
export async function smallDiskAvailable(): Promise<{ available: true } | { available: false; reason: string }> {
  if (process.platform !== 'linux') return { available: false, reason: `tmpfs mounts need Linux (this is ${process.platform})` };
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-disk-probe-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    await run('umount', [dir]);
    return { available: true };
  } catch (error) {
    return { available: false, reason: `mounting a tmpfs is not permitted here (${(error as Error).message})` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `sizeMiB` at a new temp dir. */
export async function mountSmallDisk(sizeMiB: number): Promise<SmallDisk> {
  const dir = mkdtempSync(join(os.tmpdir(), 'vigil-small-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir]);
  } catch (error) {
    rmdirSync(dir);
    throw error;
  }
  mounted.add(dir);
  installExitHook();
  const filler = join(dir, '.filler');
  let unmounted = false;

  const fill = (): number => {
    const fd = openSync(filler, 'a');
    let written = 0;
    try {
      // Big chunks first, then small ones for the last pages.
      for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
        const chunk = Buffer.alloc(size, 0x5a);
        for (;;) {
          try {
            written += writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
    return written;
  };

  return {
    dir,
    sizeMiB,
    fill,
    free: () => {
      try {
        unlinkSync(filler);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    },
    freeBytes: () => {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    unmount: async () => {
      if (unmounted) return;
      unmounted = true;
      try {
        await run('umount', [dir]);
      } catch {
        await run('umount', ['-l', dir]); // a process still holds files there: detach now, free later
      }
      mounted.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
