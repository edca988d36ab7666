import { For, Show, createEffect, createMemo, createResource, createSignal, on, onCleanup } from 'solid-js';
import type { AuditEntry } from '../../../server/contract/accounts.ts';
import { FormError } from '../components/Field.tsx';
import {
  AUDIT_ACTIONS,
  AUDIT_TARGET_TYPES,
  type AccountPageMessageKey,
  actionName,
  describePageProblem,
  targetTypeName,
  tp,
} from '../i18n/account-page-messages.ts';
import { formatDateTime } from '../lib/format.ts';
import { searchParams, setSearchParams } from '../lib/router.ts';
import { type AuditQuery, accountsApi } from '../services/accounts-api.ts';
import '../accounts.css';

/** Entries read at a time. */
const PAGE_SIZE = 50;
type ActorKind = AuditEntry['actor']['kind'];
/** Callers who are no person of the list, to filter by. */
const OTHER_KINDS: readonly ActorKind[] = ['key', 'api-key', 'local', 'anonymous'];
const kindName = (kind: string) => tp(`audit.kind.${kind}` as AccountPageMessageKey);

/** The filters as the URL keeps them (a reload, a link keep them): `actor` is `id:<person>` or `kind:<kind>`; days are YYYY-MM-DD. */
interface Filters {
  action: string;
  actor: string;
  target: string;
  from: string;
  to: string;
}

/** The API's query of the filters: days from the start of `from` to the end of `to`, in local time. */
function queryOf(f: Filters): AuditQuery {
  const q: AuditQuery = { limit: PAGE_SIZE };
  if (f.action) q.action = f.action;
  if (f.actor.startsWith('id:')) q.actorId = f.actor.slice(3);
  else if (f.actor.startsWith('kind:')) q.actorKind = f.actor.slice(5) as ActorKind;
  if (f.target) q.targetType = f.target;
  const day = (text: string, time: string) => {
    const at = new Date(`${text}T${time}`);
    return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
  };
  if (f.from) q.from = day(f.from, '00:00:00');
  if (f.to) q.to = day(f.to, '23:59:59.999');
  return q;
}

/** An entry's details in a line: the names of the fields sent, and the plain values recorded beside them. */
function detailsOf(details: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(details)) {
    if (key === 'fields' && Array.isArray(value)) {
      if (value.length) parts.push(tp('audit.fields', { names: value.join(', ') }));
    } else if (value !== null && typeof value !== 'object') parts.push(`${key}: ${String(value)}`);
  }
  return parts.join(' · ');
}

/**
 * The owner's audit log: who changed what and when, newest first, filtered by action, person,
 * thing and days; a page at a time ("Load more" follows the cursor).
 */
