import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountSmallDisk, smallDiskAvailable, type SmallDisk } from './support/small-disk.ts';

const availability = await smallDiskAvailable();
if (!availability.available) console.warn(`small-disk tests skipped: ${availability.reason}`);

let disk: SmallDisk | undefined;
afterAll(async () => {
  await disk?.unmount();
});

describe.skipIf(!availability.available)('a small disk', () => {
  it('fills up to ENOSPC, accepts writes again once freed, and is gone after unmount', async () => {
    disk = await mountSmallDisk(8);
    expect(disk.freeBytes()).toBeGreaterThan(7 << 20);

    const taken = disk.fill();
    expect(taken).toBeGreaterThan(7 << 20);
    expect(taken).toBeLessThanOrEqual(8 << 20);
    expect(disk.freeBytes()).toBe(0);
    expect(() => writeFileSync(join(disk!.dir, 'more'), Buffer.alloc(64 << 10))).toThrow(/ENOSPC/);

    disk.free();
    expect(disk.freeBytes()).toBeGreaterThan(7 << 20);
    writeFileSync(join(disk.dir, 'more'), Buffer.alloc(64 << 10));

    const dir = disk.dir;
    await disk.unmount();
    expect(existsSync(dir)).toBe(false);
    await disk.unmount(); // twice is harmless
  });
});
