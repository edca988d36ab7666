/** Assertions on HTTP checks, end to end: REST in, a real target's answer judged, the result stored, listed, exported and announced. */
import { describe, expect, it } from 'vitest';
import type { Assertion, Check, Endpoint, EndpointsFile, ImportResult, Page, ProblemDetails } from '../../server/contract/types.ts';
import { checkCompletedEvent, connectSocketIo } from '../support/realtime-clients.ts';
import { expectCheckShape, unique, useRestApi } from '../support/rest-api.ts';
import type { TargetServer } from '../support/target-server.ts';
import type { TestVigil } from '../support/vigil.ts';

let vigil: TestVigil;
let target: TargetServer;
const { create, checkNow, get } = useRestApi((v, t) => {
  vigil = v;
  target = t;
});

const JSON_HEADERS = { 'Content-Type': 'application/json', 'X-Version': '2.4.1' };
const HEALTH = {
  status: 'degraded',
  checks: [
    { name: 'db', ok: true },
    { name: 'cache', ok: false },
  ],
  load: 0.93,
};

/** A path answering 200 with the health document above. */
function healthPath(body: unknown = HEALTH): string {
  const path = `/${unique('health')}`;
  target.setMode(path, { kind: 'ok', body: JSON.stringify(body), headers: JSON_HEADERS });
  return path;
}

const assertion = (fields: Partial<Assertion> & Pick<Assertion, 'source' | 'comparison'>): Assertion => ({
  property: null,
  target: null,
  severity: 'DOWN',
  ...fields,
});

describe('assertions on an HTTP check', () => {
  it('judges the answer by them: DOWN on a failed DOWN assertion, every failure named with what it saw, the body excerpt kept', async () => {
    const assertions = [
      assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }),
      assertion({ source: 'header', property: 'x-version', comparison: 'matches', target: '^2\\.' }),
      assertion({ source: 'json', property: '$.checks[?@.ok == false].name', comparison: 'notExists', severity: 'DEGRADED' }),
      assertion({ source: 'body', comparison: 'contains', target: '"db"' }),
    ];
    const endpoint = await create({ path: healthPath(), assertions });
    expect(endpoint.assertions).toEqual(assertions);
    // In the contract's order, whatever order the database keeps the keys in.
    expect(Object.keys((await get(endpoint.id)).assertions[0]!)).toEqual(['source', 'property', 'comparison', 'target', 'severity']);

    const check = await checkNow(endpoint);

    expectCheckShape(check, endpoint.id);
    expect(check).toMatchObject({
      status: 'DOWN',
      statusCode: 200,
      errorMessage: '$.status: expected "ok", got "degraded"',
      errorCode: 'assertion',
      errorParams: { subject: '$.status', expected: '"ok"', actual: '"degraded"' },
      bodyExcerpt: JSON.stringify(HEALTH),
    });
    expect(check.failedAssertions).toEqual([
      { index: 0, severity: 'DOWN', subject: '$.status', expected: '"ok"', actual: '"degraded"', message: '$.status: expected "ok", got "degraded"' },
      {
        index: 2,
        severity: 'DEGRADED',
        subject: '$.checks[?@.ok == false].name',
        expected: 'not to exist',
        actual: '["cache"]',
        message: '$.checks[?@.ok == false].name: expected not to exist, got ["cache"]',
      },
    ]);
    const listed = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(listed.body.items).toEqual([check]);
    expect(await get(endpoint.id)).toMatchObject({ status: 'DOWN', lastErrorMessage: check.errorMessage, lastErrorCode: 'assertion' });
    expect(vigil.errors).toEqual([]);
  });

  it('is DEGRADED when only DEGRADED assertions fail, and UP with nothing kept when all hold', async () => {
    const path = healthPath();
    const endpoint = await create({
      path,
      assertions: [assertion({ source: 'json', property: '$.load', comparison: 'lessThan', target: 0.8, severity: 'DEGRADED' })],
    });
    expect(await checkNow(endpoint)).toMatchObject({ status: 'DEGRADED', errorMessage: '$.load: expected < 0.8, got 0.93', errorCode: 'assertion' });

    target.setMode(path, { kind: 'ok', body: JSON.stringify({ ...HEALTH, load: 0.2 }), headers: JSON_HEADERS });
    expect(await checkNow(endpoint)).toMatchObject({ status: 'UP', errorMessage: null, failedAssertions: [], bodyExcerpt: null });
  });

  it('keeps only the first 1 KB of a failed check’s body, never cutting a character in two', async () => {
    const path = `/${unique('big')}`;
    // 1,023 ASCII bytes then 3-byte characters: byte 1,024 falls inside the first "한".
    const body = `${'a'.repeat(1023)}${'한'.repeat(2000)}`;
    target.setMode(path, { kind: 'ok', status: 503, body });
    const endpoint = await create({ path });

    const check = await checkNow(endpoint);

    expect(check).toMatchObject({ status: 'DOWN', errorCode: 'unexpected_status', failedAssertions: [] });
    expect(check.bodyExcerpt).toBe('a'.repeat(1023));
  });

  it('reads the whole body for a body or JSON assertion (past the first KB)', async () => {
    const path = healthPath({ padding: 'x'.repeat(200_000), status: 'ok' });
    const endpoint = await create({ path, assertions: [assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })] });
    expect(await checkNow(endpoint)).toMatchObject({ status: 'UP', failedAssertions: [] });
  });

  it('announces the failed assertions in check:completed', async () => {
    const endpoint = await create({
      path: healthPath(),
      assertions: [assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })],
    });
    const client = await connectSocketIo(vigil.port);
    try {
      expect(await client.command('subscribe:endpoint', { endpointId: endpoint.id })).toEqual({ ok: true });
      const check = await checkNow(endpoint);
      const event = await checkCompletedEvent(client, check.id);
      expect(event.failedAssertions).toEqual(check.failedAssertions);
      expect(event.errorMessage).toBe('$.status: expected "ok", got "degraded"');
    } finally {
      await client.close();
    }
  });
});

