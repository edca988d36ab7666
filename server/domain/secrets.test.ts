import { describe, expect, it } from 'vitest';
import type { EndpointDefinition } from '../contract/types.ts';
import { ENDPOINT_DEFAULTS } from './endpoint-input.ts';
import { SECRET_MARKER, isSecretHeader, keepStoredSecrets, redactDefinition, redactUrl } from './secrets.ts';

const definition = (fields: Partial<EndpointDefinition> = {}): EndpointDefinition => ({
  ...ENDPOINT_DEFAULTS,
  headers: {},
  secretHeaders: [],
  expectedStatusCodes: ['200-299'],
  tags: [],
  name: 'API',
  url: 'https://api.example.com/health',
  ...fields,
});

describe('isSecretHeader', () => {
  it.each([
    ['Authorization', [], true],
    ['PROXY-AUTHORIZATION', [], true],
    ['cookie', [], true],
    ['Set-Cookie', [], true],
    ['X-Access-Token', [], true],
    ['X-Api-Key', [], true],
    ['X-Webhook-Secret', [], true],
    ['X-Password', [], true],
    ['X-Passwd', [], true],
    ['X-Auth-User', [], true],
    ['X-Session', [], true],
    ['X-Credentials', [], true],
    ['Accept', [], false],
    ['Content-Type', [], false],
    ['X-Request-Id', [], false],
    ['X-Tenant', [], false],
    ['X-Tenant', ['x-tenant'], true],
    ['x-tenant', ['X-TENANT'], true],
    ['X-Tenant', ['X-Other'], false],
  ] as const)('%s (marked %j) → %s', (name, marked, secret) => {
    expect(isSecretHeader(name, marked)).toBe(secret);
  });
});

