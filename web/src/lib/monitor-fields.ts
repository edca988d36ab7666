import { addressProblem, dnsQueryOf, dnsUrlOf, socketAddressOf, typeOfUrl } from '../../../server/contract/monitor-address.ts';
import type { DnsRecordType, Endpoint, MonitorType } from '../../../server/contract/types.ts';
import type { MessageKey } from '../i18n/index.ts';

/**
 * The endpoint form's address fields, one set per monitor type, and the URL they make
 * (server/contract/monitor-address.ts has the rules, shared with the API):
 * http types the URL itself; tcp: host, port and TLS (`tcp://` or `tls://`); dns: name, record
 * type and resolver (`dns://resolver/name?type=MX`, `dns:name?type=MX`); tls: host and port.
 */
export interface AddressFields {
  url: string;
  host: string;
  port: string;
  tls: boolean;
  dnsName: string;
  recordType: DnsRecordType;
  /** `IP`, `IP:port` or `[IPv6]:port`; empty: the system resolver. */
  resolver: string;
}

/** The fields that hold an address, by the form's field names (what an error of `url` is shown beside). */
export type AddressField = 'url' | 'host' | 'port' | 'dnsName' | 'recordType' | 'resolver';

export const EMPTY_ADDRESS: AddressFields = { url: '', host: '', port: '', tls: false, dnsName: '', recordType: 'A', resolver: '' };

/** The type of an endpoint (one read from a server without types is whatever its URL says). */
export function typeOf(endpoint: Pick<Endpoint, 'type' | 'url'>): MonitorType {
  return endpoint.type ?? typeOfUrl(endpoint.url) ?? 'http';
}

/** A host as a URL writes it: an IPv6 address in brackets. */
const urlHost = (host: string) => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

/** A resolver as the form shows it: its address, and its port unless 53. */
export function resolverText(resolver: { host: string; port: number } | null): string {
  if (!resolver) return '';
  if (resolver.port === 53) return resolver.host;
  return `${urlHost(resolver.host)}:${resolver.port}`;
}

/** The form's fields for a stored URL; those the URL does not fill stay as in `base`. */
export function addressFieldsOf(type: MonitorType, url: string, base: AddressFields = EMPTY_ADDRESS): AddressFields {
  if (type === 'http') return { ...base, url };
  if (type === 'dns') {
    const query = dnsQueryOf(url);
    return query ? { ...base, dnsName: query.name, recordType: query.recordType, resolver: resolverText(query.resolver) } : base;
  }
  const address = socketAddressOf(url);
  return address ? { ...base, host: address.host, port: String(address.port), tls: address.tls } : base;
}

/** Whether checks of this address talk TLS, and so see a certificate. */
export function usesTls(type: MonitorType, fields: Pick<AddressFields, 'url' | 'tls'>): boolean {
  if (type === 'tls') return true;
  if (type === 'tcp') return fields.tls;
  if (type === 'http') return /^https:/i.test(fields.url.trim());
  return false;
}

/** The field an address problem belongs beside (the API's `url` errors and the form's own checks). */
export function addressFieldOf(type: MonitorType, code: string | undefined): AddressField {
  switch (type) {
    case 'http':
      return 'url';
    case 'dns':
      return code === 'resolver_not_ip' ? 'resolver' : code === 'invalid_record_type' ? 'recordType' : 'dnsName';
    default:
      return code === 'port_required' ? 'port' : 'host';
  }
}

/**
 * What the form says of an address problem of a non-HTTP type, in the words of its own fields
 * (the API's speak of the URL the form makes of them); null: the API's words (translated) do.
 */
export function addressMessageKey(type: MonitorType, code: string | undefined): MessageKey | null {
  if (type === 'http') return null;
  if (code === 'port_required') return 'form.err.required';
  if (code === 'resolver_not_ip') return 'form.err.resolver';
  if (code === 'invalid_dns_name' || (code === 'invalid_url' && type === 'dns')) return 'form.err.dnsName';
  if (code === 'invalid_url') return 'form.err.host';
  return null;
}

export type AddressErrors = Partial<Record<AddressField, { key: 'required' | 'url' | 'port' | 'resolver' } | { code: string; message: string }>>;

const PORT = /^\d{1,5}$/;
const portOf = (text: string) => (PORT.test(text) && Number(text) >= 1 && Number(text) <= 65_535 ? Number(text) : null);

/** An IPv4 or IPv6 address, as the API takes a resolver's. */
const isIp = (host: string) =>
  /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host.split('.').every((part) => Number(part) <= 255) : host.includes(':') && /^[0-9a-f:.]+$/i.test(host);

/** The resolver typed as `IP`, `IP:port`, `IPv6` or `[IPv6]:port`; undefined when it is none of them. */
function resolverOf(text: string): { host: string; port: number } | null | undefined {
  if (text === '') return null;
  const resolver = hostAndPortOf(text);
  return resolver && isIp(resolver.host) ? resolver : undefined;
}

/** `host`, `host:port`, `IPv6` or `[IPv6]:port` (53 when no port is given); undefined with a port out of range. */
function hostAndPortOf(text: string): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    const port = bracketed[2] === undefined ? 53 : portOf(bracketed[2]);
    return port === null ? undefined : { host: bracketed[1]!, port };
  }
  // Two colons or more: an IPv6 address without a port.
  if (text.indexOf(':') !== text.lastIndexOf(':')) return { host: text, port: 53 };
  const [host, portText] = text.split(':');
  const port = portText === undefined ? 53 : portOf(portText);
  return port === null || !host ? undefined : { host, port };
}

/**
 * The URL the fields make for `type`, checked as the API checks it; or what is wrong, by field.
 * @example composeAddress('tcp', { ...EMPTY_ADDRESS, host: 'db', port: '5432' }) // { url: 'tcp://db:5432', errors: {} }
 */
export function composeAddress(type: MonitorType, f: AddressFields): { url?: string; errors: AddressErrors } {
  const errors: AddressErrors = {};
  let url: string;
  if (type === 'http') {
    url = f.url.trim();
    if (!url) errors.url = { key: 'required' };
    else if (!/^https?:\/\/\S+$/i.test(url) || addressProblem('http', url)) errors.url = { key: 'url' };
  } else if (type === 'dns') {
    const name = f.dnsName.trim();
    const resolver = resolverOf(f.resolver.trim());
    if (!name) errors.dnsName = { key: 'required' };
    if (resolver === undefined) errors.resolver = { key: 'resolver' };
    url = dnsUrlOf({ resolver: resolver ?? null, name, recordType: f.recordType });
  } else {
    const host = f.host.trim();
    const portText = f.port.trim();
    // A TLS check's port may be left out: 443.
    const port = portText === '' && type === 'tls' ? 443 : portOf(portText);
    if (!host) errors.host = { key: 'required' };
    if (portText === '' && type === 'tcp') errors.port = { key: 'required' };
    else if (port === null) errors.port = { key: 'port' };
    url = `${type === 'tls' || f.tls ? 'tls' : 'tcp'}://${urlHost(host)}:${port ?? 1}`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const problem = addressProblem(type, url);
  if (problem) errors[addressFieldOf(type, problem.code)] = problem;
  return Object.keys(errors).length > 0 ? { errors } : { url, errors };
}
