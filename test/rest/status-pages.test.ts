/**
 * Status pages, incident updates and uptime reports over REST, and what a page shows publicly:
 * precise 400s and 409s that store nothing, the password write-only, sections by id and by tag,
 * statuses live, incidents with their updates, 90 days from the rollups, the live stream, the
 * report's figures and error budget, and the SLA target on endpoints.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../db/client.ts';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentUpdate, PublicPageState, PublicStatusPage, StatusPage, UptimeReport } from '../../server/contract/status-pages.ts';
import type { Endpoint, Incident, Page, ProblemDetails } from '../../server/contract/types.ts';
import { closeRealtimeClients, connectSocketIo, received } from '../support/realtime-clients.ts';
import { ISO, unique, useRestApi, UUID } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import { clearOfUtcMidnight } from '../support/utc-day.ts';
import { type TestVigil, waitFor } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});
afterEach(closeRealtimeClients);

const DAY_MS = 86_400_000;
const slug = () => unique('page').toLowerCase();

async function createPage(fields: Record<string, unknown>): Promise<StatusPage> {
  const res = await vigil.api<StatusPage>('POST', '/api/status-pages', { slug: slug(), title: 'Status', ...fields });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.headers.get('location')).toBe(`/api/status-pages/${res.body.id}`);
  return res.body;
}

async function publicPage(page: StatusPage, headers: Record<string, string> = {}): Promise<PublicStatusPage> {
  const res = await fetch(`http://127.0.0.1:${vigil.port}/status/${page.slug}/page.json`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as PublicStatusPage;
}

function expectRefused(res: { status: number; body: unknown }, path: string, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  const problem = res.body as ProblemDetails;
  expect(problem.errors?.map((e) => `${e.path} ${e.code}`)).toContainEqual(`${path} ${code}`);
}

/** The state frames of a page's live stream, as they arrive. */
async function openPageStream(page: StatusPage) {
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${vigil.port}/status/${page.slug}/events`, { signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const frames: { event: string; data: PublicPageState }[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      /* closed */
    }
  })();
  return {
    frames,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

describe('status pages over REST', () => {
  it('creates a page with defaults, reads, lists, changes and deletes it, and tells subscribers of all', async () => {
    const endpoint = await create();
    const client = await connectSocketIo(vigil.port);
    expect(await client.command('subscribe:all')).toEqual({ ok: true });
    const page = await createPage({ title: 'Acme status', sections: [{ name: 'Core', endpointIds: [endpoint.id.toUpperCase()] }] });
    expect(page).toMatchObject({
      title: 'Acme status',
      description: null,
      logoUrl: null,
      sections: [{ name: 'Core', endpointIds: [endpoint.id], tag: null }],
      visibility: 'public',
      password: null,
      customDomain: null,
      footer: null,
      showResponseTimes: false,
      defaultLanguage: null,
      url: `/status/${page.slug}`,
    });
    expect(page.id).toMatch(UUID);
    expect(page.createdAt).toMatch(ISO);
    expect((await received(client, (e) => e.event === 'status-page:created')).data).toEqual(page);

    expect((await vigil.api('GET', `/api/status-pages/${page.id}`)).body).toEqual(page);
    expect(((await vigil.api<Page<StatusPage>>('GET', '/api/status-pages')).body.items as StatusPage[]).map((p) => p.id)).toContain(page.id);

    const changed = await vigil.api<StatusPage>('PATCH', `/api/status-pages/${page.id}`, {
      description: 'All of it',
      visibility: 'password',
      password: 'correct horse',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ description: 'All of it', visibility: 'password', password: '(secret)' });
    expect(JSON.stringify(changed.body)).not.toContain('correct horse');
    const event = await received(client, (e) => e.event === 'status-page:updated');
    expect(event.data.password).toBe('(secret)');
    // The marker keeps the stored password; a new one replaces it.
    expect((await vigil.api('PATCH', `/api/status-pages/${page.id}`, { password: '(secret)', title: 'Again' })).status).toBe(200);

    expect((await vigil.api('DELETE', `/api/status-pages/${page.id}`)).status).toBe(204);
    expect((await received(client, (e) => e.event === 'status-page:deleted')).data).toEqual({ statusPageId: page.id });
    expect((await vigil.api('GET', `/api/status-pages/${page.id}`)).status).toBe(404);
    expect((await vigil.api('DELETE', `/api/status-pages/${page.id}`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${vigil.port}/status/${page.slug}`)).status).toBe(404);
  });

  it('drops a deleted endpoint from every section, here and in the database, so the page stays editable', async () => {
    const [kept, gone] = [await create(), await create()];
    const page = await createPage({
      sections: [
        { name: 'A', endpointIds: [gone.id, kept.id] },
        { name: 'B', endpointIds: [gone.id] },
      ],
    });
    expect((await vigil.api('DELETE', `/api/endpoints/${gone.id}`)).status).toBe(204);
    expect((await vigil.api<StatusPage>('GET', `/api/status-pages/${page.id}`)).body.sections.map((s) => s.endpointIds)).toEqual([[kept.id], []]);
    const [stored] = rowsOf<{ sections: StatusPage['sections'] }>(
      await vigil.database.db.execute(sql`select sections from status_pages where id = ${page.id}::uuid`),
    );
    expect(stored!.sections.map((s) => s.endpointIds)).toEqual([[kept.id], []]);
    const renamed = await vigil.api<StatusPage>('PATCH', `/api/status-pages/${page.id}`, { title: 'Renamed' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
  });

  it('refuses bad pages with the field, the reason and its code, and stores nothing', async () => {
    const before = (await vigil.api<Page<StatusPage>>('GET', '/api/status-pages')).body.items.length;
    const taken = await createPage({ customDomain: `${slug()}.example.com` });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ slug: 'Has Spaces' }, 'slug', 'invalid_slug'],
      [{ slug: '-edge' }, 'slug', 'invalid_slug'],
      [{ slug: 'assets' }, 'slug', 'reserved_slug'],
      [{ slug: 'x' }, 'slug', 'too_short'],
      [{ title: '' }, 'title', 'empty'],
      [{ title: 'x'.repeat(101) }, 'title', 'too_long'],
      [{ logoUrl: 'javascript:alert(1)' }, 'logoUrl', 'invalid_logo_url'],
      [{ logoUrl: 'https://user:pw@example.com/logo.png' }, 'logoUrl', 'invalid_logo_url'],
      [{ visibility: 'secret' }, 'visibility', 'invalid_choice'],
      [{ visibility: 'password' }, 'password', 'required'],
      [{ visibility: 'password', password: 'short' }, 'password', 'too_short'],
      [{ password: '(secret)' }, 'password', 'no_stored_secret'],
      [{ customDomain: 'https://status.example.com/' }, 'customDomain', 'invalid_domain'],
      [{ customDomain: 'localhost' }, 'customDomain', 'invalid_domain'],
      [{ sections: [{ name: 'A', endpointIds: [crypto.randomUUID()] }] }, 'sections.0.endpointIds.0', 'unknown_endpoint'],
      [{ sections: [{ name: 'A', endpointIds: ['nope'] }] }, 'sections.0.endpointIds.0', 'invalid_uuid'],
      [{ sections: [{ name: '', tag: 'prod' }] }, 'sections.0.name', 'empty'],
      [{ sections: Array.from({ length: 21 }, (_, i) => ({ name: `S${i}`, tag: 'x' })) }, 'sections', 'too_many'],
      [{ defaultLanguage: 'fr' }, 'defaultLanguage', 'invalid_choice'],
      [{ footer: 'a\u0000b' }, 'footer', 'nul_character'],
      [{ surprise: true }, 'surprise', 'unknown_field'],
    ];
    for (const [fields, path, code] of cases) {
      const res = await vigil.api('POST', '/api/status-pages', { slug: slug(), title: 'Status', ...fields });
      if (res.status !== 400) throw new Error(`${JSON.stringify(fields).slice(0, 80)} answered ${res.status}`);
      expectRefused(res, path, code);
    }
    const endpoint = await create({ tags: ['both'] });
    expectRefused(
      await vigil.api('POST', '/api/status-pages', { slug: slug(), title: 'S', sections: [{ name: 'A', endpointIds: [endpoint.id], tag: 'both' }] }),
      'sections.0.tag',
      'tag_with_endpoints',
    );
    const sameSlug = await vigil.api<ProblemDetails>('POST', '/api/status-pages', { slug: taken.slug, title: 'Twin' });
    expect(sameSlug.status).toBe(409);
    expect(sameSlug.body.code).toBe('slug_taken');
    const sameDomain = await vigil.api<ProblemDetails>('POST', '/api/status-pages', {
      slug: slug(),
      title: 'Twin',
      customDomain: taken.customDomain?.toUpperCase(),
    });
    expect(sameDomain.status).toBe(409);
    expect(sameDomain.body.code).toBe('domain_taken');
    const patchToTaken = await createPage({});
    expect((await vigil.api('PATCH', `/api/status-pages/${patchToTaken.id}`, { slug: taken.slug })).status).toBe(409);
    expect((await vigil.api('PATCH', `/api/status-pages/${patchToTaken.id}`, { title: '' })).status).toBe(400);
    expect((await vigil.api('GET', `/api/status-pages/${patchToTaken.id}`)).body).toEqual(patchToTaken);
    expect((await vigil.api('GET', '/api/status-pages/not-a-uuid')).status).toBe(400);
    expect((await vigil.api<Page<StatusPage>>('GET', '/api/status-pages')).body.items.length).toBe(before + 2);
  });
});

