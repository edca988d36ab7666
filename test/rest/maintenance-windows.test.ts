/**
 * Maintenance windows end to end: managed over REST with precise 400s; the endpoints they cover
 * turn MAINTENANCE (reads, filters, summary, events) the moment a period starts and back when it
 * ends; checks go on, open no incident and count in no uptime figure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Check, Endpoint, Incident, MaintenanceWindow, Page, ProblemDetails, RecentChecks, Summary, Uptime } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, type Received, received, sortedKeys, CONTRACT_FIELDS } from '../support/realtime-clients.ts';
import { ISO, unique, useRestApi, UUID } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { startTestVigil, type TestVigil, waitFor } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get, list } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});
afterEach(closeRealtimeClients);

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

async function createWindow(fields: Record<string, unknown>): Promise<MaintenanceWindow> {
  const res = await vigil.api<MaintenanceWindow>('POST', '/api/maintenance-windows', { name: unique('window'), ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.headers.get('location')).toBe(`/api/maintenance-windows/${res.body.id}`);
  return res.body;
}

/** A Socket.io client subscribed to one endpoint's events. */
async function watching(endpoint: Endpoint) {
  const client = await connectSocketIo(vigil.port);
  expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
  return client;
}

const named = (events: Received[], ...names: string[]) => events.filter((e) => names.includes(e.event));

/** An endpoint that is not paused (a paused one is in no window), once its first check is in. */
async function live(fields: Parameters<typeof create>[0] = {}): Promise<Endpoint> {
  const endpoint = await create({ paused: false, intervalSeconds: 3600, ...fields });
  await waitFor(async () => (await get(endpoint.id)).status !== 'PENDING', 5000, 'the first check');
  return endpoint;
}

