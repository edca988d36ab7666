import { For, Show, createSignal } from 'solid-js';
import { type ChannelTestResult, NOTIFICATION_EVENTS, type NotificationChannel, type NotificationDelivery } from '../../../server/contract/notifications.ts';
import { ChannelForm } from '../components/ChannelForm.tsx';
import { DeliveryLog, Outcome } from '../components/DeliveryLog.tsx';
import { DeleteButton, ResourceList, ResourceRoutes, useItemAction } from '../components/ResourcePage.tsx';
import { LOCALE_NAMES, locale } from '../i18n/index.ts';
import { eventName, TYPE_NAMES, tn } from '../i18n/notification-messages.ts';
import { describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime, formatMs, formatTime } from '../lib/format.ts';
import { useLiveData } from '../lib/page-data.ts';
import { notificationsApi } from '../services/notifications-api.ts';
import { loadEndpoints } from '../stores/endpoints.store.ts';
import { useNotificationChannels } from '../stores/notification-channels.store.ts';
import { addToast, toastActionFailed } from '../stores/toast.store.ts';
import { can } from '../stores/session.store.ts';

/**
 * Notification channels: the list (each with its test, its delivery log, edit and delete), and the
 * form that adds or edits one. `path`: /notifications, /notifications/new or /notifications/:id/edit.
 */
export default function NotificationsPage(props: { path: string }) {
  return <ResourceRoutes base="/notifications" path={props.path} list={ChannelList} form={ChannelForm} />;
}

function ChannelList() {
  const list = useNotificationChannels();
  // Each load (a reconnect, the REST fallback) also reads the open logs again from their first page.
  const [version, setVersion] = createSignal(0);
  useLiveData({
    load: () => {
      setVersion((n) => n + 1);
      return Promise.all([loadEndpoints(), list.load()]);
    },
  });

  return (
    <ResourceList
      prefix="ntf"
      title={tn('ch.title')}
      newHref="/notifications/new"
      newLabel={tn('ch.new')}
      intro={tn('ch.intro')}
      loaded={list.loaded()}
      count={list.channels().length}
      emptyText={tn('ch.empty')}
    >
      <ul class="ntf-list">
        <For each={list.channels()}>
          {(c) => <ChannelItem channel={c} last={list.last()[c.id] ?? null} version={version()} onSaved={list.upsert} onDeleted={() => list.remove(c.id)} />}
        </For>
      </ul>
    </ResourceList>
  );
}

/** "All endpoints", or "3 endpoints, tag db". */
function scopeText(c: NotificationChannel): string {
  if (c.allEndpoints) return tn('ch.scope.all');
  const parts: string[] = [];
  if (c.endpointIds.length) parts.push(tn('ch.scope.endpoints', { count: c.endpointIds.length }));
  if (c.tags.length) parts.push(tn(c.tags.length > 1 ? 'ch.scope.tags.many' : 'ch.scope.tags', { tags: c.tags.join(', ') }));
  return parts.join(', ');
}

/** A test's answer in one line, as the provider gave it (with its status): "HTTP 200 ok · 12 ms". */
function testLine(result: ChannelTestResult): string {
  return `${result.answer || tn('ch.test.noStatus')} · ${formatMs(result.latencyMs)}`;
}

