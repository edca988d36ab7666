import { createHash, timingSafeEqual } from 'node:crypto';

/** What a transport knows about a caller when it asks whether to let it in. */
export interface AuthRequest {
  /** The key presented (Bearer header, Socket.io `auth.token`, the /ws subprotocol, or SSE's `?token=`). */
  token: string | undefined;
  /** The client's address (server/http/client-address.ts: X-Forwarded-For only through trusted proxies). */
  address: string;
}

/** What a realtime transport knows about a caller connecting: a key, and the session cookie. */
export interface ConnectRequest extends AuthRequest {
  /** The session cookie's value. */
  sessionToken: string | undefined;
  /** From this machine itself, not through a proxy (server/auth/authenticator.ts isLocalRequest). */
  local: boolean;
}

export type AuthVerdict = { ok: true; sessionToken?: string } | { ok: false; status: 401 | 429 | 503; message: string; retryAfterSeconds?: number };

/** The key check alone (synchronous): API_KEY. */
export type Authorize = (request: AuthRequest) => AuthVerdict;

/** Whether a realtime client may connect (a key or a session; server/vigil.ts). */
export type AuthorizeConnection = (request: ConnectRequest) => AuthVerdict | Promise<AuthVerdict>;

export interface ApiKeyGuardOptions {
  /** Wrong keys one address may present per window before its wrong keys are answered 429. */
  failureLimit: number;
  windowMs?: number;
  /** Addresses tracked at most (see `FailureTable`). */
  maxTrackedAddresses?: number;
  now?: () => number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header (the scheme in any letter case). */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = /^bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

/** Splits API_KEY ("key1,key2") into the accepted keys. */
export function parseApiKeys(setting: string | undefined): string[] {
  return (setting ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

/**
 * Decides whether a caller may write or connect when API_KEY is set.
 * 1. No keys configured: everyone may.
 * 2. No key: 401 (not counted: a dashboard that has not been given the key yet is not an attack).
 * 3. A right key is let in, always: whatever wrong keys came from its address or any other, no one
 *    can lock the holder of the key out (keys are long and random; throttling slows guessers, it
 *    does not guard the key).
 * 4. A wrong key counts a failure against its address; past `failureLimit` in the window it is
 *    answered 429 with Retry-After instead of 401, telling scripts with a stale key to back off.
 * Keys are compared in constant time against every accepted key.
 * @example const guard = new ApiKeyGuard(['k1'], { failureLimit: 10 }); guard.authorize({ token, address })
 */
export class ApiKeyGuard {
  private readonly keys: Buffer[];
  private readonly failures: FailureTable;
  /** Wrong keys presented since start. */
  rejected = 0;
  /** Wrong keys answered 429 because their address was past the limit. */
  throttled = 0;

  constructor(keys: readonly string[], options: ApiKeyGuardOptions) {
    this.keys = keys.map(digest);
    this.failures = new FailureTable({
      limit: options.failureLimit,
      windowMs: options.windowMs ?? 60_000,
      capacity: options.maxTrackedAddresses ?? 10_000,
      now: options.now ?? Date.now,
    });
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  readonly authorize: Authorize = (request) => {
    if (!this.enabled) return { ok: true };
    if (!request.token) return { ok: false, status: 401, message: 'This needs an API key: Authorization: Bearer <key>.' };
    if (this.matches(request.token)) return { ok: true };
    return this.refuse(request.address);
  };

  /** Counts a wrong key (API_KEY or a personal key) from an address: 401, or 429 past the limit. */
  refuse(address: string): Exclude<AuthVerdict, { ok: true }> {
    this.rejected++;
    const retryAfterMs = this.failures.fail(throttleKey(address));
    if (retryAfterMs === null) return { ok: false, status: 401, message: 'The API key is not valid.' };
    this.throttled++;
    const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return { ok: false, status: 429, retryAfterSeconds, message: `Too many wrong API keys from this address; try again in ${retryAfterSeconds} s.` };
  }

  /** Addresses tracked now (bounded by maxTrackedAddresses, plus the overflow bucket). */
  get trackedAddresses(): number {
    return this.failures.size;
  }

  private matches(token: string): boolean {
    const given = digest(token);
    let ok = false;
    for (const key of this.keys) ok = timingSafeEqual(given, key) || ok;
    return ok;
  }
}

/** IPv6 callers are counted by /64 (one host usually holds a whole /64); IPv4 by address. */
export function throttleKey(address: string): string {
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address;
}

function expandIpv6(address: string): string[] | null {
  const [head = '', tail, ...more] = address.split('::');
  if (more.length > 0 || address.includes('.')) return null;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((g) => g.padStart(4, '0'));
}

interface Failures {
  count: number;
  windowStart: number;
}

/** Wrong keys from one overflowing flood of new addresses, counted together (see FailureTable). */
export const OVERFLOW_BUCKET = '(overflow)';

/**
 * Wrong keys per address per window, in bounded memory, where forgetting never lifts a lockout:
 * 1. An address below the limit is "counting"; at the limit it moves to "locked" until its window ends.
 * 2. When the table is full, expired entries go first, then the oldest counting address (it loses
 *    only a few counted failures, never a lockout).
 * 3. When every tracked address is locked, a new address is counted in one shared overflow bucket:
 *    a flood of fresh addresses throttles itself together rather than evicting anyone. (This never
 *    refuses a right key: the guard checks keys first.)
 */
export class FailureTable {
  private readonly counting = new Map<string, Failures>();
  private readonly locked = new Map<string, Failures>();
  private lastSweep = -Infinity;

  constructor(private readonly options: { limit: number; windowMs: number; capacity: number; now: () => number }) {}

  get size(): number {
    return this.counting.size + this.locked.size;
  }

  /** Counts one wrong key; null while under the limit, else the ms until the address's window ends. */
  fail(address: string): number | null {
    const now = this.options.now();
    const key = this.locked.has(address) || this.counting.has(address) || this.makeRoom(now) ? address : OVERFLOW_BUCKET;
    const record = this.current(key, now) ?? { count: 0, windowStart: now };
    record.count++;
    if (record.count < this.options.limit) {
      this.counting.set(key, record);
      return null;
    }
    this.counting.delete(key);
    this.locked.set(key, record);
    return record.count > this.options.limit ? record.windowStart + this.options.windowMs - now : null;
  }

  /** The ms until a locked address may try again; null when it may try now. */
  lockedFor(address: string): number | null {
    const now = this.options.now();
    const record = this.locked.has(address) ? this.current(address, now) : undefined;
    return record ? record.windowStart + this.options.windowMs - now : null;
  }

  /** The address's record in its current window (an expired one is forgotten). */
  private current(address: string, now: number): Failures | undefined {
    const record = this.locked.get(address) ?? this.counting.get(address);
    if (record && now - record.windowStart < this.options.windowMs) return record;
    this.locked.delete(address);
    this.counting.delete(address);
    return undefined;
  }

  /** Whether a new address may be tracked, after forgetting what may be forgotten. */
  private makeRoom(now: number): boolean {
    if (this.size < this.options.capacity) return true;
    const oldest = this.counting.entries().next().value;
    if (oldest && now - oldest[1].windowStart >= this.options.windowMs) {
      this.counting.delete(oldest[0]);
      return true;
    }
    // Sweeping the whole table costs O(capacity): at most once per second under a flood.
    if (now - this.lastSweep >= 1000) {
      this.lastSweep = now;
      for (const table of [this.counting, this.locked]) {
        for (const [address, record] of table) if (now - record.windowStart >= this.options.windowMs) table.delete(address);
      }
      if (this.size < this.options.capacity) return true;
    }
    if (oldest) {
      this.counting.delete(oldest[0]);
      return true;
    }
    return false;
  }
}
