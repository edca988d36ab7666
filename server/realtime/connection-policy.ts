import type { OriginFacts, PolicyVerdict } from '../security/origin-policy.ts';

/** The Host and Origin checks every realtime connection passes (server/security/origin-policy.ts). */
export interface ConnectionPolicy {
  checkWrite(facts: OriginFacts): PolicyVerdict;
}

/** The Host, Origin and Sec-Fetch-Site headers of a request, as the policy reads them. */
export function originFacts(header: (name: 'origin' | 'host' | 'sec-fetch-site') => string | string[] | undefined): OriginFacts {
  const one = (name: 'origin' | 'host' | 'sec-fetch-site') => {
    const value = header(name);
    return Array.isArray(value) ? value[0] : value;
  };
  return { origin: one('origin'), host: one('host'), fetchSite: one('sec-fetch-site') };
}