function ChannelItem(props: {
  channel: NotificationChannel;
  last: NotificationDelivery | null;
  version: number;
  onSaved: (c: NotificationChannel) => void;
  onDeleted: () => void;
}) {
  const { busy, act } = useItemAction();
  const [testing, setTesting] = createSignal(false);
  const [test, setTest] = createSignal<ChannelTestResult | { error: string } | null>(null);
  const [logOpen, setLogOpen] = createSignal(false);
  const c = () => props.channel;
  /** Set by the server's settings (WEBHOOK_URL): shown, not changed here. */
  const fromSettings = () => c().fromSettings;
  const readOnly = () => fromSettings() || !can('edit');

  const setEnabled = (enabled: boolean) =>
    act(async () => {
      const saved = await notificationsApi.update(c().id, { enabled });
      props.onSaved(saved);
      addToast('success', tn(enabled ? 'ch.toast.enabled' : 'ch.toast.disabled', { name: saved.name }));
    });
  const remove = () =>
    act(async () => {
      const name = c().name;
      await notificationsApi.remove(c().id);
      props.onDeleted();
      addToast('success', tn('ch.toast.deleted', { name }));
    });
  const sendTest = async () => {
    setTesting(true);
    setTest(null);
    try {
      const result = await notificationsApi.test(c().id);
      setTest(result);
      const answer = result.answer || tn('ch.test.noStatus');
      if (result.ok) addToast('success', tn('ch.toast.testOk', { name: c().name, answer }));
      else addToast('error', tn('ch.toast.testFailed', { name: c().name, answer }));
    } catch (error) {
      const message = describeRequestError(error);
      setTest({ error: message });
      toastActionFailed(error, message);
    } finally {
      setTesting(false);
    }
  };

  const headingId = () => `ntf-${c().id}`;
  const switchId = () => `ntf-enabled-${c().id}`;
  return (
    <li class="ntf-item" data-channel-id={c().id} data-enabled={c().enabled ? 'true' : 'false'} aria-labelledby={headingId()}>
      <div class="ntf-head">
        <span class="ntf-type" data-type={c().type}>
          {TYPE_NAMES[c().type][locale()]}
        </span>
        <h3 id={headingId()}>{c().name}</h3>
        <Show when={fromSettings()}>
          <span class="ntf-settings-badge">{tn('ch.fromSettings.badge')}</span>
        </Show>
        <label class="ntf-switch" for={switchId()}>
          <input
            id={switchId()}
            type="checkbox"
            role="switch"
            aria-checked={c().enabled}
            checked={c().enabled}
            disabled={busy() || readOnly()}
            aria-label={tn('ch.enabled.label', { name: c().name })}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              // Shown as stored until the server says otherwise.
              e.currentTarget.checked = c().enabled;
              void setEnabled(on);
            }}
          />
          <span class="ntf-switch-track" aria-hidden="true" />
          <span class="ntf-switch-text">{c().enabled ? tn('ch.enabled') : tn('ch.disabledNote')}</span>
        </label>
      </div>
      <Show when={fromSettings()}>
        <p class="ntf-readonly">{tn('ch.fromSettings')}</p>
      </Show>
      <ul class="ntf-events" aria-label={tn('ch.events')}>
        <For each={NOTIFICATION_EVENTS.filter((e) => c().events.includes(e))}>
          {(event) => (
            <li class="ntf-chip" data-event={event}>
              {eventName(event)}
            </li>
          )}
        </For>
      </ul>
      <dl class="ntf-facts">
        <div>
          <dt>{tn('ch.scope')}</dt>
          <dd class="ntf-scope">{scopeText(c())}</dd>
        </div>
        <div>
          <dt>{tn('ch.language')}</dt>
          <dd>{LOCALE_NAMES[c().language]}</dd>
        </div>
        <div>
          <dt>{tn('ch.reminder')}</dt>
          <dd class="ntf-reminder">
            {c().reminder ? tn('ch.reminder.every', { minutes: c().reminder!.everyMinutes, max: c().reminder!.max }) : tn('ch.reminder.off')}
          </dd>
        </div>
        <div>
          <dt>{tn('ch.grouping')}</dt>
          <dd class="ntf-grouping">{c().groupSeconds === 0 ? tn('ch.grouping.off') : tn('ch.grouping.window', { seconds: c().groupSeconds })}</dd>
        </div>
        <div>
          <dt>{tn('ch.last')}</dt>
          <dd class="ntf-last">
            <Show when={props.last} fallback={<span class="muted">{tn('ch.last.none')}</span>}>
              {(d) => (
                <>
                  <Outcome outcome={d().outcome} />
                  {' · '}
                  {eventName(d().event)}
                  {d().statusCode === null ? '' : ` · ${d().statusCode}`}
                  {' · '}
                  <time datetime={d().at} title={formatDateTime(d().at)}>
                    {formatTime(d().at)}
                  </time>
                </>
              )}
            </Show>
          </dd>
        </div>
      </dl>
      <div class="actions">
        <Show when={can('edit')}>
          <button type="button" class="ntf-test-button" onClick={sendTest} disabled={testing()} aria-busy={testing() ? 'true' : undefined}>
            {testing() ? tn('ch.testing') : tn('ch.test')}
          </button>
        </Show>
        <button
          type="button"
          aria-expanded={logOpen() ? 'true' : 'false'}
          aria-controls={`ntf-log-panel-${c().id}`}
          onClick={() => setLogOpen((open) => !open)}
        >
          {logOpen() ? tn('ch.log.hide') : tn('ch.log')}
        </button>
        <Show when={!readOnly()}>
          <a class="button" href={`/notifications/${c().id}/edit`} aria-label={`${tn('ch.edit')}: ${c().name}`}>
            {tn('ch.edit')}
          </a>
          <DeleteButton
            name={c().name}
            busy={busy()}
            onDelete={remove}
            text={{ delete: tn('ch.delete'), confirm: tn('ch.deleteConfirm', { name: c().name }), yes: tn('ch.deleteYes'), cancel: tn('ch.cancel') }}
          />
        </Show>
      </div>
      <div class="ntf-test-result" role="status" aria-live="polite">
        <Show when={test()} keyed>
          {(r) => {
            if ('error' in r) return <p data-ok="false">✗ {r.error}</p>;
            return (
              <p data-ok={r.ok ? 'true' : 'false'}>
                <strong>
                  {r.ok ? '✓ ' : '✗ '}
                  {r.ok ? tn('ch.test.ok') : tn('ch.test.failed')}
                </strong>{' '}
                <span class="ntf-test-answer">{testLine(r)}</span>
              </p>
            );
          }}
        </Show>
      </div>
      <Show when={logOpen()}>
        <DeliveryLog channelId={c().id} channelName={c().name} version={props.version} />
      </Show>
    </li>
  );
}
