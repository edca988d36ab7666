/** GET /api/endpoints: pages, order and filters. */
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../server/contract/types.ts';
import { unique, idsOf, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { waitFor } from '../support/vigil.ts';

let target: TargetServer;
const { create, checkNow, get, list, allPages } = useRestApi((_, t) => {
  target = t;
});

describe('GET /api/endpoints', () => {
  it('pages with limit=3 through 7 endpoints, following nextCursor to the end, with no duplicate or gap', async () => {
    const tag = unique('page');
    // Created at once, so that several share a creation millisecond and the id must break the tie.
    const created = await Promise.all(Array.from({ length: 7 }, () => create({ tags: [tag] })));

    const pages = await allPages<Endpoint>('/api/endpoints', { tag, limit: '3' });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 1]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
    const seen = pages.flatMap((p) => idsOf(p.items));
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual(idsOf(created).sort());
    // The pages together are the same list, in the same order, as one big page.
    expect(seen).toEqual(idsOf((await list({ tag, limit: '500' })).items));
  });

  it('ends with nextCursor null when the last page is exactly full', async () => {
    const tag = unique('full-page');
    await Promise.all(Array.from({ length: 6 }, () => create({ tags: [tag] })));

    const pages = await allPages<Endpoint>('/api/endpoints', { tag, limit: '3' });

    expect(pages.map((p) => p.items.length)).toEqual([3, 3]);
    expect(pages[1]!.nextCursor).toBeNull();
  });

  it('lists endpoints in creation order, the same whether paged or not', async () => {
    const first = await create();
    await waitFor(() => Date.now() > Date.parse(first.createdAt));
    const second = await create();

    const all = idsOf((await list({ limit: '500' })).items);
    const paged = (await allPages<Endpoint>('/api/endpoints', { limit: '2' })).flatMap((p) => idsOf(p.items));

    expect(paged).toEqual(all);
    expect(all.indexOf(first.id)).toBeLessThan(all.indexOf(second.id));
  });

  it('answers an empty page and a null nextCursor when nothing matches', async () => {
    expect(await list({ tag: unique('nothing') })).toEqual({ items: [], nextCursor: null });
  });

  it('filters by status, one or a comma-separated list', async () => {
    const tag = unique('status');
    target.setMode(`/${tag}-down`, { kind: 'ok', status: 500 });
    target.setMode(`/${tag}-slow`, { kind: 'slow', delayMs: 60 });
    const up = await create({ tags: [tag], path: `/${tag}-up` });
    const down = await create({ tags: [tag], path: `/${tag}-down` });
    const degraded = await create({ tags: [tag], path: `/${tag}-slow`, degradedThresholdMs: 20 });
    const pending = await create({ tags: [tag] });
    await checkNow(up);
    await checkNow(down);
    await checkNow(degraded);

    const byStatus = async (status: string) => idsOf((await list({ tag, status })).items).sort();

    expect(await byStatus('UP')).toEqual([up.id]);
    expect(await byStatus('DOWN')).toEqual([down.id]);
    expect(await byStatus('DEGRADED')).toEqual([degraded.id]);
    expect(await byStatus('PENDING')).toEqual([pending.id]);
    expect(await byStatus('UP,DOWN')).toEqual([up.id, down.id].sort());
    expect(await byStatus('DOWN,DEGRADED,PENDING')).toEqual([down.id, degraded.id, pending.id].sort());
    for (const endpoint of (await list({ status: 'DOWN', limit: '500' })).items) expect(endpoint.status).toBe('DOWN');
  });

  it('filters by tag', async () => {
    const [red, blue] = [unique('red'), unique('blue')];
    const a = await create({ tags: [red] });
    const b = await create({ tags: [red, blue] });
    const c = await create({ tags: [blue] });

    expect(idsOf((await list({ tag: red })).items).sort()).toEqual([a.id, b.id].sort());
    expect(idsOf((await list({ tag: blue })).items).sort()).toEqual([b.id, c.id].sort());
  });

  it('stores and filters by tags holding commas, quotes, braces, backslashes, spaces and the word NULL', async () => {
    const marker = unique('odd');
    const odd = [`${marker},comma`, `${marker} "quoted"`, `{${marker}}`, `${marker}\\back`, 'NULL', 'null', `${marker} space`];
    const endpoint = await create({ tags: odd });

    expect(endpoint.tags).toEqual(odd);
    expect((await get(endpoint.id)).tags).toEqual(odd);
    for (const tag of odd) {
      expect(idsOf((await list({ tag, limit: '500' })).items), tag).toContain(endpoint.id);
    }
    expect(idsOf((await list({ tag: marker })).items)).toEqual([]);
  });

  it('searches q in names and URLs, ignoring case', async () => {
    const token = unique('Needle');
    const inName = await create({ name: `Orders ${token} API` });
    const inUrl = await create({ path: `/health/${token.toLowerCase()}` });
    await create({ name: 'Unrelated' });

    for (const q of [token, token.toUpperCase(), token.toLowerCase()]) {
      expect(idsOf((await list({ q })).items).sort(), q).toEqual([inName.id, inUrl.id].sort());
    }
  });

  it('treats % and _ in q literally, not as wildcards', async () => {
    const token = unique('lit').replace(/-/g, '');
    const percent = await create({ name: `${token} 100% ready` });
    await create({ name: `${token} 100x ready` });
    const underscore = await create({ name: `${token} a_b` });
    await create({ name: `${token} axb` });
    const backslash = await create({ name: `${token} c\\d` });
    await create({ name: `${token} cd` });

    expect(idsOf((await list({ q: `${token} 100%` })).items)).toEqual([percent.id]);
    expect(idsOf((await list({ q: `${token} a_b` })).items)).toEqual([underscore.id]);
    expect(idsOf((await list({ q: `${token} c\\d` })).items)).toEqual([backslash.id]);
    expect((await list({ q: `${token}%x` })).items).toEqual([]);
  });

  it('filters by paused', async () => {
    const tag = unique('paused');
    const paused = await create({ tags: [tag], paused: true });
    const running = await create({ tags: [tag], paused: false });

    expect(idsOf((await list({ tag, paused: 'true' })).items)).toEqual([paused.id]);
    expect(idsOf((await list({ tag, paused: 'false' })).items)).toEqual([running.id]);
  });

  it('combines filters', async () => {
    const tag = unique('combo');
    target.setMode(`/${tag}-down`, { kind: 'ok', status: 503 });
    const downPaused = await create({ tags: [tag], path: `/${tag}-down`, name: `${tag} alpha` });
    await create({ tags: [tag], name: `${tag} beta` });
    await checkNow(downPaused);

    expect(idsOf((await list({ tag, status: 'DOWN', paused: 'true', q: 'alpha' })).items)).toEqual([downPaused.id]);
    expect((await list({ tag, status: 'DOWN', q: 'beta' })).items).toEqual([]);
  });
});
