import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describeBlockedConnection, type TargetPolicy } from '../security/target-policy.ts';

/** The code of the error a refused lookup reports. */
export const TARGET_BLOCKED = 'ERR_VIGIL_TARGET_BLOCKED';

type ErrnoLike = Error & { code?: unknown };

/**
 * A lookup as dns.lookup does it, refusing the connection when ANY of the name's addresses is
 * blocked (a name with one blocked address among good ones could be answered with it next).
 * For every socket a check opens: HTTP, TCP and TLS.
 */
export function guardedLookup(targets: TargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      for (const { address } of addresses) {
        const decision = targets.decide(address);
        if (!decision.allowed) {
          const refused: ErrnoLike = new Error(describeBlockedConnection(decision, hostname));
          refused.code = TARGET_BLOCKED;
          callback(refused as NodeJS.ErrnoException, '', 0);
          return;
        }
      }
      if (options.all) callback(null, addresses);
      else if (addresses[0]) callback(null, addresses[0].address, addresses[0].family);
      else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    });
  };
}
