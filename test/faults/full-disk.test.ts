import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { expectWatchingThroughout, runOutage } from '../support/outage-scenario.ts';
import { mountSmallDisk, smallDiskAvailable } from '../support/small-disk.ts';
import { startVigilProcess } from '../support/vigil-process.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function smallDisk(sizeMiB: number) {
  const available = await smallDiskAvailable();
  // CI runs as root on a machine that allows tmpfs mounts: a machine that does not must say so.
  if (!available.available) throw new Error(`the full-disk tests need a tmpfs mount: ${available.reason}`);
  const disk = await mountSmallDisk(sizeMiB);
  cleanups.push(() => disk.unmount());
  return disk;
}

describe('a full disk under the embedded database', () => {
  it('keeps checking, says not ready, and catches up without a restart once space is freed', async () => {
    const disk = await smallDisk(160);
    const dataDir = join(disk.dir, 'data');
    cpSync(inject('pgliteTemplateDir'), dataDir, { recursive: true });
    const report = await runOutage(
      {
        env: { DATA_DIR: dataDir },
        endpoints: 20,
        outageMs: 12_000,
        breakDatabase: async () => void disk.fill(),
        restoreDatabase: async () => disk.free(),
        readStored: async () => {
          const db = await PGlite.create(dataDir);
          try {
            const checks = await db.query<{ endpoint_id: string; checked_at: Date; id: string }>('select endpoint_id, checked_at, id from check_results');
            const open = await db.query<{ endpoint_id: string; failure_count: number }>(
              'select endpoint_id, failure_count from incidents where resolved_at is null',
            );
            return {
              checks: checks.rows.map((r) => ({ endpointId: r.endpoint_id, checkedAt: new Date(r.checked_at).getTime(), id: r.id })),
              openIncidents: open.rows.map((r) => ({ endpointId: r.endpoint_id, failureCount: r.failure_count })),
            };
          } finally {
            await db.close();
          }
        },
      },
      cleanups,
    );
    const context = expectWatchingThroughout(report);
    // Reads need no space: REST keeps answering them; readiness says why it is not ready.
    expect(
      report.restDuringOutage.filter((p) => p.status !== 200 || p.ms > 2000),
      context,
    ).toEqual([]);
    expect(report.readyzDuring.detail).toMatch(/no space left|53100/i);
  }, 120_000);

  it('refuses to start on a full disk and says so', async () => {
    const disk = await smallDisk(4);
    disk.fill();
    const vigil = startVigilProcess({ env: { DATA_DIR: join(disk.dir, 'data') }, startTimeoutMs: 30_000 });
    const error = await vigil.then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/no space left in DATA_DIR .*data: 0\.0 MB free/);
    expect(error?.message).not.toMatch(/Aborted\(\)/);
  }, 60_000);
});
