import { expect, it } from 'vitest';
import type { Check, Endpoint } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';

/**
 * Secret request headers in the dashboard's form: the page is handed the redaction marker, never
 * the value, and a save that leaves the marker alone keeps what Vigil stores.
 */

const env = useBrowserTestEnv();
const TOKEN = 'Bearer tok-5e0c8a2f7d1b4c93';
const API_KEY_VALUE = 'key-8b3f1d6e0a9c2e47';
const PASSWORD = 'pw-c47e19b2d5a8f036';

it('keeps a secret header through an edit of the name alone, without its value ever reaching the page', async () => {
  const port = new URL(env.target.origin).port;
  const endpoint = await env.createEndpoint({
    path: '/secret-form',
    name: 'Billing API',
    url: `http://monitor:${PASSWORD}@127.0.0.1:${port}/secret-form`,
    headers: { Authorization: TOKEN, 'X-Api-Key': API_KEY_VALUE, Accept: 'application/json' },
    paused: true,
  });
  const { page, errors } = await env.open(`/endpoints/${endpoint.id}/edit`);
  await page.locator('#form-title', { hasText: 'Edit Billing API' }).waitFor();

  // Shown as set: the marker in the field, and a note naming what is stored.
  const lines = (await page.getByLabel('Request headers').inputValue()).split('\n');
  expect(lines.sort()).toEqual(['Accept: application/json', 'Authorization: (secret)', 'X-Api-Key: (secret)']);
  expect(await page.getByLabel('URL').inputValue()).toBe(`http://monitor:(secret)@127.0.0.1:${port}/secret-form`);
  const note = (await page.getByTestId('secrets-set').textContent())!;
  for (const name of ['Authorization', 'X-Api-Key', 'URL']) expect(note).toContain(name);
  expect(note).not.toContain('Accept');
  await saveScreenshot(page, 'secret-headers-form');

  await page.getByLabel('Name').fill('Billing API v2');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#ep-title', { hasText: 'Billing API v2' }).waitFor();

  const before = env.target.requests.length;
  const check = await env.vigil.api<Check>('POST', `/api/endpoints/${endpoint.id}/check`);
  expect(check.status).toBe(200);
  const received = env.target.requests.slice(before).find((r) => r.path === '/secret-form')!;
  expect(received.headers).toMatchObject({ authorization: TOKEN, 'x-api-key': API_KEY_VALUE, accept: 'application/json' });
  // The URL's password survives too: with Authorization given, it is sent only when that header is gone.
  const stored = env.vigil.registry.get(endpoint.id)!.definition;
  expect(stored.url).toBe(`http://monitor:${PASSWORD}@127.0.0.1:${port}/secret-form`);
  expect(stored.name).toBe('Billing API v2');

  // Nowhere in what the page holds: its DOM (field values included) and its storage.
  const held = await page.evaluate(() => {
    const values = Array.from(document.querySelectorAll('input, textarea')).map((e) => (e as HTMLInputElement).value);
    return [document.documentElement.outerHTML, ...values, JSON.stringify(localStorage), JSON.stringify(sessionStorage)].join('\n');
  });
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.locator('#form-title', { hasText: 'Edit Billing API v2' }).waitFor();
  const heldInForm = await page.evaluate(() =>
    [document.documentElement.outerHTML, ...Array.from(document.querySelectorAll('input, textarea')).map((e) => (e as HTMLInputElement).value)].join('\n'),
  );
  for (const secret of [TOKEN, API_KEY_VALUE, PASSWORD]) {
    expect(held).not.toContain(secret);
    expect(heldInForm).not.toContain(secret);
  }
  expect(errors).toEqual([]);
});

it('replaces a secret header typed over its marker, and says so when one is refused', async () => {
  const endpoint = await env.createEndpoint({ path: '/rotate', name: 'Rotating', headers: { Authorization: TOKEN }, paused: true });
  const { page, errors } = await env.open(`/endpoints/${endpoint.id}/edit`);
  await page.locator('#form-title', { hasText: 'Edit Rotating' }).waitFor();

  // A marker for a header that stores nothing is refused beside the headers field.
  await page.getByLabel('Request headers').fill('Authorization: (secret)\nX-Session: (secret)');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => page.locator('.field[data-field="headers"] .field-error').textContent()).toContain('no stored value of this header to keep');

  await page.getByLabel('Request headers').fill('Authorization: Bearer rotated-1');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#ep-title', { hasText: 'Rotating' }).waitFor();
  const before = env.target.requests.length;
  expect((await env.vigil.api('POST', `/api/endpoints/${endpoint.id}/check`)).status).toBe(200);
  expect(env.target.requests.slice(before).find((r) => r.path === '/rotate')!.headers.authorization).toBe('Bearer rotated-1');
  expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body.headers).toEqual({ Authorization: '(secret)' });
  expect(errors).toEqual([]);
});

it('marks a header secret through the form', async () => {
  const endpoint = await env.createEndpoint({ path: '/mark', name: 'Marking', headers: { 'X-Tenant': 'acme-42' }, paused: true });
  const { page, errors } = await env.open(`/endpoints/${endpoint.id}/edit`);
  await page.locator('#form-title', { hasText: 'Edit Marking' }).waitFor();
  expect(await page.getByLabel('Request headers').inputValue()).toBe('X-Tenant: acme-42');

  await page.getByLabel('Also secret').fill('X-Tenant');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('#ep-title', { hasText: 'Marking' }).waitFor();
  expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${endpoint.id}`)).body).toMatchObject({
    headers: { 'X-Tenant': '(secret)' },
    secretHeaders: ['X-Tenant'],
  });
  expect(errors).toEqual([]);
});
