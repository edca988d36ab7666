import { Show, createMemo, createSignal, onCleanup } from 'solid-js';
import { t } from '../i18n/index.ts';
import { REST_REFRESH_MS, socketService } from '../services/socket.service.ts';
import { connection } from '../stores/connection.store.ts';

/** The header's live indicator: green connected, orange connecting, red disconnected. */
export function ConnectionStatus() {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 250);
  onCleanup(() => clearInterval(timer));

  // A memo: the 250 ms tick changes nothing on screen unless the whole second does.
  const secondsLeft = createMemo(() => (connection.nextRetryAt ? Math.max(0, Math.ceil((connection.nextRetryAt - now()) / 1000)) : null));
  const tooltip = () =>
    connection.state === 'connected'
      ? t('conn.tooltip.connected')
      : connection.state === 'connecting'
        ? t('conn.tooltip.connecting')
        : t('conn.tooltip.disconnected');

  return (
    <div class="conn" data-state={connection.state} title={tooltip()} role="status" aria-live="polite">
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{t(`conn.${connection.state}`)}</span>
      <span class="sr-only">{tooltip()}</span>
      <Show when={connection.state !== 'connected' && connection.mode === 'websocket' && !connection.offline && connection.attempt > 0}>
        <span class="conn-detail">
          {t('conn.attempt', { attempt: connection.attempt, max: connection.maxAttempts })}
          <Show when={secondsLeft() !== null && connection.state === 'disconnected'}>
            {' · '}
            {t('conn.nextIn', { seconds: secondsLeft()! })}
          </Show>
        </span>
      </Show>
    </div>
  );
}

/** Said once the WebSocket attempts are exhausted or the browser is offline. */
export function ConnectionBanner() {
  return (
    <Show when={connection.state !== 'connected' && (connection.offline || connection.mode === 'rest-refresh')}>
      <div class="banner" role="alert">
        <span>{connection.offline ? t('conn.offline') : t('conn.fallback', { seconds: REST_REFRESH_MS / 1000 })}</span>
        <Show when={!connection.offline}>
          <button type="button" onClick={() => socketService.retryNow()}>
            {t('conn.retryNow')}
          </button>
        </Show>
      </div>
    </Show>
  );
}