describe('assertions over REST', () => {
  it('are replaced by a PATCH and kept by one that leaves them out', async () => {
    const endpoint = await create({ assertions: [assertion({ source: 'status', comparison: 'equals', target: 200 })] });
    const replaced = [assertion({ source: 'responseTime', comparison: 'lessThan', target: 500, severity: 'DEGRADED' })];
    const patched = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { assertions: replaced });
    expect(patched.status).toBe(200);
    expect(patched.body.assertions).toEqual(replaced);
    const renamed = await vigil.api<Endpoint>('PATCH', `/api/endpoints/${endpoint.id}`, { name: 'renamed' });
    expect(renamed.body.assertions).toEqual(replaced);
  });

  it('refuses a bad assertion with a precise 400 and changes nothing', async () => {
    const endpoint = await create({ assertions: [assertion({ source: 'status', comparison: 'equals', target: 200 })] });
    const invalid = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, {
      assertions: [
        { source: 'json', property: 'status', comparison: 'equals', target: 'ok' },
        { source: 'header', comparison: 'exists' },
      ],
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors?.map((e) => [e.path, e.code])).toEqual([
      ['assertions.0.property', 'invalid_json_path'],
      ['assertions.1.property', 'property_required'],
    ]);
    // Valid on its own, but not with this endpoint's http:// URL.
    const incoherent = await vigil.api<ProblemDetails>('PATCH', `/api/endpoints/${endpoint.id}`, {
      assertions: [{ source: 'certificateDays', comparison: 'greaterThan', target: 7 }],
    });
    expect(incoherent.status).toBe(400);
    expect(incoherent.body.errors?.map((e) => [e.path, e.code, e.message])).toEqual([
      ['assertions.0.source', 'needs_https', 'needs an https:// URL: only TLS answers have a certificate'],
    ]);
    expect((await get(endpoint.id)).assertions).toEqual([assertion({ source: 'status', comparison: 'equals', target: 200 })]);
  });

  it('travel through export and import: the same file imports back unchanged', async () => {
    const assertions = [
      assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }),
      assertion({ source: 'header', property: 'content-type', comparison: 'contains', target: 'json', severity: 'DEGRADED' }),
    ];
    const endpoint = await create({ assertions });
    const exported = await vigil.api<EndpointsFile>('GET', '/api/export');
    const entry = exported.body.endpoints.find((e) => e.id === endpoint.id);
    expect(entry?.assertions).toEqual(assertions);

    const again = await vigil.api<ImportResult>('POST', '/api/import', exported.body);
    expect(again.status).toBe(200);
    expect(again.body.items.find((i) => i.id === endpoint.id)?.action).toBe('unchanged');

    const changed = { ...exported.body, endpoints: [{ ...entry!, assertions: assertions.slice(0, 1) }] };
    const imported = await vigil.api<ImportResult>('POST', '/api/import', changed);
    expect(imported.body.items).toEqual([{ id: endpoint.id, name: endpoint.name, action: 'updated' }]);
    expect((await get(endpoint.id)).assertions).toEqual(assertions.slice(0, 1));
  });
});

