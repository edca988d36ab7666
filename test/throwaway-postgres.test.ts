import { existsSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { startThrowawayPostgres, type ThrowawayPostgres } from './support/throwaway-postgres.ts';

let pg: ThrowawayPostgres | undefined;
afterAll(async () => {
  await pg?.destroy();
});

const connect = (url: string) => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5, idle_timeout: 1 });

describe('a throwaway PostgreSQL cluster', () => {
  it('answers, refuses connections while stopped, answers again after start, and is gone after destroy', { timeout: 120_000 }, async () => {
    pg = await startThrowawayPostgres();
    expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);

    const before = connect(pg.url);
    expect((await before`select 1 + 1 as n`)[0]!.n).toBe(2);
    await before.end();

    await pg.stop();
    expect(pg.running).toBe(false);
    const during = connect(pg.url);
    await expect(during`select 1`).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await during.end();

    await pg.start();
    const after = connect(pg.url);
    expect((await after`select current_setting('port') as port, current_setting('fsync') as fsync`)[0]).toEqual({ port: String(pg.port), fsync: 'off' });
    await after.end();

    const dataDir = pg.dataDir;
    await pg.destroy();
    expect(existsSync(dataDir)).toBe(false);
    await pg.destroy(); // twice is harmless
  });
});
