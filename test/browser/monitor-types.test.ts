/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Monitor types in the dashboard (issue 16 part 2): one endpoint form that adapts to the type
 * (HTTP, TCP, DNS, TLS certificate), what each type stores, what its endpoint page shows (the
 * type, its address fields, a TLS endpoint's certificate), the type badge on the dashboard, in
 * English and Korean, on a desk and on a phone. Every target is on 127.0.0.1: a TCP server that
 * answers PING with +PONG, a TLS server showing a certificate of a CA made here (not trusted by
 * Vigil: the check is DOWN, and still shows it), and a DNS resolver port nobody listens on.
 */
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoint, Page as ListPage } from '../../server/contract/types.ts';
import { saveScreenshot } from '../support/browser.ts';
import { useBrowserTestEnv } from '../support/browser-env.ts';
import { createTestCa, days } from '../support/certificates.ts';
import { freePort } from '../support/free-port.ts';
import { layoutOf, seriousViolations } from '../support/page-checks.ts';

const env = useBrowserTestEnv();

let tcpServer: net.Server;
let tlsServer: tls.Server;
let tcpPort: number;
let tlsPort: number;
/** A port on 127.0.0.1 nobody listens on: the DNS endpoint's resolver (its lookups time out, and never leave the machine). */
let dnsPort: number;

beforeAll(async () => {
  // Answers "+PONG" to each line that says PING, as Redis does.
  tcpServer = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', (data) => {
      if (data.toString().includes('PING')) socket.write('+PONG\r\n');
    });
  });
  await new Promise<void>((resolve) => tcpServer.listen(0, '127.0.0.1', resolve));
  tcpPort = (tcpServer.address() as AddressInfo).port;
  const ca = await createTestCa('Monitor Types Test CA');
  const certificate = await ca.serverCertificate({ notBefore: days(-10), notAfter: days(90.04) });
  tlsServer = tls.createServer({ cert: certificate.certPem, key: certificate.keyPem }, (socket) => socket.on('error', () => {}));
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsPort = (tlsServer.address() as AddressInfo).port;
  dnsPort = await freePort();
});

afterAll(async () => {
  await new Promise((resolve) => tcpServer?.close(resolve));
  await new Promise((resolve) => tlsServer?.close(resolve));
});

const storedEndpoints = async () => (await env.vigil.api<ListPage<Endpoint>>('GET', '/api/endpoints')).body.items;
const control = (page: Page, index: number, field: string) => page.locator(`#f-assertions-${index}-${field}`);
const fieldError = (page: Page, name: string) => page.locator(`.field[data-field="${name}"] .field-error`);
const optionsOf = (select: Locator) => select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
const optionTexts = (select: Locator) => select.locator('option').allInnerTexts();
/** The definition's facts as label → value. */
const factsOf = (page: Page) =>
  page
    .getByTestId('definition')
    .locator(':scope > div')
    .evaluateAll((divs) => Object.fromEntries(divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), d.querySelector('dd')!.textContent!.trim()])));

/** The controls the type decides on, in the order they appear: which of them a person sees. */
const TYPED_CONTROLS = [
  'url',
  'method',
  'host',
  'port',
  'tls',
  'body',
  'dnsName',
  'recordType',
  'resolver',
  'certificateWarningDays',
  'expectedStatusCodes',
  'headers',
  'secretHeaders',
];
function shownControls(page: Page): Promise<string[]> {
  return page.evaluate(
    (names) =>
      [...document.querySelectorAll<HTMLElement>('.form [id^="f-"]')]
        .map((el) => el.id.slice(2))
        .filter((name) => names.includes(name))
        .filter((name) => {
          const r = document.getElementById(`f-${name}`)!.getBoundingClientRect();
          return r.width > 0 && r.height > 0;
        }),
    TYPED_CONTROLS,
  );
}

/** The type choice's pills and hint, and every field of the form outside the assertions: none on another, none cut off. */
const FORM_PARTS = '.type-option, #f-type-hint, .form > .field, .form > .form-row > .field, .form > label.check';

async function expectFormLaidOut(page: Page) {
  const layout = await layoutOf(page, FORM_PARTS);
  expect(layout.count).toBeGreaterThan(8);
  expect({ ...layout, count: 0 }).toEqual({ count: 0, hidden: [], outside: [], overlapping: [], sideways: false });
}

