/**
 * X.509 certificates made by a test: a CA of its own and server certificates it signs, valid
 * for whatever period the test needs (one expiring in 3 days, one expired). Keys are ECDSA P-256
 * from node:crypto, so making them takes milliseconds.
 */
// @peculiar/x509's dependency injection needs the Reflect metadata API first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;
let serial = 1;

export interface TestCa {
  /** The CA certificate (PEM), to trust. */
  certPem: string;
  /** A server certificate signed by this CA, valid from `notBefore` to `notAfter`, for 127.0.0.1 (or for the DNS `names` given). */
  serverCertificate(validity: { notBefore: Date; notAfter: Date; names?: string[] }): Promise<{ certPem: string; keyPem: string }>;
}

export async function createTestCa(name = 'Vigil Test CA'): Promise<TestCa> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: hexSerial(),
    name: `CN=${name}`,
    notBefore: new Date(now - 30 * DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return {
    certPem: ca.toString('pem'),
    async serverCertificate({ notBefore, notAfter, names }) {
      const serverKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: hexSerial(),
        subject: `CN=${names?.[0] ?? '127.0.0.1'}`,
        issuer: ca.subject,
        notBefore,
        notAfter,
        signingKey: keys.privateKey,
        publicKey: serverKeys.publicKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.SubjectAlternativeNameExtension(names ? names.map((value) => ({ type: 'dns' as const, value })) : [{ type: 'ip', value: '127.0.0.1' }]),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        ],
      });
      const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
      return { certPem: cert.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
    },
  };
}

function hexSerial(): string {
  return (serial++).toString(16).padStart(2, '0');
}

export const days = (n: number) => new Date(Date.now() + n * DAY_MS);
