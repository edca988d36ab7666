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

export function subscribe(endpointId: string) {
  want(endpointId, +1);
}
export function unsubscribe(endpointId: string) {
  want(endpointId, -1);
}
export function subscribeAll() {
  want(ALL, +1);
}
/** The counterpart of subscribeAll; single-endpoint subscriptions stay. */
export function unsubscribeAll() {
  want(ALL, -1);
}

function want(key: string, delta: 1 | -1) {
  const before = counts.get(key) ?? 0;
  const after = Math.max(0, before + delta);
  if (after === 0) counts.delete(key);
  else counts.set(key, after);
  publish();
  if (before === 0 && after > 0) void send(key, true);
  if (before > 0 && after === 0) void send(key, false);
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
      if (ack.ok) return;
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
  }
}

socketService.onSession(() => {
  for (const key of counts.keys()) void send(key, true);
});