export default function AuditLogPage() {
  const param = (name: string) => searchParams().get(name) ?? '';
  const filters = createMemo<Filters>(
    () => ({ action: param('action'), actor: param('actor'), target: param('target'), from: param('from'), to: param('to') }),
    {
      action: '',
      actor: '',
      target: '',
      from: '',
      to: '',
    },
    { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) },
  );
  const filtered = () => Object.values(filters()).some(Boolean);
  const backwards = () => Boolean(filters().from && filters().to && filters().from > filters().to);
  const [people] = createResource(() =>
    accountsApi.users().then(
      ({ items }) => items,
      () => [],
    ),
  );
  const [rows, setRows] = createSignal<AuditEntry[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(true);
  const [failure, setFailure] = createSignal('');
  let reading = 0;

  const read = async (from: string | null) => {
    const request = ++reading;
    setLoading(true);
    try {
      const page = await accountsApi.auditLog({ ...queryOf(filters()), cursor: from ?? undefined });
      if (request !== reading) return;
      setRows((current) => (from === null ? page.items : [...current, ...page.items.filter((e) => !current.some((c) => c.id === e.id))]));
      setCursor(page.nextCursor);
      setFailure('');
    } catch (error) {
      if (request === reading) setFailure(describePageProblem(error));
    } finally {
      if (request === reading) setLoading(false);
    }
  };
  createEffect(
    on(filters, () => {
      if (backwards()) {
        reading++;
        setRows([]);
        setCursor(null);
        setLoading(false);
        return;
      }
      void read(null);
    }),
  );
  onCleanup(() => reading++);

  const actions = () => (filters().action && !AUDIT_ACTIONS.includes(filters().action) ? [...AUDIT_ACTIONS, filters().action] : AUDIT_ACTIONS);
  const choose = (name: keyof Filters) => (event: { currentTarget: HTMLSelectElement | HTMLInputElement }) =>
    setSearchParams({ [name]: event.currentTarget.value });

  return (
    <section class="audit-page" aria-labelledby="audit-title">
      <h1 id="audit-title">{tp('audit.title')}</h1>
      <p class="muted">{tp('audit.intro')}</p>
      <form class="filters audit-filters" role="search" aria-label={tp('audit.title')} onSubmit={(e) => e.preventDefault()}>
        <div class="filter">
          <label for="audit-action">{tp('audit.filter.action')}</label>
          <select id="audit-action" name="action" value={filters().action} onChange={choose('action')}>
            <option value="">{tp('audit.filter.any')}</option>
            <For each={actions()}>
              {(action) => (
                <option value={action} selected={action === filters().action}>
                  {actionName(action)}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="filter">
          <label for="audit-actor">{tp('audit.filter.actor')}</label>
          <select id="audit-actor" name="actor" value={filters().actor} onChange={choose('actor')}>
            <option value="">{tp('audit.filter.anyone')}</option>
            <For each={people() ?? []}>
              {(person) => (
                <option value={`id:${person.id}`} selected={`id:${person.id}` === filters().actor}>
                  {person.name} ({person.email})
                </option>
              )}
            </For>
            <For each={OTHER_KINDS}>
              {(kind) => (
                <option value={`kind:${kind}`} selected={`kind:${kind}` === filters().actor}>
                  {kindName(kind)}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="filter">
          <label for="audit-target">{tp('audit.filter.target')}</label>
          <select id="audit-target" name="target" value={filters().target} onChange={choose('target')}>
            <option value="">{tp('audit.filter.any')}</option>
            <For each={AUDIT_TARGET_TYPES}>
              {(type) => (
                <option value={type} selected={type === filters().target}>
                  {targetTypeName(type)}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="filter">
          <label for="audit-from">{tp('audit.filter.from')}</label>
          <input id="audit-from" name="from" type="date" value={filters().from} aria-invalid={backwards() || undefined} onChange={choose('from')} />
        </div>
        <div class="filter">
          <label for="audit-to">{tp('audit.filter.to')}</label>
          <input id="audit-to" name="to" type="date" value={filters().to} onChange={choose('to')} />
        </div>
        <Show when={filtered()}>
          <div class="filter audit-clear">
            <button type="button" onClick={() => setSearchParams({ action: '', actor: '', target: '', from: '', to: '' })}>
              {tp('audit.filter.clear')}
            </button>
          </div>
        </Show>
      </form>
      <FormError error={backwards() ? tp('audit.fromAfterTo') : failure()} />

      <Show
        when={rows().length > 0}
        fallback={<p class="muted audit-empty">{loading() ? tp('audit.loading') : filtered() ? tp('audit.emptyFiltered') : tp('audit.empty')}</p>}
      >
        <div class="table-wrap">
          <table class="table audit-table">
            <thead>
              <tr>
                <th scope="col">{tp('audit.col.time')}</th>
                <th scope="col">{tp('audit.col.who')}</th>
                <th scope="col">{tp('audit.col.action')}</th>
                <th scope="col">{tp('audit.col.thing')}</th>
                <th scope="col">{tp('audit.col.address')}</th>
                <th scope="col">{tp('audit.col.details')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>{(entry) => <EntryRow entry={entry} />}</For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={cursor()}>
        {(next) => (
          <button type="button" class="audit-more" disabled={loading()} onClick={() => void read(next())}>
            {loading() ? tp('audit.loading') : tp('audit.more')}
          </button>
        )}
      </Show>
    </section>
  );
}

function EntryRow(props: { entry: AuditEntry }) {
  const e = () => props.entry;
  const details = () => detailsOf(e().details);
  return (
    <tr data-entry-id={e().id} data-action={e().action}>
      <td>
        <time datetime={e().at}>{formatDateTime(e().at)}</time>
      </td>
      <td data-label={tp('audit.col.who')} class="audit-who">
        <span class="audit-actor">{e().actor.name}</span> <span class="audit-kind">{kindName(e().actor.kind)}</span>
      </td>
      <td data-label={tp('audit.col.action')} class="audit-action" title={e().action}>
        {actionName(e().action)}
      </td>
      <td data-label={tp('audit.col.thing')} class="audit-thing">
        <Show when={e().target} fallback={<span class="muted">—</span>}>
          {(target) => (
            <>
              <span class="muted">{targetTypeName(target().type)}</span> {target().name ?? target().id ?? ''}
            </>
          )}
        </Show>
      </td>
      <td data-label={tp('audit.col.address')}>
        <code>{e().address}</code>
      </td>
      <td data-label={tp('audit.col.details')} class="audit-details">
        {details() || <span class="muted">—</span>}
      </td>
    </tr>
  );
}
