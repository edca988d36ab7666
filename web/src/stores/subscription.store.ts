import { createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import { socketService } from '../services/socket.service.ts';
import { addToast } from './toast.store.ts';

/** How long one acknowledgement may take, and how often a command is tried before giving up. */
export const ACK_TIMEOUT_MS = 4000;
export const MAX_COMMAND_ATTEMPTS = 3;
const RETRY_DELAY_MS = 500;

/** `ALL` stands for the subscription to every endpoint. */
export const ALL = '*';

/**
 * What this page wants to receive. Pages subscribe on mount and unsubscribe on cleanup; counts
 * let two parts of a page want the same thing. After a new session (not a recovered one) every
 * wanted subscription is sent again.
 */
const counts = new Map<string, number>();
const [subscriptions, setSubscriptions] = createSignal<ReadonlySet<string>>(new Set());

export { subscriptions };

/** Returns true when a command went out now: `onSubscribed` listeners of that key hear when it settles. */
export function subscribe(endpointId: string): boolean {
  return want(endpointId, +1);
}
export function unsubscribe(endpointId: string) {
  want(endpointId, -1);
}
/** Returns true when a command went out now (see `subscribe`). */
export function subscribeAll(): boolean {
  return want(ALL, +1);
}
/** The counterpart of subscribeAll; single-endpoint subscriptions stay. */
export function unsubscribeAll() {
  want(ALL, -1);
}

const subscribedListeners = new Map<string, Set<() => void>>();

/**
 * Called each time the server has acknowledged a subscription to `key` (or it finally failed):
 * events from then on reach the page, so a REST load started now misses nothing. Returns the
 * function that stops it.
 */
export function onSubscribed(key: string, listener: () => void): () => void {
  let set = subscribedListeners.get(key);
  if (!set) subscribedListeners.set(key, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function want(key: string, delta: 1 | -1): boolean {
  const before = counts.get(key) ?? 0;
  const after = Math.max(0, before + delta);
  if (after === 0) counts.delete(key);
  else counts.set(key, after);
  publish();
  if (before === 0 && after > 0 && socketService.connected) {
    void send(key, true);
    return true;
  }
  if (before > 0 && after === 0) void send(key, false);
  return false;
}

function publish() {
  setSubscriptions(new Set(counts.keys()));
}

/** Sends one command; retries timeouts and rate limits; an error toast when it finally fails. */
async function send(key: string, on: boolean) {
  if (!socketService.connected) return; // sent when the session starts
  const event = key === ALL ? (on ? 'subscribe:all' : 'unsubscribe:all') : on ? 'subscribe:endpoint' : 'unsubscribe:endpoint';
  const data = key === ALL ? undefined : { endpointId: key };
  let lastProblem = 'timeout';
  for (let attempt = 1; attempt <= MAX_COMMAND_ATTEMPTS; attempt++) {
    if (!socketService.connected) return;
    // Wanted state changed while we were retrying: the newer command wins.
    if (counts.has(key) !== on) return;
    try {
      const ack = await socketService.command(event, data, ACK_TIMEOUT_MS);
      // Refused as NOT_FOUND: the endpoint does not exist (any more); its page says so, a toast would only repeat it.
      if (ack.ok || ack.error.code === 'NOT_FOUND') {
        if (on) settled(key);
        return;
      }
      lastProblem = `${ack.error.code}: ${ack.error.message}`;
      if (ack.error.code !== 'RATE_LIMITED') break;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
  }
  if (on) {
    console.warn(`Vigil: ${event} failed (${lastProblem})`);
    addToast('error', `${t('toast.subscribeFailed')}: ${lastProblem}`);
    settled(key);
  }
}

function settled(key: string) {
  for (const listener of subscribedListeners.get(key) ?? []) listener();
}

/** Sends every wanted subscription again at each new session (called once, from main.tsx, before the connection opens). */
export function startSubscriptions(): () => void {
  return socketService.onSession(() => {
    for (const key of counts.keys()) void send(key, true);
  });
}