describe('secrets in what a target answers', () => {
  it('are masked in the body excerpt and in what the assertions saw, as everywhere else an endpoint is read', async () => {
    const path = `/${unique('echo')}`;
    // What an echo service answers: the request's headers and query.
    const echoed = { headers: { authorization: 'Bearer s3cr3t-t0ken', 'x-api-key': 'k3y-v4lue' }, token: 's3cr3t-t0ken', query: { api_key: 'qu3ry-s3cret' } };
    target.setMode(path, { kind: 'ok', status: 500, body: JSON.stringify(echoed), headers: { 'Content-Type': 'application/json', 'X-Echo': 'k3y-v4lue' } });
    const endpoint = await create({
      path: `${path}?api_key=qu3ry-s3cret`,
      headers: { Authorization: 'Bearer s3cr3t-t0ken', 'X-Api-Key': 'k3y-v4lue' },
      assertions: [
        assertion({ source: 'json', property: '$.token', comparison: 'equals', target: 'other' }),
        assertion({ source: 'header', property: 'x-echo', comparison: 'equals', target: 'other' }),
      ],
    });

    const check = await checkNow(endpoint);

    const text = JSON.stringify(check);
    for (const secret of ['s3cr3t-t0ken', 'k3y-v4lue', 'qu3ry-s3cret']) expect(text).not.toContain(secret);
    expect(check.bodyExcerpt).toBe(
      JSON.stringify({ headers: { authorization: '(secret)', 'x-api-key': '(secret)' }, token: '(secret)', query: { api_key: '(secret)' } }),
    );
    expect(check.failedAssertions.map((f) => f.actual)).toEqual(['"(secret)"', '"(secret)"']);
    const listed = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(JSON.stringify(listed.body)).not.toContain('s3cr3t');
  });
});

describe('a check whose body breaks no rule of ours', () => {
  it('stores what it saw of NUL and lone-surrogate escapes as text, and a body with NUL bytes', async () => {
    const path = `/${unique('odd')}`;
    target.setMode(path, { kind: 'ok', body: '{"status":"\\u0000\\ud800"}\u0000', headers: JSON_HEADERS });
    const endpoint = await create({
      path,
      assertions: [
        assertion({ source: 'body', comparison: 'contains', target: 'never' }),
        assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' }),
      ],
    });

    const check = await checkNow(endpoint);

    expect(check).toMatchObject({ status: 'DOWN', errorMessage: 'body: expected to contain "never", got no match' });
    expect(check.failedAssertions.map((f) => f.message)).toEqual(['body: expected to contain "never", got no match', '$.status: expected "ok", got not JSON']);
    expect(check.bodyExcerpt).toBe('{"status":"\\u0000\\ud800"}\uFFFD');
    const listed = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(listed.body.items).toEqual([check]);
    expect(vigil.errors).toEqual([]);
  });

  it('stores a JSON value holding NUL and a lone surrogate, as the escapes it saw', async () => {
    const path = `/${unique('escapes')}`;
    target.setMode(path, { kind: 'ok', body: '{"status":"\\u0000\\ud800"}', headers: JSON_HEADERS });
    const endpoint = await create({ path, assertions: [assertion({ source: 'json', property: '$.status', comparison: 'equals', target: 'ok' })] });

    const check = await checkNow(endpoint);

    expect(check.failedAssertions.map((f) => f.actual)).toEqual(['"\\u0000\\ud800"']);
    const listed = await vigil.api<Page<Check>>('GET', `/api/endpoints/${endpoint.id}/checks`);
    expect(listed.body.items).toEqual([check]);
    expect(vigil.errors).toEqual([]);
  });
});
