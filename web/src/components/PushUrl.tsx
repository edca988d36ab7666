import { Match, Show, Switch, createResource, createSignal, onCleanup } from 'solid-js';
import { t } from '../i18n/index.ts';
import { tp } from '../i18n/push-messages.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { copyText } from '../lib/clipboard.ts';
import { ApiError, api } from '../services/api.ts';
import { addToast, toastActionFailed } from '../stores/toast.store.ts';

type Read = { url: string } | { needsKey: true } | { error: string };

/** The line a job runs at its end: quiet unless it fails, 10 s at most, 3 retries. */
export const pingCommand = (url: string) => `curl -fsS -m 10 --retry 3 ${url}`;

/**
 * A push endpoint's ping URL, the one place that shows its token: read from the API (with the
 * key when one is set; refused without it, a button opens the key dialog), with the line a job runs,
 * the other forms of the URL, copy buttons, and a new URL on demand (confirmed first: the old one
 * stops working). Read again when the definition changes (a new URL made in another tab).
 */
export function PushUrl(props: { endpointId: string; name: string; updatedAt: string }) {
  const [confirming, setConfirming] = createSignal(false);
  const [renewing, setRenewing] = createSignal(false);
  const [copied, setCopied] = createSignal<'url' | 'command' | 'failed' | null>(null);
  /** Whether the next read may open the key dialog: only when the user asked for the URL (never by itself). */
  let askForKey = false;
  const [read, { mutate, refetch }] = createResource(
    () => ({ id: props.endpointId, updatedAt: props.updatedAt }),
    ({ id }): Promise<Read> => {
      const ask = askForKey;
      askForKey = false;
      return api.pushUrl(id, { askForKey: ask }).then(
        (answer) => ({ url: answer.pingUrl }),
        (error: unknown) => (error instanceof ApiError && error.status === 401 ? { needsKey: true as const } : { error: describeRequestError(error) }),
      );
    },
  );
  /** Reads the URL again, asking for the key when it is still refused (a key saved meanwhile is sent at once). */
  const enterKey = () => {
    askForKey = true;
    void refetch();
  };

  let copiedTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(copiedTimer));
  const copy = async (what: 'url' | 'command', text: string) => {
    const done = await copyText(text);
    setCopied(done ? what : 'failed');
    clearTimeout(copiedTimer);
    copiedTimer = setTimeout(() => setCopied(null), 3000);
  };

  const renew = async () => {
    setRenewing(true);
    try {
      const answer = await api.renewPushUrl(props.endpointId);
      mutate({ url: answer.pingUrl });
      setConfirming(false);
      addToast('info', tp('push.renewed', { name: props.name }));
    } catch (error) {
      toastActionFailed(error);
    } finally {
      setRenewing(false);
    }
  };

  const url = () => {
    const r = read();
    return r && 'url' in r ? r.url : null;
  };

  return (
    <section class="push-url" aria-labelledby="push-url-title" data-testid="push-url">
      <h2 id="push-url-title">{tp('push.title')}</h2>
      <Switch fallback={<p class="muted">{t('common.loading')}</p>}>
        <Match when={url()}>
          {(pingUrl) => (
            <div class="push-box">
              <p class="muted push-intro">{tp('push.intro')}</p>
              <div class="push-line">
                <code class="ping-url" data-testid="ping-url">
                  {pingUrl()}
                </code>
                <button type="button" class="copy" aria-label={tp('push.copyUrl')} onClick={() => copy('url', pingUrl())}>
                  {tp('push.copy')}
                </button>
              </div>
              <p class="push-label">{tp('push.command')}</p>
              <div class="push-line">
                <code class="push-command" data-testid="push-command">
                  {pingCommand(pingUrl())}
                </code>
                <button type="button" class="copy" aria-label={tp('push.copyCommand')} onClick={() => copy('command', pingCommand(pingUrl()))}>
                  {tp('push.copy')}
                </button>
              </div>
              <p class="copy-status" role="status">
                {copied() === 'failed' ? tp('push.copyFailed') : copied() ? tp('push.copied') : ''}
              </p>
              <ul class="push-forms" aria-label={tp('push.forms')}>
                <li>
                  <code>…/start</code> {tp('push.start')}
                </li>
                <li>
                  <code>…/fail</code> {tp('push.fail')}
                </li>
                <li>
                  <code>…/$?</code> {tp('push.exit')}
                </li>
              </ul>
              <div class="actions">
                <Show
                  when={confirming()}
                  fallback={
                    <button type="button" class="push-renew" onClick={() => setConfirming(true)}>
                      {tp('push.renew')}
                    </button>
                  }
                >
                  <span class="confirm" role="group" aria-label={tp('push.renewConfirm')}>
                    <span>{tp('push.renewConfirm')}</span>
                    <button type="button" class="danger" onClick={renew} disabled={renewing()}>
                      {tp('push.renewYes')}
                    </button>
                    <button type="button" onClick={() => setConfirming(false)} disabled={renewing()}>
                      {t('ep.cancel')}
                    </button>
                  </span>
                </Show>
              </div>
            </div>
          )}
        </Match>
        <Match when={read() && 'needsKey' in read()!}>
          <p class="push-needs-key">{tp('push.needsKey')}</p>
          <div class="actions">
            <button type="button" class="primary" onClick={enterKey}>
              {t('conn.enterKey')}
            </button>
          </div>
        </Match>
        <Match when={read() && 'error' in read()! ? (read() as { error: string }).error : null}>
          {(message) => <p class="form-error">{tp('push.loadFailed', { message: message() })}</p>}
        </Match>
      </Switch>
    </section>
  );
}