describe('monitor types in the dashboard', () => {
  it('switches the form between types, showing only the fields each one has, laid out on a phone', async () => {
    const { page, errors } = await env.open('/endpoints/new', { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    await page.locator('#f-name').waitFor();
    expect(await page.locator('fieldset.type-choice legend').innerText()).toBe('Type');
    expect(await page.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as HTMLInputElement).value))).toEqual([
      'http',
      'tcp',
      'dns',
      'tls',
      'push',
    ]);
    expect(await page.locator('.type-option').allInnerTexts()).toEqual(['HTTP', 'TCP', 'DNS', 'TLS certificate', 'Push (heartbeat)']);
    // A new endpoint is HTTP, as before types: the form as it was.
    expect(await page.getByRole('radio', { name: 'HTTP' }).isChecked()).toBe(true);
    expect(await shownControls(page)).toEqual(['url', 'method', 'expectedStatusCodes', 'headers', 'secretHeaders', 'body']);
    // An https URL has a certificate: its warning period shows.
    await page.locator('#f-url').fill('https://127.0.0.1:9/health');
    expect(await shownControls(page)).toEqual(['url', 'method', 'certificateWarningDays', 'expectedStatusCodes', 'headers', 'secretHeaders', 'body']);
    expect(await page.locator('#f-certificateWarningDays').inputValue()).toBe('14');
    await expectFormLaidOut(page);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'monitor-types-form-http-phone');

    await page.getByRole('radio', { name: 'TCP' }).check();
    expect(await page.locator('#f-type-hint').innerText()).toBe('Opens a TCP connection, optionally sends a text and checks the reply.');
    expect(await shownControls(page)).toEqual(['host', 'port', 'tls', 'body']);
    expect(await page.locator('label[for="f-body"]').innerText()).toBe('Send');
    await page.getByLabel('Use TLS').check();
    expect(await shownControls(page)).toEqual(['host', 'port', 'tls', 'body', 'certificateWarningDays']);
    await page.getByLabel('Use TLS').uncheck();
    await expectFormLaidOut(page);
    await saveScreenshot(page, 'monitor-types-form-tcp-phone');

    await page.getByRole('radio', { name: 'DNS' }).check();
    expect(await shownControls(page)).toEqual(['dnsName', 'recordType', 'resolver']);
    expect(await optionsOf(page.locator('#f-recordType'))).toEqual(['A', 'AAAA', 'CNAME', 'MX', 'NS', 'TXT', 'SRV', 'CAA', 'PTR', 'SOA']);
    await expectFormLaidOut(page);
    await saveScreenshot(page, 'monitor-types-form-dns-phone');

    await page.getByRole('radio', { name: 'TLS certificate' }).check();
    expect(await shownControls(page)).toEqual(['host', 'port', 'certificateWarningDays']);
    expect(await page.locator('#f-port-hint').innerText()).toBe('Empty: 443');
    await expectFormLaidOut(page);
    await saveScreenshot(page, 'monitor-types-form-tls-phone');

    // What was typed for one type waits while another is chosen: back on HTTP the URL is still there.
    await page.getByRole('radio', { name: 'HTTP' }).check();
    expect(await page.locator('#f-url').inputValue()).toBe('https://127.0.0.1:9/health');

    // The assertions offer only what the type's checks have.
    await page.getByRole('button', { name: 'Add assertion' }).click();
    const source = control(page, 0, 'source');
    expect(await optionsOf(source)).toEqual(['status', 'header', 'body', 'json', 'responseTime', 'certificateDays']);
    await page.getByRole('radio', { name: 'TLS certificate' }).check();
    // The row keeps its HTTP source, so that it can be seen and changed; it is refused beside it.
    expect(await optionsOf(source)).toEqual(['status', 'responseTime', 'certificateDays']);
    await page.locator('#f-name').fill('Switched');
    await page.locator('#f-host').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'assertions-0-source').innerText()).toBe('Not for a TLS certificate endpoint');
    await source.selectOption('certificateDays');
    expect(await optionsOf(source)).toEqual(['responseTime', 'certificateDays']);
    await page.getByRole('radio', { name: 'DNS' }).check();
    expect(await optionsOf(source)).toEqual(['certificateDays', 'dnsCode', 'body', 'responseTime']);
    expect(await optionTexts(source)).toEqual(['Certificate days left', 'DNS code', 'Records', 'Response time']);
    await source.selectOption('dnsCode');
    expect(await optionsOf(control(page, 0, 'comparison'))).toEqual(['equals', 'notEquals']);
    expect(await optionsOf(control(page, 0, 'target'))).toEqual(['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED']);
    expect(await control(page, 0, 'target').inputValue()).toBe('NOERROR');
    await page.getByRole('radio', { name: 'TCP' }).check();
    expect(await optionTexts(source)).toEqual(['DNS code', 'Reply', 'Response time']);
    await source.selectOption('body');
    expect(await optionTexts(source)).toEqual(['Reply', 'Response time']);
    expect(await control(page, 0, 'target').getAttribute('placeholder')).toBe('+PONG');
    expect(await storedEndpoints()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('adds a TCP, a DNS and a TLS endpoint through the form, stores them as typed, and shows each on its page', async () => {
    const { page, errors } = await env.open('/endpoints/new', { viewport: { width: 1280, height: 900 } });
    await page.locator('#f-name').waitFor();

    // TCP, without TLS: sends PING, expects +PONG in the reply.
    await page.getByRole('radio', { name: 'TCP' }).check();
    await page.locator('#f-name').fill('Cache');
    await page.getByLabel('Host').fill('127.0.0.1');
    // Caught in the browser first: a port is needed.
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'port').innerText()).toBe('Required');
    await page.getByLabel('Port').fill('70000');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'port').innerText()).toBe('Must be a port between 1 and 65535');
    expect(await page.getByLabel('Port').getAttribute('aria-invalid')).toBe('true');
    expect(await storedEndpoints()).toEqual([]);
    await page.getByLabel('Port').fill(String(tcpPort));
    await page.getByLabel('Send', { exact: true }).fill('PING\r\n');
    await page.locator('#f-intervalSeconds').fill('3600');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    expect(await page.locator('#assertions-hint').innerText()).toMatch(/^Conditions each answer must meet besides the response time\./);
    expect(await optionsOf(control(page, 0, 'source'))).toEqual(['body', 'responseTime']);
    expect(await control(page, 0, 'source').inputValue()).toBe('body');
    expect(await control(page, 0, 'comparison').inputValue()).toBe('contains');
    await control(page, 0, 'target').fill('+PONG');
    await saveScreenshot(page, 'monitor-types-form-tcp');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Cache' }).waitFor();
    const tcp = (await storedEndpoints()).find((e) => e.name === 'Cache')!;
    expect(tcp).toMatchObject({
      type: 'tcp',
      url: `tcp://127.0.0.1:${tcpPort}`,
      body: 'PING\n',
      headers: {},
      assertions: [{ source: 'body', property: null, comparison: 'contains', target: '+PONG', severity: 'DOWN' }],
    });
    // The reply came: UP.
    await expect.poll(() => page.locator('.ep-head .badge').getAttribute('data-status'), { timeout: 10_000 }).toBe('UP');
    expect(await page.locator('p.url').innerText()).toBe(`TCP tcp://127.0.0.1:${tcpPort}`);
    expect(await factsOf(page)).toMatchObject({ Type: 'TCP', Host: '127.0.0.1', Port: String(tcpPort), TLS: 'No', Sends: 'PING' });
    expect(Object.keys(await factsOf(page))).not.toContain('Expected status');
    expect(Object.keys(await factsOf(page))).not.toContain('Certificate warning');
    expect(await page.getByTestId('endpoint-assertions').locator('li').first().innerText()).toMatch(/^Reply contains "\+PONG"\s*✖\s*Down$/);
    expect(await page.locator('[data-testid="recent-checks"] thead th').allInnerTexts()).toEqual(['Time', 'Status', 'Response time', 'Error']);
    expect(await page.getByText('Request headers').count()).toBe(0);

    // Edited: the fields come back from its URL.
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('#f-host').waitFor();
    expect(await page.getByRole('radio', { name: 'TCP' }).isChecked()).toBe(true);
    expect([await page.locator('#f-host').inputValue(), await page.locator('#f-port').inputValue()]).toEqual(['127.0.0.1', String(tcpPort)]);
    expect(await page.getByLabel('Use TLS').isChecked()).toBe(false);
    expect(await page.getByLabel('Send', { exact: true }).inputValue()).toBe('PING\n');
    expect(await control(page, 0, 'target').inputValue()).toBe('+PONG');
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.locator('#ep-title', { hasText: 'Cache' }).waitFor();

    // DNS: MX records of a name, from a resolver on 127.0.0.1.
    await page.goto(`${env.base()}/endpoints/new`);
    await page.getByRole('radio', { name: 'DNS' }).check();
    await page.locator('#f-name').fill('Mail records');
    await page.getByLabel('Name to look up').fill('example.test');
    await page.getByLabel('Record type').selectOption('MX');
    await page.getByLabel('Resolver').fill('dns.example.test');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => fieldError(page, 'resolver').innerText()).toBe('Must be an IP address, optionally with a port (192.0.2.53:5353)');
    expect(await storedEndpoints()).toHaveLength(1);
    await page.getByLabel('Resolver').fill(`127.0.0.1:${dnsPort}`);
    await page.locator('#f-timeoutMs').fill('1000');
    await page.locator('#f-degradedThresholdMs').fill('500');
    await page.locator('#f-intervalSeconds').fill('3600');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    expect(await control(page, 0, 'source').inputValue()).toBe('dnsCode');
    await control(page, 0, 'target').selectOption('NOERROR');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await control(page, 1, 'source').selectOption('body');
    await control(page, 1, 'comparison').selectOption('contains');
    await control(page, 1, 'target').fill('mail.example.test');
    expect(await page.locator('#f-assertions-1-target-hint').innerText()).toBe('The records one per line, as in 10 mail.example.com');
    await saveScreenshot(page, 'monitor-types-form-dns');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Mail records' }).waitFor();
    const dns = (await storedEndpoints()).find((e) => e.name === 'Mail records')!;
    expect(dns).toMatchObject({
      type: 'dns',
      url: `dns://127.0.0.1:${dnsPort}/example.test?type=MX`,
      body: null,
      headers: {},
      assertions: [
        { source: 'dnsCode', property: null, comparison: 'equals', target: 'NOERROR', severity: 'DOWN' },
        { source: 'body', property: null, comparison: 'contains', target: 'mail.example.test', severity: 'DOWN' },
      ],
    });
    expect(await page.locator('p.url').innerText()).toBe(`DNS dns://127.0.0.1:${dnsPort}/example.test?type=MX`);
    expect(await factsOf(page)).toMatchObject({ Type: 'DNS', Name: 'example.test', 'Record type': 'MX', Resolver: `127.0.0.1:${dnsPort}` });
    const dnsAssertions = await page.getByTestId('endpoint-assertions').locator('li').allInnerTexts();
    expect(dnsAssertions[0]).toMatch(/^DNS code equals NOERROR\s*✖\s*Down$/);
    expect(dnsAssertions[1]).toMatch(/^Records contains "mail\.example\.test"\s*✖\s*Down$/);
    // Nobody answers on that port: DOWN.
    await expect.poll(() => page.locator('.ep-head .badge').getAttribute('data-status'), { timeout: 10_000 }).toBe('DOWN');
    // Paused before it is pointed at the system resolver, which would look the name up off this machine.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('#f-dnsName').waitFor();
    expect([
      await page.locator('#f-dnsName').inputValue(),
      await page.locator('#f-recordType').inputValue(),
      await page.locator('#f-resolver').inputValue(),
    ]).toEqual(['example.test', 'MX', `127.0.0.1:${dnsPort}`]);
    // The system resolver: an empty resolver, a dns: URL without one.
    await page.getByLabel('Resolver').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#ep-title', { hasText: 'Mail records' }).waitFor();
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${dns.id}`)).body.url).toBe('dns:example.test?type=MX');
    await expect.poll(() => factsOf(page)).toMatchObject({ Resolver: 'System resolver' });

    // TLS certificate: host and port, warned 30 days before it expires.
    await page.goto(`${env.base()}/endpoints/new`);
    await page.getByRole('radio', { name: 'TLS certificate' }).check();
    await page.locator('#f-name').fill('Edge certificate');
    await page.getByLabel('Host').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(tlsPort));
    await page.getByLabel('Warn this many days before the certificate expires').fill('30');
    await page.locator('#f-intervalSeconds').fill('3600');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    expect(await optionsOf(control(page, 0, 'source'))).toEqual(['responseTime', 'certificateDays']);
    await control(page, 0, 'source').selectOption('certificateDays');
    await control(page, 0, 'comparison').selectOption('greaterThanOrEqual');
    await control(page, 0, 'target').fill('7');
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'monitor-types-form-tls');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('#ep-title', { hasText: 'Edge certificate' }).waitFor();
    const tlsEndpoint = (await storedEndpoints()).find((e) => e.name === 'Edge certificate')!;
    expect(tlsEndpoint).toMatchObject({
      type: 'tls',
      url: `tls://127.0.0.1:${tlsPort}`,
      body: null,
      headers: {},
      certificateWarningDays: 30,
      assertions: [{ source: 'certificateDays', property: null, comparison: 'greaterThanOrEqual', target: 7, severity: 'DOWN' }],
    });

    // Its page: the certificate the check was shown (from a CA Vigil does not trust: DOWN, and why).
    const certificate = page.getByTestId('certificate');
    await certificate.waitFor({ timeout: 10_000 });
    expect(await page.locator('.ep-head .badge').getAttribute('data-status')).toBe('DOWN');
    expect(await page.locator('p.url').innerText()).toBe(`TLS tls://127.0.0.1:${tlsPort}`);
    const certificateFacts = await certificate
      .locator(':scope > div')
      .evaluateAll((divs) => Object.fromEntries(divs.map((d) => [d.querySelector('dt')!.textContent!.trim(), d.querySelector('dd')!.innerText.trim()])));
    expect(certificateFacts).toMatchObject({ Subject: '127.0.0.1', Issuer: 'Monitor Types Test CA', Names: '127.0.0.1' });
    expect(certificateFacts['Valid until']).toMatch(/\(90 days left\)$/);
    expect(certificateFacts['Valid from']).toMatch(/\d/);
    await expect.poll(() => page.locator('.facts .cert-days').innerText()).toBe('(90 days left)');
    expect(await factsOf(page)).toMatchObject({
      Type: 'TLS certificate',
      Host: '127.0.0.1',
      Port: String(tlsPort),
      'Certificate warning': '30 days before it expires',
    });
    expect(await page.locator('.facts').first().innerText()).toMatch(/TLS error: /);
    await expect.poll(async () => (await layoutOf(page, '[data-testid="certificate"] > div')).overlapping).toEqual([]);
    // (Once the toasts have gone: axe misjudges the contrast of one still fading in or out.)
    await expect.poll(() => page.locator('[data-sonner-toast]').count(), { timeout: 10_000 }).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await saveScreenshot(page, 'monitor-types-endpoint-tls');

    // Edited: never warn (an empty warning period).
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.locator('#f-host').waitFor();
    expect(await page.getByRole('radio', { name: 'TLS certificate' }).isChecked()).toBe(true);
    expect([await page.locator('#f-port').inputValue(), await page.locator('#f-certificateWarningDays').inputValue()]).toEqual([String(tlsPort), '30']);
    await page.locator('#f-certificateWarningDays').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('#ep-title', { hasText: 'Edge certificate' }).waitFor();
    expect((await env.vigil.api<Endpoint>('GET', `/api/endpoints/${tlsEndpoint.id}`)).body.certificateWarningDays).toBeNull();
    await expect.poll(() => factsOf(page)).toMatchObject({ 'Certificate warning': 'Never' });

    // The dashboard: a badge says the type of each but HTTP, beside the name, on a card and in the list.
    const http = await env.createEndpoint({ path: '/plain', name: 'Plain web', paused: true });
    await page.goto(`${env.base()}/`);
    await page.locator(`.card[data-endpoint-id="${http.id}"]`).waitFor();
    const badge = (id: string) => page.locator(`.card[data-endpoint-id="${id}"] .type-badge`);
    expect(await badge(http.id).count()).toBe(0);
    expect([await badge(tcp.id).innerText(), await badge(dns.id).innerText(), await badge(tlsEndpoint.id).innerText()]).toEqual(['TCP', 'DNS', 'TLS']);
    expect(await badge(tlsEndpoint.id).getAttribute('title')).toBe('TLS certificate check');
    await page.goto(`${env.base()}/endpoints`);
    await expect.poll(() => page.locator('tbody tr .type-badge').allInnerTexts()).toEqual(['TCP', 'TLS', 'DNS']);
    expect(await page.locator(`tr[data-endpoint-id="${tcp.id}"] td.url`).innerText()).toBe(`tcp://127.0.0.1:${tcpPort}`);
    expect(errors).toEqual([]);
  });

  it('says it in Korean, and fits the badges on a phone', async () => {
    const tcp = await env.vigil.api<Endpoint>('POST', '/api/endpoints', {
      name: '결제 데이터베이스 연결 확인 (기본 리전, 읽기 전용 복제본)',
      url: `tcp://127.0.0.1:${tcpPort}`,
      body: 'PING\r\n',
      intervalSeconds: 3600,
      assertions: [{ source: 'body', property: null, comparison: 'contains', target: '+PONG', severity: 'DOWN' }],
    });
    expect(tcp.status).toBe(201);
    const tlsEndpoint = await env.vigil.api<Endpoint>('POST', '/api/endpoints', { name: '인증서', url: `tls://127.0.0.1:${tlsPort}`, intervalSeconds: 3600 });
    expect(tlsEndpoint.status).toBe(201);
    const { page, errors } = await env.open('/', { locale: 'ko-KR', viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const card = page.locator(`.card[data-endpoint-id="${tcp.body.id}"]`);
    await card.waitFor();
    expect(await card.locator('.type-badge').innerText()).toBe('TCP');
    expect(await card.locator('.type-badge').getAttribute('title')).toBe('TCP 연결');
    // A long name is cut before the badge, which stays whole beside the status.
    for (const id of [tcp.body.id, tlsEndpoint.body.id]) {
      expect(await layoutOf(page, `.card[data-endpoint-id="${id}"] :is(.card-name, .type-badge, .badge)`)).toEqual({
        count: 3,
        hidden: [],
        outside: [],
        overlapping: [],
        sideways: false,
      });
    }
    await saveScreenshot(page, 'monitor-types-dashboard-ko-phone');

    await page.goto(`${env.base()}/endpoints/${tlsEndpoint.body.id}`);
    await page.getByTestId('certificate').waitFor({ timeout: 10_000 });
    const facts = await factsOf(page);
    expect(facts).toMatchObject({ 유형: 'TLS 인증서', 호스트: '127.0.0.1', 포트: String(tlsPort), '인증서 경고': '만료 14일 전부터' });
    expect(await page.getByTestId('certificate').locator('dt').allInnerTexts()).toEqual(['발급 대상', '발급자', '유효 기간 시작', '유효 기간 끝', '대체 이름']);
    expect(await page.locator('.facts .cert-days').innerText()).toBe('(90일 남음)');
    expect(await page.locator('.facts').first().innerText()).toMatch(/TLS 오류: /);
    expect(await layoutOf(page, '.facts > div')).toMatchObject({ hidden: [], outside: [], overlapping: [], sideways: false });
    await saveScreenshot(page, 'monitor-types-endpoint-tls-ko-phone');

    await page.goto(`${env.base()}/endpoints/new`);
    await page.locator('#f-name').waitFor();
    expect(await page.locator('.type-choice legend').innerText()).toBe('유형');
    expect(await page.locator('.type-option').allInnerTexts()).toEqual(['HTTP', 'TCP', 'DNS', 'TLS 인증서', '푸시 (하트비트)']);
    await page.getByRole('radio', { name: 'DNS' }).check();
    expect(await page.locator('#f-type-hint').innerText()).toBe('DNS 레코드를 조회해 응답을 확인합니다.');
    expect(await page.locator('.form label').allInnerTexts()).toEqual(expect.arrayContaining(['조회할 이름', '레코드 유형', '리졸버']));
    await page.getByLabel('리졸버').fill('resolver.example');
    await page.getByRole('button', { name: '엔드포인트 추가' }).click();
    await expect.poll(() => fieldError(page, 'dnsName').innerText()).toBe('필수 항목입니다');
    expect(await fieldError(page, 'resolver').innerText()).toBe('IP 주소여야 합니다. 포트는 붙여도 됩니다 (192.0.2.53:5353)');
    await page.getByLabel('조회할 이름').fill('bad name.test');
    await page.getByLabel('리졸버').fill('');
    await page.getByRole('button', { name: '엔드포인트 추가' }).click();
    await expect.poll(() => fieldError(page, 'dnsName').innerText()).toBe('조회할 수 있는 호스트 이름이어야 합니다 (예: example.com)');
    await page.getByRole('button', { name: '검증 조건 추가' }).click();
    expect(await optionTexts(control(page, 0, 'source'))).toEqual(['DNS 응답 코드', '레코드', '응답 시간']);
    await page.getByRole('radio', { name: 'TCP' }).check();
    expect(await optionTexts(control(page, 0, 'source'))).toEqual(['DNS 응답 코드', '응답', '응답 시간']);
    expect(await page.locator('.form label').allInnerTexts()).toEqual(expect.arrayContaining(['호스트', '포트', 'TLS 사용', '보낼 텍스트']));
    await expectFormLaidOut(page);
    await page.locator('#form-title').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'monitor-types-form-tcp-ko-phone');
    expect((await storedEndpoints()).length).toBe(2);
    expect(errors).toEqual([]);
  });
});
