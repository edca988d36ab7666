import { For, Show } from 'solid-js';
import type { StatusPage } from '../../../server/contract/status-pages.ts';
import { DeleteButton, ResourceList, ResourceRoutes, useItemAction } from '../components/ResourcePage.tsx';
import { StatusPageForm } from '../components/StatusPageForm.tsx';
import { Subscribers } from '../components/StatusPageSubscribers.tsx';
import { LOCALE_NAMES } from '../i18n/index.ts';
import { tsp } from '../i18n/status-page-messages.ts';
import { useLiveData } from '../lib/page-data.ts';
import { statusPagesApi } from '../services/status-pages-api.ts';
import { endpoints, loadEndpoints } from '../stores/endpoints.store.ts';
import { can } from '../stores/session.store.ts';
import { useStatusPages } from '../stores/status-pages.store.ts';
import { addToast } from '../stores/toast.store.ts';
import '../status-pages.css';

/**
 * Public status pages: the list (each with its address, who can see it, its endpoints, a link that
 * opens it, its subscribers, edit and delete), and the form that adds or edits one. `path`: /status-pages,
 * /status-pages/new or /status-pages/:id/edit.
 */
export default function StatusPagesPage(props: { path: string }) {
  return <ResourceRoutes base="/status-pages" path={props.path} list={PageList} form={StatusPageForm} />;
}

function PageList() {
  const list = useStatusPages();
  useLiveData({ load: () => Promise.all([loadEndpoints(), list.load()]) });

  return (
    <ResourceList
      prefix="sp"
      title={tsp('sp.title')}
      newHref="/status-pages/new"
      newLabel={tsp('sp.new')}
      intro={tsp('sp.intro')}
      loaded={list.loaded()}
      count={list.pages().length}
      emptyText={tsp('sp.empty')}
    >
      <ul class="sp-list">
        <For each={list.pages()}>{(p) => <PageItem page={p} onDeleted={() => list.remove(p.id)} />}</For>
      </ul>
    </ResourceList>
  );
}

/**
 * The endpoints a page shows, each once: those named (but deleted ones), and those with a
 * section's tag (as the dashboard knows them now).
 */
function shownEndpoints(p: StatusPage): number {
  const ids = new Set<string>();
  for (const s of p.sections) {
    for (const id of s.endpointIds) if (!endpoints.loaded || endpoints.byId[id]) ids.add(id);
    if (s.tag !== null) for (const id of endpoints.ids) if (endpoints.byId[id]?.tags.includes(s.tag)) ids.add(id);
  }
  return ids.size;
}

/** The page's address as a person reads it: the URL without its scheme. */
const shortUrl = (url: string) => url.replace(/^https?:\/\//, '');

function PageItem(props: { page: StatusPage; onDeleted: () => void }) {
  const { busy, act } = useItemAction();
  const p = () => props.page;
  const remove = () =>
    act(async () => {
      const title = p().title;
      await statusPagesApi.remove(p().id);
      props.onDeleted();
      addToast('success', tsp('sp.toast.deleted', { title }));
    });
  const headingId = () => `sp-${p().id}`;
  const locked = () => p().visibility === 'password';
  /** The ways of subscribing it offers besides RSS/Atom (none from a server that predates them). */
  const offered = () => (['email', 'webhook'] as const).filter((kind) => p().subscriptions?.[kind]);
  return (
    <li class="sp-item" data-page-id={p().id} data-visibility={p().visibility} aria-labelledby={headingId()}>
      <div class="sp-head">
        {/* A logo given inline (the dashboard's policy loads no image from elsewhere). */}
        <Show when={p().logoUrl?.startsWith('data:image/') && p().logoUrl}>{(logo) => <img class="sp-logo" src={logo()} alt="" />}</Show>
        <h3 id={headingId()}>{p().title}</h3>
        <span class="sp-visibility" data-visibility={p().visibility}>
          <span aria-hidden="true">{locked() ? '🔒 ' : '🌐 '}</span>
          {tsp(locked() ? 'sp.visibility.password' : 'sp.visibility.public')}
        </span>
      </div>
      <Show when={p().description}>
        <p class="sp-description">{p().description}</p>
      </Show>
      <dl class="sp-facts">
        <div>
          <dt>{tsp('sp.address')}</dt>
          <dd class="sp-url">
            <code>{shortUrl(p().url)}</code>
          </dd>
        </div>
        <div>
          <dt>{tsp('sp.domain')}</dt>
          <dd class="sp-domain">{p().customDomain ?? <span class="muted">{tsp('sp.domain.none')}</span>}</dd>
        </div>
        <div>
          <dt>{tsp('sp.endpoints')}</dt>
          <dd class="sp-count">
            <Show when={p().sections.length > 0} fallback={<span class="muted">{tsp('sp.sectionsNone')}</span>}>
              {tsp('sp.count.endpoints', { count: shownEndpoints(p()) })}
              {' · '}
              {tsp('sp.count.sections', { count: p().sections.length })}
            </Show>
          </dd>
        </div>
        <div>
          <dt>{tsp('sp.language')}</dt>
          <dd class="sp-language">{p().defaultLanguage ? LOCALE_NAMES[p().defaultLanguage!] : tsp('sp.language.browser')}</dd>
        </div>
        <Show when={p().showResponseTimes}>
          <div>
            <dt>{tsp('sp.responseTimes')}</dt>
            <dd class="sp-response-times">{tsp('sp.responseTimes.shown')}</dd>
          </div>
        </Show>
        <Show when={offered().length > 0}>
          <div>
            <dt>{tsp('sp.subscriptions')}</dt>
            <dd class="sp-subscribable">
              {offered()
                .map((kind) => tsp(kind === 'email' ? 'sp.subscriptions.email' : 'sp.subscriptions.webhook'))
                .join(' · ')}
            </dd>
          </div>
        </Show>
      </dl>
      <div class="actions">
        {/* The server's page, not a route of this app: a new tab. */}
        <a class="button sp-open" href={p().url} target="_blank" rel="noopener" data-external aria-label={tsp('sp.open.label', { title: p().title })}>
          {tsp('sp.open')} <span aria-hidden="true">↗</span>
        </a>
        <Show when={can('edit')}>
          <a class="button" href={`/status-pages/${p().id}/edit`} aria-label={`${tsp('sp.edit')}: ${p().title}`}>
            {tsp('sp.edit')}
          </a>
          <DeleteButton
            name={p().title}
            busy={busy()}
            onDelete={remove}
            text={{ delete: tsp('sp.delete'), confirm: tsp('sp.deleteConfirm', { title: p().title }), yes: tsp('sp.deleteYes'), cancel: tsp('sp.cancel') }}
          />
        </Show>
      </div>
      {/* Subscribers' addresses are people's email addresses: for those who may edit. */}
      <Show when={can('edit')}>
        <Subscribers pageId={p().id} pageTitle={p().title} enabled={offered().length > 0} />
      </Show>
    </li>
  );
}