describe('maintenance windows over REST', () => {
  it('are created, read, listed, changed and deleted; the resource says whether it is on and its periods', async () => {
    const endpoint = await create();
    const startsAt = inSeconds(3600);
    const endsAt = inSeconds(7200);
    const window = await createWindow({ description: ' DB upgrade to 17 ', startsAt, endsAt, endpointIds: [endpoint.id] });
    expect(window).toMatchObject({
      kind: 'once',
      description: 'DB upgrade to 17',
      startsAt,
      endsAt,
      cron: null,
      durationMinutes: null,
      timezone: null,
      allEndpoints: false,
      endpointIds: [endpoint.id],
      tags: [],
      active: false,
      currentPeriod: null,
      nextPeriod: { startsAt, endsAt },
    });
    expect(window.id).toMatch(UUID);
    expect(window.createdAt).toMatch(ISO);
    expect(sortedKeys(window)).toEqual([...CONTRACT_FIELDS['maintenance:created']!].sort());
    expect((await vigil.api('GET', `/api/maintenance-windows/${window.id}`)).body).toEqual(window);

    const changed = await vigil.api<MaintenanceWindow>('PATCH', `/api/maintenance-windows/${window.id}`, { startsAt: inSeconds(-60), name: 'Now' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ name: 'Now', active: true, currentPeriod: { endsAt }, nextPeriod: null });
    expect(Date.parse(changed.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(window.updatedAt));

    const active = (await vigil.api<Page<MaintenanceWindow>>('GET', '/api/maintenance-windows?active=true')).body.items;
    expect(active.map((w) => w.id)).toContain(window.id);
    const inactive = (await vigil.api<Page<MaintenanceWindow>>('GET', '/api/maintenance-windows?active=false')).body.items;
    expect(inactive.map((w) => w.id)).not.toContain(window.id);
    const covering = (await vigil.api<Page<MaintenanceWindow>>('GET', `/api/maintenance-windows?endpointId=${endpoint.id}`)).body.items;
    expect(covering.map((w) => w.id)).toEqual([window.id]);

    expect((await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`)).status).toBe(204);
    expect((await vigil.api<ProblemDetails>('GET', `/api/maintenance-windows/${window.id}`)).body).toMatchObject({ status: 404, code: 'not_found' });
    expect((await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`)).status).toBe(404);
    expect((await get(endpoint.id)).status).not.toBe('MAINTENANCE');
  });

  it('page through the list in creation order', async () => {
    const tag = unique('paged');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createWindow({ tags: [tag], startsAt: inSeconds(3600), endsAt: inSeconds(3660) })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/maintenance-windows?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: Page<MaintenanceWindow> = (await vigil.api<Page<MaintenanceWindow>>('GET', query)).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => made.includes(id))).toEqual(made);
    for (const id of made) await vigil.api('DELETE', `/api/maintenance-windows/${id}`);
  });

  it.each([
    ['no name', { startsAt: inSeconds(60), endsAt: inSeconds(120), tags: ['x'], name: undefined }, 'name', 'required'],
    ['once without times', { tags: ['x'] }, 'startsAt', 'required'],
    ['a time without offset', { startsAt: '2026-12-24 22:00', endsAt: inSeconds(120), tags: ['x'] }, 'startsAt', 'invalid_format'],
    ['the end before the start', { startsAt: inSeconds(120), endsAt: inSeconds(60), tags: ['x'] }, 'endsAt', 'ends_before_start'],
    ['a year and more', { startsAt: inSeconds(0), endsAt: inSeconds(367 * 86400), tags: ['x'] }, 'endsAt', 'period_too_long'],
    [
      'a cron on a window of kind once',
      { kind: 'once', startsAt: inSeconds(0), endsAt: inSeconds(60), cron: '0 2 * * *', tags: ['x'] },
      'cron',
      'not_for_kind',
    ],
    ['recurring without a duration', { cron: '0 2 * * *', tags: ['x'] }, 'durationMinutes', 'required'],
    ['a cron expression that is not one', { cron: '0 25 * * *', durationMinutes: 30, tags: ['x'] }, 'cron', 'invalid_cron'],
    ['an unknown time zone', { cron: '0 2 * * *', durationMinutes: 30, timezone: 'Mars/Olympus', tags: ['x'] }, 'timezone', 'invalid_timezone'],
    ['a duration of 0', { cron: '0 2 * * *', durationMinutes: 0, tags: ['x'] }, 'durationMinutes', 'too_small'],
    ['nothing covered', { startsAt: inSeconds(0), endsAt: inSeconds(60) }, 'endpointIds', 'empty_scope'],
    ['all endpoints and a list', { startsAt: inSeconds(0), endsAt: inSeconds(60), allEndpoints: true, tags: ['x'] }, 'tags', 'scope_with_all'],
    [
      'an endpoint that does not exist',
      { startsAt: inSeconds(0), endsAt: inSeconds(60), endpointIds: ['0b7c7a4e-2d55-4a3f-9a43-2c1f3f0e7c11'] },
      'endpointIds.0',
      'unknown_endpoint',
    ],
    ['an id that is no UUID', { startsAt: inSeconds(0), endsAt: inSeconds(60), endpointIds: ['nope'] }, 'endpointIds.0', 'invalid_uuid'],
    ['an unknown field', { startsAt: inSeconds(0), endsAt: inSeconds(60), tags: ['x'], repeat: true }, 'repeat', 'unknown_field'],
    ['a name with a control character', { name: 'a\u202eb', startsAt: inSeconds(0), endsAt: inSeconds(60), tags: ['x'] }, 'name', 'control_character'],
  ])('refuse %s with a 400 naming the field, and store nothing', async (_, fields, path, code) => {
    const before = (await vigil.api<Page<MaintenanceWindow>>('GET', '/api/maintenance-windows?limit=500')).body.items.length;
    const input = { name: unique('bad'), ...fields };
    if ('name' in fields && fields.name === undefined) delete (input as Record<string, unknown>).name;
    const res = await vigil.api<ProblemDetails>('POST', '/api/maintenance-windows', input);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(
      res.body.errors?.find((e) => e.path === path),
      JSON.stringify(res.body.errors),
    ).toMatchObject({ code });
    expect((await vigil.api<Page<MaintenanceWindow>>('GET', '/api/maintenance-windows?limit=500')).body.items.length).toBe(before);
  });

  it('refuse a change that leaves the window incoherent, and keep it as it was', async () => {
    const window = await createWindow({ tags: [unique('t')], startsAt: inSeconds(3600), endsAt: inSeconds(7200) });
    const res = await vigil.api<ProblemDetails>('PATCH', `/api/maintenance-windows/${window.id}`, { endsAt: inSeconds(60) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'endsAt', code: 'ends_before_start' })]);
    const switched = await vigil.api<ProblemDetails>('PATCH', `/api/maintenance-windows/${window.id}`, { kind: 'recurring' });
    expect(switched.body.errors?.map((e) => [e.path, e.code])).toEqual([
      ['cron', 'required'],
      ['durationMinutes', 'required'],
    ]);
    expect((await vigil.api('GET', `/api/maintenance-windows/${window.id}`)).body).toEqual(window);
    expect((await vigil.api<ProblemDetails>('PATCH', '/api/maintenance-windows/not-a-uuid', {})).body).toMatchObject({ status: 400 });
    await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`);
  });

  it('lose an endpoint that is deleted', async () => {
    const [a, b] = [await create(), await create()];
    const window = await createWindow({ endpointIds: [a.id, b.id], startsAt: inSeconds(3600), endsAt: inSeconds(7200) });
    expect((await vigil.api('DELETE', `/api/endpoints/${a.id}`)).status).toBe(204);
    expect((await vigil.api<MaintenanceWindow>('GET', `/api/maintenance-windows/${window.id}`)).body.endpointIds).toEqual([b.id]);
    await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`);
  });
});

