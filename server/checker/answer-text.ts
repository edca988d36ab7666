import type { PeerCertificate } from 'node:tls';
import type { CertificateSummary } from '../contract/types.ts';

/** The start of the body (or reply, or answer) a check that is not UP keeps, so that a person can see why. */
export const EXCERPT_BYTES = 1024;
const DAY_MS = 86_400_000;

/** The first KB of a body as text (a character cut in two is dropped; NUL, which PostgreSQL text refuses, shown as U+FFFD); null when empty. */
export function excerptOf(body: Buffer): string | null {
  if (body.length === 0) return null;
  // Streaming: the bytes of a character cut at the end are held back instead of decoded as U+FFFD.
  const text = new TextDecoder('utf-8').decode(body.subarray(0, EXCERPT_BYTES), { stream: true });
  return text.replaceAll('\0', '\uFFFD');
}

/** What a check keeps of the certificate a TLS peer showed. */
export interface CertificateSeen {
  days: number;
  expiresAt: string;
  summary: CertificateSummary;
}

/** Days left, expiry and summary of a peer certificate; null without one (or with an unreadable date). */
export function certificateSeen(certificate: Partial<PeerCertificate> | null | undefined, now = Date.now()): CertificateSeen | null {
  if (!certificate?.valid_to) return null;
  const expires = Date.parse(certificate.valid_to);
  const starts = Date.parse(certificate.valid_from ?? '');
  if (Number.isNaN(expires)) return null;
  const days = Math.floor((expires - now) / DAY_MS);
  const expiresAt = new Date(expires).toISOString();
  return {
    days,
    expiresAt,
    summary: {
      subject: nameOf(certificate.subject) || '(none)',
      issuer: nameOf(certificate.issuer) || '(none)',
      names: namesOf(certificate.subjectaltname),
      validFrom: Number.isNaN(starts) ? expiresAt : new Date(starts).toISOString(),
      validTo: expiresAt,
      daysLeft: days,
    },
  };
}

/** `CN, O` of a subject or issuer; the whole of it when it has neither. */
function nameOf(name: Partial<Record<string, string | string[]>> | undefined): string {
  if (!name) return '';
  const pick = (key: string) => {
    const value = name[key];
    return Array.isArray(value) ? value.join(' ') : (value ?? '');
  };
  const parts = [pick('CN'), pick('O')].filter((p) => p !== '');
  if (parts.length > 0) return clip(parts.join(', '));
  return clip(
    Object.entries(name)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(' ') : v}`)
      .join(', '),
  );
}

/** The DNS names and IP addresses of `DNS:a, DNS:b, IP Address:1.2.3.4` (at most 100). */
function namesOf(altNames: string | undefined): string[] {
  if (!altNames) return [];
  return altNames
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter((name) => name !== '' && !/^[A-Za-z ]+:/.test(name))
    .slice(0, 100)
    .map(clip);
}

function clip(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}
