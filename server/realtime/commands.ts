import { UUID_PATTERN } from '../domain/ids.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { ClientEventName, SubscriptionAck, SubscriptionErrorCode } from '../contract/events.ts';

/** How one transport changes one client's subscriptions. */
export interface SubscriptionTarget {
  subscribeAll(): void;
  unsubscribeAll(): void;
  subscribe(endpointId: string): void;
  unsubscribe(endpointId: string): void;
  endpointCount(): number;
}

export interface CommandLimits {
  /** Endpoint subscriptions one client may hold at once. */
  maxEndpointSubscriptions: number;
}

export const DEFAULT_LIMITS: CommandLimits = { maxEndpointSubscriptions: 1000 };

const fail = (code: SubscriptionErrorCode, message: string): SubscriptionAck => ({ ok: false, error: { code, message } });

/**
 * Carries out one subscription command of any transport and answers its acknowledgement:
 * a missing or malformed endpointId is BAD_REQUEST, an unknown one NOT_FOUND.
 */
export function runCommand(
  event: ClientEventName,
  data: unknown,
  target: SubscriptionTarget,
  endpointExists: (id: string) => boolean,
  limits: CommandLimits = DEFAULT_LIMITS,
): SubscriptionAck {
  switch (event) {
    case 'subscribe:all':
      target.subscribeAll();
      return { ok: true };
    case 'unsubscribe:all':
      target.unsubscribeAll();
      return { ok: true };
    case 'subscribe:endpoint':
    case 'unsubscribe:endpoint': {
      const endpointId = (data as { endpointId?: unknown } | null | undefined)?.endpointId;
      // Unsubscribing from an unknown (say, just deleted) endpoint is fine: the aim is reached.
      const refused = endpointIdError(endpointId, event === 'subscribe:endpoint' ? endpointExists : () => true);
      if (refused) return refusalOf(refused);
      if (event === 'unsubscribe:endpoint') {
        target.unsubscribe(endpointId as string);
        return { ok: true };
      }
      if (target.endpointCount() >= limits.maxEndpointSubscriptions) {
        return fail('LIMIT_EXCEEDED', `at most ${limits.maxEndpointSubscriptions} endpoint subscriptions per client; use subscribe:all`);
      }
      target.subscribe(endpointId as string);
      return { ok: true };
    }
  }
}

/** What is wrong with an endpoint id to subscribe to (missing, malformed, unknown), or null when nothing is. */
export function endpointIdError(endpointId: unknown, endpointExists: (id: string) => boolean): ValidationError | NotFoundError | null {
  if (typeof endpointId !== 'string')
    return new ValidationError([{ path: 'endpointId', message: 'is required: { "endpointId": "<uuid>" }', code: 'required' }]);
  if (!UUID_PATTERN.test(endpointId))
    return new ValidationError([{ path: 'endpointId', message: `must be a UUID, got "${endpointId.slice(0, 60)}"`, code: 'invalid_uuid' }]);
  if (!endpointExists(endpointId)) return new NotFoundError('Endpoint', endpointId);
  return null;
}

/** The acknowledgement's code for each code of `endpointIdError`. */
const ACK_CODES: Record<string, SubscriptionErrorCode> = { invalid_input: 'BAD_REQUEST', not_found: 'NOT_FOUND' };

/** The refusal of a subscription for `error`: "endpointId must be a UUID, got …", "Endpoint … does not exist". */
function refusalOf(error: ValidationError | NotFoundError): SubscriptionAck {
  const field = error instanceof ValidationError ? error.errors[0] : undefined;
  return fail(ACK_CODES[error.code] ?? 'BAD_REQUEST', field ? `${field.path} ${field.message}` : error.message);
}

/** A token bucket per client: floods of commands get RATE_LIMITED answers, then a disconnect. */
export class CommandRateLimiter {
  private tokens: number;
  private last = Date.now();
  private refused = 0;

  constructor(
    private readonly burst = 100,
    private readonly perSecond = 50,
    /** Refusals in a row after which the client is disconnected. */
    readonly refusalsBeforeDisconnect = 200,
  ) {
    this.tokens = burst;
  }

  /** 'ok', 'refuse' (answer RATE_LIMITED) or 'disconnect'. */
  take(now = Date.now()): 'ok' | 'refuse' | 'disconnect' {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refused = 0;
      return 'ok';
    }
    this.refused++;
    return this.refused >= this.refusalsBeforeDisconnect ? 'disconnect' : 'refuse';
  }
}

export const RATE_LIMITED: SubscriptionAck = fail('RATE_LIMITED', 'too many subscription commands; slow down');