describe('an endpoint in a maintenance window', () => {
  it('turns MAINTENANCE at once when a window covering it starts, announced, and back when the period ends', async () => {
    const tag = unique('db');
    const endpoint = await live({ tags: [tag] });
    const client = await watching(endpoint);
    const endsAt = inSeconds(2);
    const window = await createWindow({ startsAt: inSeconds(-1), endsAt, tags: [tag] });

    const started = await received(client, (e) => e.event === 'maintenance:started', 'maintenance:started');
    expect(started.data).toMatchObject({ windowId: window.id, windowName: window.name, endpointId: endpoint.id, endpointName: endpoint.name, endsAt });
    expect(sortedKeys(started.data)).toEqual([...CONTRACT_FIELDS['maintenance:started']!].sort());
    const toMaintenance = await received(client, (e) => e.event === 'endpoint:status-changed', 'the status change');
    expect(toMaintenance.data).toMatchObject({ previousStatus: 'UP', currentStatus: 'MAINTENANCE', responseTime: null, errorMessage: null });

    const shown = await get(endpoint.id);
    expect(shown).toMatchObject({ status: 'MAINTENANCE', maintenance: { windowId: window.id, windowName: window.name, endsAt } });
    expect((await list({ status: 'MAINTENANCE', tag })).items.map((e) => e.id)).toEqual([endpoint.id]);
    expect((await list({ status: 'UP', tag })).items).toEqual([]);
    const summary = (await vigil.api<Summary>('GET', '/api/summary')).body;
    expect(summary.maintenance).toBeGreaterThanOrEqual(1);
    expect(summary.up + summary.down + summary.degraded + summary.pending + summary.maintenance + summary.paused).toBe(summary.total);

    const ended = await received(client, (e) => e.event === 'maintenance:ended', 'maintenance:ended', 5000);
    // Announced within a few hundred milliseconds of the period's end, not at the next check.
    expect(Date.parse(ended.data.timestamp) - Date.parse(endsAt)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(ended.data.timestamp) - Date.parse(endsAt)).toBeLessThan(500);
    expect(ended.data).toMatchObject({ windowId: window.id, windowName: window.name, endpointId: endpoint.id });
    const back = named(client.events, 'endpoint:status-changed');
    expect(back.map((e) => [e.data.previousStatus, e.data.currentStatus])).toEqual([
      ['UP', 'MAINTENANCE'],
      ['MAINTENANCE', 'UP'],
    ]);
    expect((await get(endpoint.id)).status).toBe('UP');
    expect((await get(endpoint.id)).maintenance).toBeNull();
  });

  it('is checked as usual, but a failure opens no incident, changes no status shown and counts in no uptime', async () => {
    const tag = unique('maint');
    const endpoint = await live({ tags: [tag], failureThreshold: 1, path: `/${tag}` }); // UP, outside any window
    const window = await createWindow({ startsAt: inSeconds(-1), endsAt: inSeconds(3600), endpointIds: [endpoint.id] });
    const client = await watching(endpoint);
    target.setMode(`/${tag}`, { kind: 'ok', status: 500 });
    const failures: Check[] = [await checkNow(endpoint), await checkNow(endpoint), await checkNow(endpoint)];
    for (const check of failures) expect(check).toMatchObject({ status: 'DOWN', maintenance: true });
    await received(client, (e) => e.event === 'check:completed' && e.data.checkId === failures[2]!.id, 'the third check');
    expect(named(client.events, 'check:completed').map((e) => [e.data.status, e.data.maintenance])).toEqual([
      ['DOWN', true],
      ['DOWN', true],
      ['DOWN', true],
    ]);
    expect(named(client.events, 'endpoint:status-changed', 'incident:started')).toEqual([]);
    expect((await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items).toEqual([]);
    expect(await get(endpoint.id)).toMatchObject({ status: 'MAINTENANCE', consecutiveFailures: 0, lastStatusCode: 500 });

    // Uptime, the dashboard's 24 h counts and the series leave the window's checks out.
    const uptime = (await vigil.api<Uptime>('GET', `/api/endpoints/${endpoint.id}/uptime`)).body;
    expect(uptime['24h']).toMatchObject({ checks: 1, uptime: 100 });
    const recent = (await vigil.api<RecentChecks>('GET', '/api/checks/recent')).body;
    expect(recent.uptime24h[endpoint.id]).toMatchObject({ checks: 1, up: 1 });
    expect(recent.items[endpoint.id]!.map((c) => [c.status, c.maintenance])).toEqual([
      ['DOWN', true],
      ['DOWN', true],
      ['DOWN', true],
      ['UP', false],
    ]);
    const series = (await vigil.api<{ points: { checks: number; down: number }[] }>('GET', `/api/endpoints/${endpoint.id}/series?range=1h`)).body;
    expect(series.points.reduce((n, p) => n + p.checks, 0)).toBe(1);
    expect(series.points.reduce((n, p) => n + p.down, 0)).toBe(0);

    // The window goes: the real status shows, and failures count from the next check on.
    expect((await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`)).status).toBe(204);
    const real = await received(client, (e) => e.event === 'endpoint:status-changed', 'the real status');
    expect(real.data).toMatchObject({ previousStatus: 'MAINTENANCE', currentStatus: 'DOWN' });
    expect(named(client.events, 'maintenance:ended')).toHaveLength(1);
    const after = await checkNow(endpoint);
    expect(after.maintenance).toBe(false);
    const incident = await received(client, (e) => e.event === 'incident:started', 'the incident after the window');
    expect(incident.data.failureCount).toBe(1);
    target.setMode(`/${tag}`, { kind: 'ok' });
  });

  it('keeps an incident open before the window on its course: it resolves when the endpoint recovers', async () => {
    const path = `/${unique('open')}`;
    target.setMode(path, { kind: 'ok', status: 503 });
    const endpoint = await live({ failureThreshold: 1, path });
    const [open] = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}&status=open`)).body.items;
    expect(open).toBeDefined();
    const window = await createWindow({ startsAt: inSeconds(-1), endsAt: inSeconds(3600), endpointIds: [endpoint.id] });
    await checkNow(endpoint); // still failing: the incident goes on
    target.setMode(path, { kind: 'ok' });
    await checkNow(endpoint);
    const incident = (await vigil.api<Incident>('GET', `/api/incidents/${open!.id}`)).body;
    expect(incident.resolvedAt).not.toBeNull();
    expect(incident.failureCount).toBe(2);
    await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`);
  });

  it('follows a recurring window over all endpoints; a paused endpoint is in none', async () => {
    const endpoint = await live();
    const paused = await create({ paused: true });
    const client = await watching(endpoint);
    // Every minute, for a day: on now and for the rest of the test.
    const window = await createWindow({ allEndpoints: true, cron: '* * * * *', durationMinutes: 1440, timezone: 'Asia/Seoul' });
    expect(window).toMatchObject({ kind: 'recurring', active: true, timezone: 'Asia/Seoul' });
    expect(Date.parse(window.currentPeriod!.endsAt) - Date.now()).toBeGreaterThan(86_000_000);
    await received(client, (e) => e.event === 'maintenance:started', 'maintenance:started');
    expect((await get(endpoint.id)).status).toBe('MAINTENANCE');
    expect((await get(paused.id)).status).toBe('PENDING');
    expect((await get(paused.id)).maintenance).toBeNull();
    // Resumed, it enters the window.
    await vigil.api('POST', `/api/endpoints/${paused.id}/resume`);
    await waitFor(async () => (await get(paused.id)).status === 'MAINTENANCE', 3000, 'the resumed endpoint in maintenance');
    expect((await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`)).status).toBe(204);
    await received(client, (e) => e.event === 'maintenance:ended', 'maintenance:ended');
    await vigil.api('POST', `/api/endpoints/${paused.id}/pause`);
  });

  it('enters and leaves a window as its tags change', async () => {
    const tag = unique('tagged');
    const endpoint = await live();
    const window = await createWindow({ tags: [tag], startsAt: inSeconds(-1), endsAt: inSeconds(3600) });
    const client = await watching(endpoint);
    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { tags: [tag] });
    await received(client, (e) => e.event === 'maintenance:started', 'maintenance:started');
    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { tags: [] });
    await received(client, (e) => e.event === 'maintenance:ended', 'maintenance:ended');
    expect(named(client.events, 'endpoint:status-changed').map((e) => e.data.currentStatus)).toEqual(['MAINTENANCE', 'UP']);
    await vigil.api('DELETE', `/api/maintenance-windows/${window.id}`);
  });

  it('stays in maintenance across a restart, announced once', async () => {
    let own = await startTestVigil();
    try {
      const made = await own.api<Endpoint>('POST', '/api/endpoints', { name: 'restarted', url: target.url('/restarted'), intervalSeconds: 3600 });
      await waitFor(async () => (await own.api<Endpoint>('GET', `/api/endpoints/${made.body.id}`)).body.status === 'UP', 5000, 'the first check');
      const window = await own.api<MaintenanceWindow>('POST', '/api/maintenance-windows', {
        name: 'across restarts',
        endpointIds: [made.body.id],
        startsAt: inSeconds(-1),
        endsAt: inSeconds(3600),
      });
      own = await own.restart();
      const client = await connectSocketIo(own.port);
      expect(await client.command('subscribe:all')).toEqual({ ok: true });
      expect((await own.api<Endpoint>('GET', `/api/endpoints/${made.body.id}`)).body.status).toBe('MAINTENANCE');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(named(client.events, 'maintenance:started', 'endpoint:status-changed')).toEqual([]);
      await own.api('DELETE', `/api/maintenance-windows/${window.body.id}`);
      await received(client, (e) => e.event === 'maintenance:ended', 'maintenance:ended');
      expect(named(client.events, 'endpoint:status-changed').map((e) => e.data.currentStatus)).toEqual(['UP']);
      expect(own.errors).toEqual([]);
    } finally {
      await own.dispose();
    }
  });
});
