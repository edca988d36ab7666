import { createHash, timingSafeEqual } from 'node:crypto';

/** What a transport knows about a caller when it asks whether to let it in. */
export interface AuthRequest {
  /** The key presented (Bearer header, Socket.io `auth.token`, or `?token=`). */
  token: string | undefined;
  /** The TCP peer. */
  remoteAddress: string | undefined;
  /** The X-Forwarded-For header, used only when the guard trusts a proxy. */
  forwardedFor?: string | undefined;
}

export type AuthVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 429; message: string; retryAfterSeconds?: number };

export type Authorize = (request: AuthRequest) => AuthVerdict;

export interface ApiKeyGuardOptions {
  /** Wrong keys one address may present per window before it is refused for the rest of it. */
  failureLimit: number;
  windowMs?: number;
  /** Take the caller's address from X-Forwarded-For (Vigil behind a reverse proxy). */
  trustProxy?: boolean;
  /** Addresses tracked at most; the oldest are forgotten first. */
  maxTrackedAddresses?: number;
  now?: () => number;
}

interface Failures {
  count: number;
  windowStart: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header (the scheme in any letter case). */
export function bearerToken(header: string | undefined | null): string | undefined {
  const match = /^bearer\s+(.+)$/i.exec(header ?? '');
  return match?.[1]?.trim() || undefined;
}

/** Splits API_KEY ("key1,key2") into the accepted keys. */
export function parseApiKeys(setting: string | undefined): string[] {
  return (setting ?? '').split(',').map((k) => k.trim()).filter(Boolean);
}

/**
 * Decides whether a caller may write or connect when API_KEY is set.
 * 1. No keys configured: everyone may.
 * 2. An address that presented `failureLimit` wrong keys in the current window is refused (429)
 *    until the window ends, whatever it presents now, so that guessing cannot go on.
 * 3. No key: 401 (not counted: a dashboard that has not been given the key yet is not an attack).
 * 4. Keys are compared in constant time against every accepted key; a wrong one counts a failure.
 * @example const guard = new ApiKeyGuard(['k1'], { failureLimit: 10 }); guard.authorize({ token, remoteAddress })
 */
export class ApiKeyGuard {
  private readonly keys: Buffer[];
  private readonly failures = new Map<string, Failures>();
  private readonly windowMs: number;
  private readonly now: () => number;
  /** Wrong keys presented since start. */
  rejected = 0;
  /** Requests refused because their address was throttled. */
  throttled = 0;

  constructor(
    keys: readonly string[],
    private readonly options: ApiKeyGuardOptions,
  ) {
    this.keys = keys.map(digest);
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.keys.length > 0;
  }

  readonly authorize: Authorize = (request) => {
    if (!this.enabled) return { ok: true };
    const address = this.addressOf(request);
    const now = this.now();
    const record = this.failures.get(address);
    if (record && now - record.windowStart >= this.windowMs) this.failures.delete(address);
    const current = this.failures.get(address);
    if (current && current.count >= this.options.failureLimit) {
      this.throttled++;
      const retryAfterSeconds = Math.max(1, Math.ceil((current.windowStart + this.windowMs - now) / 1000));
      return { ok: false, status: 429, retryAfterSeconds, message: `Too many wrong API keys from this address; try again in ${retryAfterSeconds} s.` };
    }
    if (!request.token) return { ok: false, status: 401, message: 'This needs an API key: Authorization: Bearer <key>.' };
    if (this.matches(request.token)) return { ok: true };
    this.rejected++;
    this.countFailure(address, now);
    return { ok: false, status: 401, message: 'The API key is not valid.' };
  };

  private matches(token: string): boolean {
    const given = digest(token);
    let ok = false;
    for (const key of this.keys) ok = timingSafeEqual(given, key) || ok;
    return ok;
  }

  private countFailure(address: string, now: number): void {
    const record = this.failures.get(address);
    if (record) {
      record.count++;
      return;
    }
    if (this.failures.size >= (this.options.maxTrackedAddresses ?? 10_000)) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, windowStart: now });
  }

  private addressOf(request: AuthRequest): string {
    if (this.options.trustProxy && request.forwardedFor) {
      const first = request.forwardedFor.split(',')[0]?.trim();
      if (first) return first;
    }
    return request.remoteAddress ?? 'unknown';
  }
}