describe('redactUrl', () => {
  it.each([
    ['https://user:pa55@host.example/x?y=1', `https://user:${SECRET_MARKER}@host.example/x?y=1`],
    ['https://user:p%40ss@host.example:8443/', `https://user:${SECRET_MARKER}@host.example:8443/`],
    ['https://:only-password@host.example/', `https://:${SECRET_MARKER}@host.example/`],
    ['https://user@host.example/', 'https://user@host.example/'],
    ['https://host.example/a@b', 'https://host.example/a@b'],
    ['http://HOST.example', 'http://HOST.example'],
  ])('%s → %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('redactDefinition', () => {
  it('replaces secret header values and the URL password, and nothing else', () => {
    const stored = definition({
      url: 'https://u:pw@api.example.com/h',
      headers: { Authorization: 'Bearer t', 'X-Tenant': 'acme', Accept: 'text/plain' },
      secretHeaders: ['X-Tenant'],
      body: '{"token":"in the body is not a header"}',
      method: 'POST',
    });
    expect(redactDefinition(stored)).toEqual({
      ...stored,
      url: `https://u:${SECRET_MARKER}@api.example.com/h`,
      headers: { Authorization: SECRET_MARKER, 'X-Tenant': SECRET_MARKER, Accept: 'text/plain' },
    });
  });
});

describe('keepStoredSecrets', () => {
  const stored = definition({ url: 'https://u:pw@api.example.com/h', headers: { Authorization: 'Bearer t', Accept: 'text/plain' } });

  it('puts the stored values back where the marker was sent, matching header names in any letter case', () => {
    const sent = definition({ url: `https://u:${SECRET_MARKER}@api.example.com/h`, headers: { authorization: SECRET_MARKER, Accept: 'application/json' } });
    expect(keepStoredSecrets(sent, stored)).toEqual({
      definition: { ...sent, url: stored.url, headers: { authorization: 'Bearer t', Accept: 'application/json' } },
      errors: [],
    });
  });

  it('keeps the stored URL as it was written when only the marker stood in for its password', () => {
    const written = definition({ url: 'https://u:pw@API.example.com:443/h', headers: {} });
    const sent = definition({ url: redactUrl(written.url) });
    expect(keepStoredSecrets(sent, written).definition.url).toBe(written.url);
  });

  it('reads a percent-encoded marker as the marker', () => {
    const sent = definition({ url: 'https://u:%28secret%29@api.example.com/h' });
    expect(keepStoredSecrets(sent, stored).definition.url).toBe(stored.url);
  });

  it('takes new values as they are, and drops what a sent map leaves out', () => {
    const sent = definition({ url: 'https://u:new@api.example.com/h', headers: { Authorization: 'Bearer new' } });
    expect(keepStoredSecrets(sent, stored)).toEqual({ definition: sent, errors: [] });
  });

  it.each([
    [
      'a new endpoint',
      null,
      definition({ headers: { Authorization: SECRET_MARKER } }),
      'headers.Authorization',
      'no stored value of this header to keep; send the real value',
    ],
    [
      'a header not stored',
      stored,
      definition({ url: stored.url, headers: { 'X-Api-Key': SECRET_MARKER } }),
      'headers.X-Api-Key',
      'no stored value of this header to keep',
    ],
    [
      'a URL password not stored',
      definition(),
      definition({ url: `https://u:${SECRET_MARKER}@api.example.com/health` }),
      'url',
      'no stored password of the URL to keep',
    ],
    [
      'another host',
      stored,
      definition({ url: 'https://u:pw@evil.example/h', headers: { Authorization: SECRET_MARKER } }),
      'headers.Authorization',
      'another origin (https://evil.example)',
    ],
    [
      'another scheme',
      stored,
      definition({ url: 'http://u:pw@api.example.com/h', headers: { Authorization: SECRET_MARKER } }),
      'headers.Authorization',
      'another origin (http://api.example.com)',
    ],
    ['another port', stored, definition({ url: `https://u:${SECRET_MARKER}@api.example.com:8443/h` }), 'url', 'another origin (https://api.example.com:8443)'],
  ])('refuses the marker for %s, naming the field', (_, before, sent, path, message) => {
    const { errors } = keepStoredSecrets(sent, before, { pathPrefix: '' });
    const code = message.startsWith('another origin') ? 'secret_other_origin' : 'secret_marker_without_value';
    expect(errors).toEqual([{ path, message: expect.stringContaining(message), code, params: expect.any(Object) }]);
  });

  it('names the entry of an import, and says how to move secrets', () => {
    const { errors } = keepStoredSecrets(definition({ headers: { Cookie: SECRET_MARKER } }), null, { pathPrefix: 'endpoints.3.', hint: 'export-with-secrets' });
    expect(errors).toEqual([
      {
        path: 'endpoints.3.headers.Cookie',
        message: expect.stringContaining('export with ?secrets=include to move secrets'),
        code: 'secret_marker_without_value',
        params: { marker: SECRET_MARKER },
      },
    ]);
  });
});

describe('a header named __proto__', () => {
  it('is redacted and kept as any other header, not taken for the prototype', () => {
    const stored = definition({ headers: JSON.parse('{"__proto__":"v","X-Session":"s"}') });
    expect(JSON.stringify(redactDefinition(stored).headers)).toBe(`{"__proto__":"v","X-Session":"${SECRET_MARKER}"}`);
    const sent = definition({ headers: JSON.parse(`{"__proto__":"v","X-Session":"${SECRET_MARKER}"}`) });
    expect(JSON.stringify(keepStoredSecrets(sent, stored).definition.headers)).toBe('{"__proto__":"v","X-Session":"s"}');
  });
});

describe('secret query parameters', () => {
  it.each([
    ['https://h.example/x?api_key=k1&v=2', `https://h.example/x?api_key=${SECRET_MARKER}&v=2`],
    ['https://h.example/x?access_token=t&token=u#frag', `https://h.example/x?access_token=${SECRET_MARKER}&token=${SECRET_MARKER}#frag`],
    ['https://h.example/x?Auth=a%20b', `https://h.example/x?Auth=${SECRET_MARKER}`],
    ['https://h.example/x?api%5Fkey=k', `https://h.example/x?api%5Fkey=${SECRET_MARKER}`],
    ['https://h.example/x?token=&page=1', 'https://h.example/x?token=&page=1'],
    ['https://h.example/x?monkey', 'https://h.example/x?monkey'],
    ['https://h.example/x?page=1&q=a+b', 'https://h.example/x?page=1&q=a+b'],
  ])('%s reads as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });

  it('keeps each stored value where the marker was sent back, by name and place', () => {
    const stored = definition({ url: 'https://h.example/x?key=a&v=1&key=b&token=c' });
    const sent = definition({ url: redactUrl(stored.url).replace('v=1', 'v=2') });
    expect(sent.url).toBe(`https://h.example/x?key=${SECRET_MARKER}&v=2&key=${SECRET_MARKER}&token=${SECRET_MARKER}`);
    expect(keepStoredSecrets(sent, stored)).toEqual({ definition: { ...sent, url: 'https://h.example/x?key=a&v=2&key=b&token=c' }, errors: [] });
    expect(keepStoredSecrets(definition({ url: redactUrl(stored.url) }), stored).definition.url).toBe(stored.url);
  });

  it('refuses a marker for a parameter not stored, or carried to another origin', () => {
    const stored = definition({ url: 'https://h.example/x?token=c' });
    expect(keepStoredSecrets(definition({ url: `https://h.example/x?api_key=${SECRET_MARKER}` }), stored).errors).toEqual([
      {
        path: 'url',
        message: expect.stringContaining('no stored value of the query parameter "api_key" to keep'),
        code: 'secret_marker_without_value',
        params: { marker: SECRET_MARKER },
      },
    ]);
    expect(keepStoredSecrets(definition({ url: `https://evil.example/x?token=${SECRET_MARKER}` }), stored).errors).toEqual([
      {
        path: 'url',
        message: expect.stringContaining('another origin (https://evil.example)'),
        code: 'secret_other_origin',
        params: { storedOrigin: 'https://h.example', origin: 'https://evil.example' },
      },
    ]);
  });
});
