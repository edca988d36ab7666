import { For, Show, createResource } from 'solid-js';
import type { SessionSummary } from '../../../server/contract/accounts.ts';
import { useItemAction } from '../components/ResourcePage.tsx';
import { describeAccountProblem, ta } from '../i18n/account-messages.ts';
import { t } from '../i18n/index.ts';
import { formatDateTime, formatTime } from '../lib/format.ts';
import { deviceOf } from '../lib/user-agent.ts';
import { accountsApi } from '../services/accounts-api.ts';
import { signOutOthers } from '../components/AccountMenu.tsx';
import { signOut } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';
import '../accounts.css';

/** The signed-in person's sessions: this browser first; end one, or every other. */
export default function SessionsPage() {
  const [list, { mutate, refetch }] = createResource(() =>
    accountsApi.sessions().then(
      ({ items }) => [...items].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt)),
      (error: unknown) => ({ error: describeAccountProblem(error) }),
    ),
  );
  const sessions = () => {
    const answer = list();
    return Array.isArray(answer) ? answer : null;
  };
  const failure = () => {
    const answer = list();
    return answer && !Array.isArray(answer) ? answer.error : null;
  };
  const others = () => sessions()?.filter((s) => !s.current).length ?? 0;
  const { busy, act } = useItemAction(describeAccountProblem);
  const endOthers = () =>
    act(async () => {
      if ((await signOutOthers()) !== null) await refetch();
    });

  return (
    <section class="sessions-page" aria-labelledby="sessions-title">
      <div class="page-head">
        <h1 id="sessions-title">{ta('sessions.title')}</h1>
        <Show when={others() > 0}>
          <button type="button" class="danger" onClick={endOthers} disabled={busy()}>
            {ta('sessions.endOthers')}
          </button>
        </Show>
      </div>
      <p class="muted">{ta('sessions.intro')}</p>
      <Show
        when={sessions()}
        fallback={
          <Show when={failure()} fallback={<p class="muted">{t('common.loading')}</p>}>
            {(error) => (
              <p class="form-error" role="alert">
                {error()}
              </p>
            )}
          </Show>
        }
      >
        {(items) => (
          <>
            <div class="table-wrap">
              <table class="table sessions-table">
                <thead>
                  <tr>
                    <th>{ta('sessions.device')}</th>
                    <th>{ta('sessions.created')}</th>
                    <th>{ta('sessions.lastSeen')}</th>
                    <th>{ta('sessions.address')}</th>
                    <th>
                      <span class="sr-only">{ta('sessions.end')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={items()}>{(s) => <SessionRow session={s} onEnded={() => mutate(items().filter((other) => other.id !== s.id))} />}</For>
                </tbody>
              </table>
            </div>
            <Show when={others() === 0}>
              <p class="muted">{ta('sessions.onlyThis')}</p>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}

function SessionRow(props: { session: SessionSummary; onEnded: () => void }) {
  const { busy, act } = useItemAction(describeAccountProblem);
  const s = () => props.session;
  const device = () => deviceOf(s().userAgent) ?? (s().userAgent || ta('sessions.unknownDevice'));
  const end = () =>
    act(async () => {
      await accountsApi.endSession(s().id);
      props.onEnded();
      addToast('success', ta('sessions.ended'));
    });
  return (
    <tr data-session-id={s().id} data-current={s().current ? 'true' : undefined}>
      <td>
        <span class="session-device" title={s().userAgent}>
          {device()}
        </span>
        <Show when={s().current}>
          {' '}
          <span class="session-this">{ta('sessions.this')}</span>
        </Show>
      </td>
      <td data-label={ta('sessions.created')}>{formatDateTime(s().createdAt)}</td>
      <td data-label={ta('sessions.lastSeen')}>{formatTime(s().lastSeenAt)}</td>
      <td data-label={ta('sessions.address')}>
        <code>{s().address}</code>
      </td>
      <td class="session-action">
        <Show
          when={!s().current}
          fallback={
            <button type="button" onClick={() => void signOut()}>
              {ta('sessions.signOut')}
            </button>
          }
        >
          <button type="button" onClick={end} disabled={busy()} aria-label={ta('sessions.endLabel', { device: device(), time: formatTime(s().lastSeenAt) })}>
            {ta('sessions.end')}
          </button>
        </Show>
      </td>
    </tr>
  );
}
