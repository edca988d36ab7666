import { For, Show, createMemo } from 'solid-js';
import type { MaintenanceWindow } from '../../../server/contract/types.ts';
import { MaintenanceForm } from '../components/MaintenanceForm.tsx';
import { DeleteButton, ResourceList, ResourceRoutes, useItemAction } from '../components/ResourcePage.tsx';
import { tm } from '../i18n/maintenance-messages.ts';
import { orderWindows, stateOf, type WindowState } from '../lib/maintenance.ts';
import { windowState, windowWhen } from '../lib/maintenance-text.ts';
import { useLiveData } from '../lib/page-data.ts';
import { maintenanceApi } from '../services/maintenance-api.ts';
import { endpoints, loadEndpoints } from '../stores/endpoints.store.ts';
import { useMaintenanceWindows } from '../stores/maintenance.store.ts';
import { can } from '../stores/session.store.ts';
import { addToast } from '../stores/toast.store.ts';

const GROUPS: WindowState[] = ['active', 'upcoming', 'past'];
const GROUP_TITLES = { active: 'mw.group.active', upcoming: 'mw.group.upcoming', past: 'mw.group.past' } as const;

/** The endpoints and tags a window covers, the endpoints as links (a deleted one counted). */
export function WindowScope(props: { window: MaintenanceWindow }) {
  const known = () => props.window.endpointIds.filter((id) => endpoints.byId[id]);
  const gone = () => props.window.endpointIds.length - known().length;
  return (
    <Show when={!props.window.allEndpoints} fallback={tm('mw.scope.all')}>
      <span class="mw-scope">
        <For each={known()}>
          {(id, i) => (
            <>
              {i() > 0 ? ', ' : ''}
              <a href={`/endpoints/${id}`}>{endpoints.byId[id]!.name}</a>
            </>
          )}
        </For>
        <Show when={endpoints.loaded && gone() > 0}>
          {known().length ? ', ' : ''}
          {tm('mw.scope.deleted', { count: gone() })}
        </Show>
        <Show when={props.window.tags.length > 0}>
          {props.window.endpointIds.length ? ' · ' : ''}
          {tm('mw.scope.tags', { tags: props.window.tags.join(', ') })}
        </Show>
      </span>
    </Show>
  );
}

/**
 * Maintenance windows: the list (going on, to come, over), and the form that adds or edits one.
 * `path`: /maintenance, /maintenance/new or /maintenance/:id/edit.
 */
export default function MaintenancePage(props: { path: string }) {
  return <ResourceRoutes base="/maintenance" path={props.path} list={WindowList} form={MaintenanceForm} />;
}

function WindowList() {
  const list = useMaintenanceWindows();
  useLiveData({ load: () => Promise.all([loadEndpoints(), list.load()]) });
  const groups = createMemo(() => orderWindows(list.windows()));

  return (
    <ResourceList
      prefix="mw"
      title={tm('mw.title')}
      newHref="/maintenance/new"
      newLabel={tm('mw.new')}
      intro={tm('mw.intro')}
      loaded={list.loaded()}
      count={list.windows().length}
      emptyText={tm('mw.empty')}
    >
      <For each={GROUPS}>
        {(state) => (
          <Show when={groups()[state].length > 0}>
            <section class="mw-group" data-state={state} aria-labelledby={`mw-group-${state}`}>
              <h2 id={`mw-group-${state}`}>
                {tm(GROUP_TITLES[state])} <span class="muted">({groups()[state].length})</span>
              </h2>
              <ul class="mw-list">
                <For each={groups()[state]}>{(w) => <WindowItem window={w} onDeleted={() => list.remove(w.id)} onSaved={list.upsert} />}</For>
              </ul>
            </section>
          </Show>
        )}
      </For>
    </ResourceList>
  );
}

function WindowItem(props: { window: MaintenanceWindow; onDeleted: () => void; onSaved: (w: MaintenanceWindow) => void }) {
  const { busy, act } = useItemAction();
  const w = () => props.window;
  const remove = () =>
    act(async () => {
      const name = w().name;
      await maintenanceApi.remove(w().id);
      props.onDeleted();
      addToast('success', tm('mw.toast.deleted', { name }));
    });
  // A one-off window ends now: its end moves to this minute (the server ends the endpoints' maintenance at once).
  const endNow = () =>
    act(async () => {
      const saved = await maintenanceApi.update(w().id, { endsAt: new Date().toISOString() });
      props.onSaved(saved);
      addToast('success', tm('mw.toast.ended', { name: saved.name }));
    });
  const headingId = () => `mw-${w().id}`;
  return (
    <li class="mw-item" data-window-id={w().id} data-state={stateOf(w())} aria-labelledby={headingId()}>
      <div class="mw-head">
        <h3 id={headingId()}>{w().name}</h3>
        <span class="mw-kind">{tm(w().kind === 'once' ? 'mw.kind.once' : 'mw.kind.recurring')}</span>
        <span class="mw-state">
          <span aria-hidden="true">{stateOf(w()) === 'active' ? '◆ ' : ''}</span>
          {windowState(w())}
        </span>
      </div>
      <dl class="mw-facts">
        <div>
          <dt>{tm('mw.when')}</dt>
          <dd class="mw-when">{windowWhen(w())}</dd>
        </div>
        <div>
          <dt>{tm('mw.scope')}</dt>
          <dd>
            <WindowScope window={w()} />
          </dd>
        </div>
        <Show when={w().description}>
          <div>
            <dt>{tm('mw.description')}</dt>
            <dd class="mw-description">{w().description}</dd>
          </div>
        </Show>
      </dl>
      <Show when={can('edit')}>
        <div class="actions">
          <a class="button" href={`/maintenance/${w().id}/edit`} aria-label={`${tm('mw.edit')}: ${w().name}`}>
            {tm('mw.edit')}
          </a>
          <Show when={w().kind === 'once' && w().currentPeriod}>
            <button type="button" onClick={endNow} disabled={busy()} aria-label={`${tm('mw.endNow')}: ${w().name}`}>
              {tm('mw.endNow')}
            </button>
          </Show>
          <DeleteButton
            name={w().name}
            busy={busy()}
            onDelete={remove}
            text={{ delete: tm('mw.delete'), confirm: tm('mw.deleteConfirm', { name: w().name }), yes: tm('mw.deleteYes'), cancel: tm('mw.cancel') }}
          />
        </div>
      </Show>
    </li>
  );
}