describe('what a page shows', () => {
  it('shows the endpoints named and those of a tag by name, their statuses live, and nothing of a deleted one', async () => {
    const tag = unique('tag');
    const named = await create({ name: 'Zeta API', paused: false, intervalSeconds: 3600 });
    const [b, a] = [await create({ name: 'Beta', tags: [tag] }), await create({ name: 'Alpha', tags: [tag] })];
    const page = await createPage({
      sections: [
        { name: 'Named', endpointIds: [named.id] },
        { name: 'Tagged', tag },
      ],
      showResponseTimes: true,
    });
    await checkNow(named);
    let shown = await publicPage(page);
    expect(shown.sections.map((s) => [s.name, s.endpoints.map((e) => e.name)])).toEqual([
      ['Named', ['Zeta API']],
      ['Tagged', ['Alpha', 'Beta']],
    ]);
    expect(Object.keys(shown.sections[0]!.endpoints[0]!).sort()).toEqual(['avgResponseTime', 'days', 'id', 'name', 'status', 'uptime90d']);
    expect(shown.sections[0]!.endpoints[0]!.days).toHaveLength(90);
    expect(shown.sections[0]!.endpoints[0]!.days.at(-1)!.date).toBe(new Date().toISOString().slice(0, 10));

    const stream = await openPageStream(page);
    await waitFor(() => stream.frames.length > 0, 5000, 'the first state');
    expect(stream.frames[0]!.event).toBe('state');
    expect(stream.frames[0]!.data.statuses[named.id]).toBe('UP');

    target.setMode(new URL(named.url).pathname, { kind: 'ok', status: 500 });
    await vigil.api('PATCH', `/api/endpoints/${named.id}`, { failureThreshold: 1 });
    await checkNow(named);
    await waitFor(() => stream.frames.some((f) => f.data.statuses?.[named.id] === 'DOWN'), 5000, 'the DOWN state live');
    shown = await publicPage(page);
    expect(shown.sections[0]!.endpoints[0]!.status).toBe('DOWN');
    expect(['partial_outage', 'major_outage']).toContain(shown.overall);

    await vigil.api('DELETE', `/api/endpoints/${a.id}`);
    await waitFor(async () => (await publicPage(page)).sections[1]!.endpoints.length === 1, 5000, 'the deleted endpoint to leave the page');
    expect((await publicPage(page)).sections[1]!.endpoints.map((e) => e.id)).toEqual([b.id]);
    await stream.close();
  });

  it('shows an open incident with its updates, live, then in the history once resolved', async () => {
    // The incident counts in the day it started: today's, unless the test straddles midnight UTC.
    await clearOfUtcMidnight(10_000);
    const endpoint = await create({ name: 'Payments', failureThreshold: 1 });
    const page = await createPage({ sections: [{ name: 'All', endpointIds: [endpoint.id] }] });
    await publicPage(page);
    const stream = await openPageStream(page);
    const path = new URL(endpoint.url).pathname;
    target.setMode(path, { kind: 'ok', status: 503 });
    await checkNow(endpoint);
    const incident = await waitFor(async () => {
      const items = (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items;
      return items[0];
    });
    const update = await vigil.api<IncidentUpdate>('POST', `/api/incidents/${incident.id}/updates`, {
      state: 'identified',
      message: 'The card processor <b>is</b> down.',
    });
    expect(update.status).toBe(201);
    await waitFor(
      () => stream.frames.some((f) => f.data.activeIncidents?.[0]?.updates?.[0]?.message === 'The card processor <b>is</b> down.'),
      5000,
      'the update live',
    );
    const open = (await publicPage(page)).activeIncidents;
    expect(open).toEqual([
      {
        id: incident.id,
        endpointId: endpoint.id,
        endpointName: 'Payments',
        startedAt: incident.startedAt,
        resolvedAt: null,
        updates: [{ id: update.body.id, state: 'identified', message: 'The card processor <b>is</b> down.', createdAt: update.body.createdAt }],
      },
    ]);
    // The error text of the failing check is not shown.
    expect(JSON.stringify(await publicPage(page))).not.toMatch(/503|Service Unavailable/);

    target.setMode(path, { kind: 'ok', status: 200 });
    await checkNow(endpoint);
    await waitFor(async () => (await publicPage(page)).pastIncidents.length === 1, 5000, 'the incident in the history');
    const shown = await publicPage(page);
    expect(shown.activeIncidents).toEqual([]);
    expect(shown.pastIncidents[0]).toMatchObject({ id: incident.id, updates: [{ state: 'identified' }] });
    expect(shown.pastIncidents[0]!.resolvedAt).toMatch(ISO);
    const today = shown.sections[0]!.endpoints[0]!.days.at(-1)!;
    expect(today.incidents).toBe(1);
    await stream.close();
  });

  it('shows 90 days from the hourly rollups, and the report counts them with the incidents and the error budget', async () => {
    const endpoint = await create({ name: 'Ledger', slaTarget: 99.9 });
    expect(endpoint.slaTarget).toBe(99.9);
    // The page's days are counted back from today as the test sees it: both on the same UTC day.
    await clearOfUtcMidnight(10_000);
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const day = today - 3 * DAY_MS;
    // 24 hours of 60 checks each; 6 DOWN in the tenth hour.
    await vigil.database.db.execute(sql`
      insert into check_rollups_hourly (endpoint_id, hour, checks, up, degraded, down, response_time_sum)
      select ${endpoint.id}::uuid, ${new Date(day).toISOString()}::timestamptz + h * interval '1 hour', 60,
        case when h = 10 then 54 else 60 end, 0, case when h = 10 then 6 else 0 end,
        case when h = 10 then 54 * 100 else 60 * 100 end
      from generate_series(0, 23) as h`);
    // Rolled up to the current hour: the page reads the past days once and today each time.
    await vigil.database.db.execute(sql`
      insert into retention_state (id, rolled_up_to) values (1, ${new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString()}::timestamptz)
      on conflict (id) do update set rolled_up_to = greatest(retention_state.rolled_up_to, excluded.rolled_up_to)`);
    const incidentId = crypto.randomUUID();
    await vigil.database.db.execute(sql`
      insert into incidents (id, endpoint_id, started_at, resolved_at, failure_count)
      values (${incidentId}::uuid, ${endpoint.id}::uuid, ${new Date(day + 10 * 3_600_000).toISOString()}::timestamptz,
        ${new Date(day + 10 * 3_600_000 + 6 * 60_000).toISOString()}::timestamptz, 3)`);
    const page = await createPage({ sections: [{ name: 'All', endpointIds: [endpoint.id] }] });
    const shown = await publicPage(page);
    const days = shown.sections[0]!.endpoints[0]!.days;
    expect(days[86]).toEqual({ date: new Date(day).toISOString().slice(0, 10), uptime: 99.583, incidents: 1, downMinutes: 6 });
    expect(days[85]!.uptime).toBeNull();
    expect(shown.sections[0]!.endpoints[0]!.uptime90d).toBe(99.583);
    expect(shown.pastIncidents.map((i) => i.id)).toEqual([incidentId]);
    // Rebuilt (an incident update), the days read from what was kept are the same.
    await vigil.api('POST', `/api/incidents/${incidentId}/updates`, { state: 'resolved', message: 'An expired certificate, renewed.' });
    await waitFor(async () => (await publicPage(page)).pastIncidents[0]?.updates.length === 1, 5000, 'the rebuilt page');
    expect((await publicPage(page)).sections[0]!.endpoints[0]!.days[86]).toEqual(days[86]);

    const from = new Date(day).toISOString();
    const to = new Date(day + DAY_MS).toISOString();
    const report = await vigil.api<UptimeReport>('GET', `/api/reports/uptime?from=${from}&to=${to}&endpointIds=${endpoint.id}`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toEqual({
      from,
      to,
      endpoints: [
        {
          endpointId: endpoint.id,
          name: 'Ledger',
          tags: [],
          checks: 1440,
          uptime: 99.583,
          avgResponseTime: 100,
          incidents: 1,
          downtimeMs: 360_000,
          slaTarget: 99.9,
          errorBudgetMs: 86_400,
          // 0.417 % of the day spent (uptime 99.583 %): 360,288 ms.
          errorBudgetRemainingMs: 86_400 - 360_288,
          slaMet: false,
        },
      ],
      incidents: [
        { id: incidentId, endpointId: endpoint.id, endpointName: 'Ledger', startedAt: expect.any(String), resolvedAt: expect.any(String), durationMs: 360_000 },
      ],
      incidentsTruncated: false,
      total: { checks: 1440, uptime: 99.583, downtimeMs: 360_000, incidents: 1 },
    });
    // Half of the incident's day: half its downtime.
    const half = await vigil.api<UptimeReport>(
      'GET',
      `/api/reports/uptime?from=${new Date(day + 10 * 3_600_000 + 3 * 60_000).toISOString()}&to=${to}&endpointIds=${endpoint.id}`,
    );
    expect(half.body.endpoints[0]!.downtimeMs).toBe(180_000);

    const csv = await fetch(`http://127.0.0.1:${vigil.port}/api/reports/uptime?from=${from}&to=${to}&endpointIds=${endpoint.id}&format=csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-uptime-/);
    expect((await csv.text()).split('\r\n')).toEqual([
      'endpointId,name,tags,checks,uptime,avgResponseTime,incidents,downtimeMs,slaTarget,errorBudgetMs,errorBudgetRemainingMs,slaMet',
      `${endpoint.id},Ledger,,1440,99.583,100,1,360000,99.9,86400,-273888,false`,
      '',
    ]);
  });
});

describe('uptime reports', () => {
  it('quotes what a spreadsheet would run, and refuses bad periods and lists precisely', async () => {
    const endpoint = await create({ name: '=HYPERLINK("http://evil")', tags: ['@risk'] });
    const from = new Date(Date.now() - DAY_MS).toISOString();
    const csv = await (await fetch(`http://127.0.0.1:${vigil.port}/api/reports/uptime?from=${from}&endpointIds=${endpoint.id}&format=csv`)).text();
    expect(csv.split('\r\n')[1]).toBe(`${endpoint.id},"'=HYPERLINK(""http://evil"")",'@risk,0,,,0,0,,,,`);
    const refusals: [string, string, string][] = [
      ['', 'from', 'required'],
      ['from=yesterday', 'from', 'invalid_time'],
      ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'to', 'ends_before_start'],
      ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to', 'period_too_long'],
      ['from=2026-01-01T00:00:00Z&endpointIds=a,b', 'endpointIds.0', 'invalid_uuid'],
      ['from=2026-01-01T00:00:00Z&format=xml', 'format', 'invalid_choice'],
    ];
    for (const [query, path, code] of refusals) expectRefused(await vigil.api('GET', `/api/reports/uptime?${query}`), path, code);
  });

  it('takes an SLA target between 0 and 100 with at most 3 decimals, and carries it through export and import', async () => {
    expectRefused(await vigil.api('POST', '/api/endpoints', { name: unique('sla'), url: target.url('/x'), slaTarget: 100 }), 'slaTarget', 'too_large');
    expectRefused(await vigil.api('POST', '/api/endpoints', { name: unique('sla'), url: target.url('/x'), slaTarget: 0 }), 'slaTarget', 'too_small');
    expectRefused(await vigil.api('POST', '/api/endpoints', { name: unique('sla'), url: target.url('/x'), slaTarget: 99.9999 }), 'slaTarget', 'too_precise');
    expectRefused(await vigil.api('POST', '/api/endpoints', { name: unique('sla'), url: target.url('/x'), slaTarget: '99.9' }), 'slaTarget', 'wrong_type');
    const endpoint = await create({ slaTarget: 99.95 });
    expect((await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { slaTarget: null })).body.slaTarget).toBeNull();
    await vigil.api('PATCH', `/api/endpoints/${endpoint.id}`, { slaTarget: 99.5 });
    const exported = (await vigil.api('GET', '/api/export')).body as { endpoints: Endpoint[] };
    expect(exported.endpoints.find((e) => e.id === endpoint.id)?.slaTarget).toBe(99.5);
  });
});

describe('incident updates', () => {
  it('are posted, listed oldest first, edited and taken back, told to the endpoint subscribers, and refused precisely', async () => {
    const endpoint = await create({ failureThreshold: 1 });
    target.setMode(new URL(endpoint.url).pathname, { kind: 'ok', status: 500 });
    await checkNow(endpoint);
    const incident = await waitFor(async () => (await vigil.api<Page<Incident>>('GET', `/api/incidents?endpointId=${endpoint.id}`)).body.items[0]);
    const client = await connectSocketIo(vigil.port);
    expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
    const base = `/api/incidents/${incident.id}/updates`;

    const first = await vigil.api<IncidentUpdate>('POST', base, { state: 'investigating', message: '  We are looking.  ' });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`${base}/${first.body.id}`);
    expect(first.body).toMatchObject({ incidentId: incident.id, endpointId: endpoint.id, state: 'investigating', message: 'We are looking.' });
    expect((await received(client, (e) => e.event === 'incident-update:created')).data).toEqual(first.body);
    const second = (await vigil.api<IncidentUpdate>('POST', base, { state: 'identified', message: 'A bad deploy.\nRolling back.' })).body;
    expect((await vigil.api<{ items: IncidentUpdate[] }>('GET', base)).body.items.map((u) => u.id)).toEqual([first.body.id, second.id]);

    const edited = await vigil.api<IncidentUpdate>('PATCH', `${base}/${second.id}`, { state: 'monitoring' });
    expect(edited.body).toMatchObject({ state: 'monitoring', message: 'A bad deploy.\nRolling back.' });
    expect((await received(client, (e) => e.event === 'incident-update:updated')).data.state).toBe('monitoring');
    expect((await vigil.api('DELETE', `${base}/${second.id}`)).status).toBe(204);
    expect((await received(client, (e) => e.event === 'incident-update:deleted')).data).toEqual({
      id: second.id,
      incidentId: incident.id,
      endpointId: endpoint.id,
    });
    expect((await vigil.api('DELETE', `${base}/${second.id}`)).status).toBe(404);

    expectRefused(await vigil.api('POST', base, { state: 'fixed', message: 'x' }), 'state', 'invalid_choice');
    expectRefused(await vigil.api('POST', base, { state: 'resolved', message: '   ' }), 'message', 'empty');
    expectRefused(await vigil.api('POST', base, { state: 'resolved', message: 'x'.repeat(5001) }), 'message', 'too_long');
    expectRefused(await vigil.api('POST', base, { state: 'resolved' }), 'message', 'required');
    expect((await vigil.api('POST', `/api/incidents/${crypto.randomUUID()}/updates`, { state: 'resolved', message: 'x' })).status).toBe(404);
    expect((await vigil.api('GET', '/api/incidents/nope/updates')).status).toBe(400);
    const plain = await fetch(`http://127.0.0.1:${vigil.port}${base}`, { method: 'POST', body: 'state=resolved', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    expect((await vigil.api<{ items: IncidentUpdate[] }>('GET', base)).body.items.map((u) => u.id)).toEqual([first.body.id]);
  });
});
