import { Match, Show, Switch, createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import { t } from '../i18n/index.ts';
import { REST_REFRESH_MS, socketService } from '../services/socket.service.ts';
import { askForKey } from '../stores/auth.store.ts';
import { connection } from '../stores/connection.store.ts';

/** Whole seconds until `at` (epoch ms), ticking; a memo, so the 250 ms tick changes nothing on screen unless the second does. */
function useSecondsUntil(at: () => number | null): Accessor<number | null> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(timer));
  return createMemo(() => {
    now(); // the tick; the clock itself is read fresh, as `at` may be newer than the last tick
    const when = at();
    return when ? Math.max(0, Math.ceil((when - Date.now()) / 1000)) : null;
  });
}

/** The header's live indicator: green connected, orange connecting, red disconnected. */
export function ConnectionStatus() {
  const secondsLeft = useSecondsUntil(() => connection.nextRetryAt);
  const keyNeeded = () => connection.state !== 'connected' && connection.refusal !== null;
  const tooltip = () =>
    connection.state === 'connected'
      ? t('conn.tooltip.connected')
      : keyNeeded()
        ? t('conn.tooltip.keyNeeded')
        : connection.restarting
          ? t('conn.tooltip.restarting')
          : connection.state === 'connecting'
            ? t('conn.tooltip.connecting')
            : t('conn.tooltip.disconnected');

  return (
    <div
      class="conn"
      data-state={connection.state}
      data-refusal={connection.refusal?.reason}
      data-restarting={connection.restarting && connection.state !== 'connected' ? 'true' : undefined}
      title={tooltip()}
      role="status"
      aria-live="polite"
    >
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">
        {keyNeeded()
          ? t('conn.keyNeeded')
          : connection.restarting && connection.state === 'disconnected'
            ? t('conn.waitingForVigil')
            : t(`conn.${connection.state}`)}
      </span>
      <span class="sr-only">{tooltip()}</span>
      <Show when={connection.state !== 'connected' && connection.mode === 'websocket' && !connection.offline && connection.attempt > 0}>
        <span class="conn-detail">
          {t('conn.attempt', { attempt: connection.attempt, max: connection.maxAttempts })}
          {/* Between attempts: when the next one starts. */}
          <Show when={secondsLeft() !== null}>
            {' · '}
            {t('conn.nextIn', { seconds: secondsLeft()! })}
          </Show>
        </span>
      </Show>
    </div>
  );
}

/** Said while Vigil restarts, once the WebSocket attempts are exhausted, the server refused the key, or the browser is offline. */
export function ConnectionBanner() {
  const seconds = REST_REFRESH_MS / 1000;
  const wait = useSecondsUntil(() => connection.refusal?.retryAt ?? null);
  return (
    <Show when={connection.state !== 'connected' && (connection.offline || connection.restarting || connection.mode === 'rest-refresh')}>
      <div
        class="banner"
        role="alert"
        data-refusal={connection.offline ? undefined : connection.refusal?.reason}
        data-restarting={!connection.offline && !connection.refusal && connection.restarting ? 'true' : undefined}
        data-mode={connection.mode}
      >
        <Switch>
          <Match when={connection.offline}>
            <span>{t('conn.offline')}</span>
          </Match>
          <Match when={connection.refusal}>
            {(refusal) => (
              <>
                <span>
                  {refusal().reason === 'throttled' ? t('conn.key.throttled', { wait: wait() ?? 0, seconds }) : t(`conn.key.${refusal().reason}`, { seconds })}
                </span>
                <button type="button" onClick={() => void askForKey('user')}>
                  {t('conn.enterKey')}
                </button>
              </>
            )}
          </Match>
          <Match when={connection.restarting && connection.mode === 'websocket'}>
            <span>{t('conn.restarting')}</span>
          </Match>
          <Match when={connection.restarting}>
            <span>{t('conn.restarting.fallback', { seconds })}</span>
            <button type="button" onClick={() => socketService.retryNow()}>
              {t('conn.retryNow')}
            </button>
          </Match>
          <Match when={true}>
            <span>{t('conn.fallback', { seconds })}</span>
            <button type="button" onClick={() => socketService.retryNow()}>
              {t('conn.retryNow')}
            </button>
          </Match>
        </Switch>
      </div>
    </Show>
  );
}
