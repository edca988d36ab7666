import { createSignal } from 'solid-js';
import { t } from '../i18n/index.ts';
import { api, useApiKeySource } from '../services/api.ts';
import { socketService } from '../services/socket.service.ts';
import { addToast } from './toast.store.ts';

/** Where the key is kept: this browser only, until the user forgets it. */
export const API_KEY_STORAGE = 'vigil.apiKey';

/** Why the key dialog is open: the user asked, a write was refused, the saved key was refused, or a secret (a ping URL) is to be shown. */
export type KeyRequestReason = 'user' | 'write' | 'invalid' | 'secret';

function readStoredKey(): string | null {
  try {
    return localStorage.getItem(API_KEY_STORAGE) || null;
  } catch {
    return null;
  }
}

function storeKey(key: string | null) {
  try {
    if (key) localStorage.setItem(API_KEY_STORAGE, key);
    else localStorage.removeItem(API_KEY_STORAGE);
  } catch {
    // Storage blocked (private mode, policy): the key then lasts as long as the page.
  }
}

const [apiKey, setApiKeySignal] = createSignal<string | null>(null);
/**
 * GET /api/session refused the saved key or passed it over (replaced, or too many wrong ones from
 * here): REST requests leave it out, so that the page's reads do not count as wrong keys, until the
 * live connection's handshake settles it (refused there, it is dropped and asked for, as before
 * accounts).
 */
const [doubted, setDoubted] = createSignal(false);

function setApiKey(key: string | null) {
  setDoubted(false);
  setApiKeySignal(key);
}

/** The server refused the saved key on a request of the page's own: see `doubted`. */
export function doubtKey() {
  if (apiKey()) setDoubted(true);
}

/** The key REST requests send: the saved one, unless doubted. */
export const requestKey = () => (doubted() ? null : apiKey());
/** Whether this instance asks for a key (GET /api/session, or learnt from a refusal). */
const [keyRequired, setKeyRequired] = createSignal(false);
const [keyRequest, setKeyRequest] = createSignal<KeyRequestReason | null>(null);

export { apiKey, keyRequired, keyRequest };

/** What GET /api/session says of API_KEY: the server's word replaces what a refusal made us guess. */
export function learnKeyRequired(required: boolean) {
  setKeyRequired(required);
}

/** The open dialog's answer: every caller that asked while it was open gets the same one. */
let answer: { promise: Promise<boolean>; resolve: (saved: boolean) => void } | null = null;

/** Opens the key dialog (or joins the open one). Resolves true once a key is verified and saved, false on cancel. */
export function askForKey(reason: KeyRequestReason): Promise<boolean> {
  if (answer) {
    if (reason === 'invalid') setKeyRequest(reason);
    return answer.promise;
  }
  let resolve!: (saved: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  answer = { promise, resolve };
  setKeyRequest(reason);
  return promise;
}

function closeKeyDialog(saved: boolean) {
  const open = answer;
  answer = null;
  setKeyRequest(null);
  open?.resolve(saved);
}

/** The dialog was cancelled: waiting writes fail with their own error, nothing else changes. */
export function cancelKeyDialog() {
  closeKeyDialog(false);
}

/**
 * Tries `key` on the server and, when it is accepted, keeps it and opens the live connection with
 * it at once. Returns the server's reason when the key was refused (wrong, or too many wrong ones).
 */
export async function submitKey(key: string): Promise<string | null> {
  try {
    await api.verifyKey(key);
  } catch (error) {
    return (error as Error).message;
  }
  setApiKey(key);
  storeKey(key);
  closeKeyDialog(true);
  addToast('success', t('key.saved'));
  socketService.retryNow();
  return null;
}

/** Removes the key from this browser and connects again without it, so the page shows what it may do now. */
export function forgetKey() {
  dropKey();
  closeKeyDialog(false);
  addToast('info', t('key.forgotten'));
  socketService.reconnect();
}

/** A key the server refused is not kept: sending it again would only count as another wrong guess. */
function dropKey() {
  setApiKey(null);
  storeKey(null);
}

/**
 * Takes the saved key and lends it to REST requests and the live connection, and follows other
 * tabs' keys. Called once, from main.tsx, before the first request and the connection.
 */
export function startAuth() {
  setApiKey(readStoredKey());
  useApiKeySource({
    key: requestKey,
    refused: (_error, sentKey, read) => {
      setKeyRequired(true);
      if (sentKey) dropKey();
      return askForKey(sentKey ? 'invalid' : read ? 'secret' : 'write');
    },
  });

  socketService.useToken(apiKey);
  socketService.onRefused((refusal) => {
    setKeyRequired(true);
    if (refusal.reason !== 'invalid') return;
    dropKey();
    void askForKey('invalid');
  });

  // Whether this Vigil wants a key comes with the session (session.store.ts: learnKeyRequired); refusals tell too.

  // A key saved or forgotten in another tab of this Vigil applies here too.
  window.addEventListener('storage', (event) => {
    if (event.key !== API_KEY_STORAGE && event.key !== null) return;
    const stored = readStoredKey();
    if (stored === apiKey()) return;
    setApiKey(stored);
    if (stored) socketService.retryNow();
    else socketService.reconnect();
  });
}
