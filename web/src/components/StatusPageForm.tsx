import { For, Show, createMemo } from 'solid-js';
import {
  STATUS_PAGE_LIMITS as LIMITS,
  type StatusPage,
  type StatusPageDefinition,
  type StatusPageLanguage,
  type StatusPageSubscriptions,
  type StatusPageVisibility,
} from '../../../server/contract/status-pages.ts';
import { type ProblemDetails, SECRET_MARKER } from '../../../server/contract/types.ts';
import { describeStatusPageError, type StatusPageMessageKey, tsp } from '../i18n/status-page-messages.ts';
import { useLiveData } from '../lib/page-data.ts';
import { useResourceForm } from '../lib/resource-form.ts';
import { navigate } from '../lib/router.ts';
import { statusPagesApi } from '../services/status-pages-api.ts';
import { allTags, endpoints, loadEndpoints } from '../stores/endpoints.store.ts';
import { addToast } from '../stores/toast.store.ts';
import { EndpointChecklist, toggled } from './EndpointScopePicker.tsx';
import { Field, FieldError, FormError, controlProps } from './Field.tsx';
import { FormActions, FormFrame } from './FormFrame.tsx';
import { PillChoice } from './PillChoice.tsx';

/** One section as typed: its endpoints or its tag (each kept while the other is shown). */
interface SectionDraft {
  name: string;
  kind: 'endpoints' | 'tag';
  endpointIds: string[];
  tag: string;
  /** The endpoint picker's search text. */
  search: string;
}

type LanguageChoice = 'browser' | StatusPageLanguage;

interface FormValues {
  title: string;
  slug: string;
  /** The slug was typed (or stored): the title no longer suggests it. */
  slugTyped: boolean;
  description: string;
  logoUrl: string;
  sections: SectionDraft[];
  visibility: StatusPageVisibility;
  password: string;
  customDomain: string;
  footer: string;
  showResponseTimes: boolean;
  defaultLanguage: LanguageChoice;
  subscriptions: StatusPageSubscriptions;
}

const newSection = (): SectionDraft => ({ name: '', kind: 'endpoints', endpointIds: [], tag: '', search: '' });

const DEFAULTS = (): FormValues => ({
  title: '',
  slug: '',
  slugTyped: false,
  description: '',
  logoUrl: '',
  sections: [newSection()],
  visibility: 'public',
  password: '',
  customDomain: '',
  footer: '',
  showResponseTimes: false,
  defaultLanguage: 'browser',
  subscriptions: { email: false, webhook: false },
});

/** A stored page as the form shows it: a stored password as an empty field (kept unless typed over). */
function valuesOf(p: StatusPage): FormValues {
  return {
    title: p.title,
    slug: p.slug,
    slugTyped: true,
    description: p.description ?? '',
    logoUrl: p.logoUrl ?? '',
    sections: p.sections.map((s) => ({
      name: s.name,
      kind: s.tag === null ? 'endpoints' : 'tag',
      endpointIds: [...s.endpointIds],
      tag: s.tag ?? '',
      search: '',
    })),
    visibility: p.visibility,
    password: '',
    customDomain: p.customDomain ?? '',
    footer: p.footer ?? '',
    showResponseTimes: p.showResponseTimes,
    defaultLanguage: p.defaultLanguage ?? 'browser',
    // (A server from before subscriptions sends none: both off.)
    subscriptions: { email: p.subscriptions?.email ?? false, webhook: p.subscriptions?.webhook ?? false },
  };
}

/**
 * The address a title suggests: "Acme — Payments (EU)" → acme-payments-eu. Letters without a
 * Latin form (a Korean title) suggest nothing.
 */
export function slugOf(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.slugLength.max)
    .replace(/-+$/, '');
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;

function isImageUrl(text: string): boolean {
  if (text.startsWith('data:')) return DATA_IMAGE.test(text);
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The ways of subscribing the form offers, in its order (RSS/Atom is always on). */
const SUBSCRIPTION_KINDS = ['email', 'webhook'] as const satisfies readonly (keyof StatusPageSubscriptions)[];

/** The form's name of a section's field: sections-2-name, sections-2-endpointIds, sections-2-tag. */
const sectionField = (index: number, part: 'name' | 'endpointIds' | 'tag' | 'kind') => `sections-${index}-${part}`;

/**
 * Client-side checks with the API's limits; returns the definition, or the errors by field.
 * `kept`: a password is stored (an empty field keeps it).
 */
function toDefinition(v: FormValues, kept: boolean, exists: (id: string) => boolean): { definition?: StatusPageDefinition; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const err = (field: string, key: StatusPageMessageKey, params?: Record<string, string | number>) => {
    errors[field] ??= tsp(key, params);
  };
  const title = v.title.trim();
  if (!title) err('title', 'sp.err.required');
  const slug = v.slug.trim();
  const { min, max } = LIMITS.slugLength;
  if (!slug) err('slug', 'sp.err.required');
  else if (!SLUG.test(slug) || slug.length < min || slug.length > max) err('slug', 'sp.err.slug', { min, max });
  const logoUrl = v.logoUrl.trim();
  if (logoUrl && !isImageUrl(logoUrl)) err('logoUrl', 'sp.err.url');
  const sections = v.sections.map((s, i) => {
    const name = s.name.trim();
    // Endpoints deleted since the page was saved go with this save.
    const endpointIds = s.endpointIds.filter(exists);
    if (!name) err(sectionField(i, 'name'), 'sp.err.required');
    if (s.kind === 'tag' && !s.tag) err(sectionField(i, 'tag'), 'sp.err.tag');
    if (s.kind === 'endpoints' && endpointIds.length === 0) err(sectionField(i, 'endpointIds'), 'sp.err.sectionEndpoints');
    return s.kind === 'tag' ? { name, endpointIds: [], tag: s.tag } : { name, endpointIds, tag: null };
  });
  const shown = sections.reduce((sum, s) => sum + s.endpointIds.length, 0);
  if (shown > LIMITS.endpoints) err('sections', 'sp.err.tooManyEndpoints', { max: LIMITS.endpoints });
  let password: string | null = null;
  if (v.visibility === 'password') {
    const typed = v.password;
    const { min: pMin, max: pMax } = LIMITS.passwordLength;
    if (typed === '') {
      if (kept) password = SECRET_MARKER;
      else err('password', 'sp.err.passwordRequired');
    } else if (typed.length < pMin || typed.length > pMax) err('password', 'sp.err.password', { min: pMin, max: pMax });
    else password = typed;
  }
  const customDomain = v.customDomain.trim().toLowerCase().replace(/\.$/, '');
  if (customDomain && !DOMAIN.test(customDomain)) err('customDomain', 'sp.err.domain');
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    definition: {
      slug,
      title,
      description: v.description.trim() || null,
      logoUrl: logoUrl || null,
      sections,
      visibility: v.visibility,
      password,
      customDomain: customDomain || null,
      footer: v.footer.trim() || null,
      showResponseTimes: v.showResponseTimes,
      defaultLanguage: v.defaultLanguage === 'browser' ? null : v.defaultLanguage,
      subscriptions: { email: v.subscriptions.email, webhook: v.subscriptions.webhook },
    },
  };
}

/**
 * The API's field errors by the form's field: "sections.1.endpointIds.0" → sections-1-endpointIds,
 * "sections.1.name" → sections-1-name, "sections.1" → sections-1-name; "subscriptions.email" →
 * subscriptions-email (e.g. smtp_not_configured), "subscriptions" → subscriptions; one without a field
 * ("") → "_"; a taken slug or domain (409 slug_taken, domain_taken) at its field.
 */
export function fieldErrorsOf(problem: ProblemDetails | null): Record<string, string> {
  const out: Record<string, string> = {};
  // A taken address or domain is a conflict (409), said at its field.
  if (problem?.code === 'slug_taken') out.slug = tsp('sp.err.slugTaken');
  if (problem?.code === 'domain_taken') out.customDomain = tsp('sp.err.domainTaken');
  for (const e of problem?.errors ?? []) {
    const [head = '', index, part] = String(e.path).split(/[.[\]]+/);
    let field = head || '_';
    if (head === 'sections' && index !== undefined && /^\d+$/.test(index)) {
      // A section's own error (its endpoints in all, its kind) shows at its name.
      field = sectionField(Number(index), part === 'endpointIds' || part === 'tag' ? part : 'name');
    }
    if (head === 'subscriptions') field = index === 'email' || index === 'webhook' ? `subscriptions-${index}` : 'subscriptions';
    out[field] ??= describeStatusPageError({ ...e, code: e.code ?? '' });
  }
  return out;
}

const LANGUAGE_KEYS: Record<LanguageChoice, StatusPageMessageKey> = { browser: 'sp.form.lang.browser', en: 'sp.form.lang.en', ko: 'sp.form.lang.ko' };

/**
 * Adds a status page, or edits one when given its id: the address suggested from the title until
 * typed, sections of chosen endpoints or of a tag (added, removed, moved), who can see it (the
 * password write-only: on edit a stored one stays unless typed over). The API's field errors
 * appear beside the fields.
 */
export function StatusPageForm(props: { id?: string }) {
  const { values, setValues, errors, formError, saving, loaded, original, save } = useResourceForm({
    id: () => props.id,
    load: (id) => statusPagesApi.get(id),
    notFoundText: () => tsp('sp.notFound'),
    valuesOf,
    defaults: DEFAULTS,
    formSelector: '.sp-form',
  });
  useLiveData({ load: loadEndpoints });

  /** Whether an endpoint still exists, as far as the dashboard knows (every one until the list is read). */
  const exists = (id: string) => !endpoints.loaded || id in endpoints.byId;

  /** A password is stored: an empty field keeps it. */
  const kept = () => original()?.password === SECRET_MARKER;

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void save({
      checked: toDefinition(values, kept(), exists),
      failed: () => tsp('sp.form.failed'),
      send: (definition: StatusPageDefinition) => (props.id ? statusPagesApi.update(props.id, definition) : statusPagesApi.create(definition)),
      done: (saved) => {
        addToast('success', tsp(props.id ? 'sp.toast.saved' : 'sp.toast.created', { title: saved.title }));
        navigate('/status-pages');
      },
      fieldErrorsOf,
    });
  };

  const setTitle = (title: string) => {
    setValues('title', title);
    if (!values.slugTyped) setValues('slug', slugOf(title));
  };

  const moveSection = (from: number, to: number) =>
    setValues('sections', (list) => {
      const next = [...list];
      const [moved] = next.splice(from, 1);
      next.splice(to, 0, moved!);
      return next;
    });

  /** How many endpoints carry each tag now (a tag section's hint). */
  const tagCounts = createMemo(() => {
    const counts = new Map<string, number>();
    for (const id of endpoints.ids) for (const tag of endpoints.byId[id]?.tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return counts;
  });

  const text = (
    name: 'title' | 'slug' | 'logoUrl' | 'customDomain',
    label: string,
    opts: { hint?: () => string; maxLength: number; type?: string; spellcheck?: boolean; onInput?: (text: string) => void; autocomplete?: string },
  ) => (
    <Field name={name} label={label} hint={opts.hint?.()} error={errors()[name]}>
      <input
        {...controlProps(name, errors()[name], Boolean(opts.hint))}
        type={opts.type ?? 'text'}
        spellcheck={opts.spellcheck}
        autocomplete={opts.autocomplete}
        maxLength={opts.maxLength}
        value={values[name]}
        onInput={(e) => (opts.onInput ?? ((text: string) => setValues(name, text)))(e.currentTarget.value)}
      />
    </Field>
  );

  const area = (name: 'description' | 'footer', label: string, hint: string, maxLength: number) => (
    <Field name={name} label={label} hint={hint} error={errors()[name]}>
      <textarea
        {...controlProps(name, errors()[name], true)}
        rows={2}
        maxLength={maxLength}
        value={values[name]}
        onInput={(e) => setValues(name, e.currentTarget.value)}
      />
    </Field>
  );

  return (
    <FormFrame
      class="sp-form-page"
      backHref="/status-pages"
      backLabel={tsp('sp.back')}
      title={props.id ? tsp('sp.form.editTitle', { title: original()?.title ?? '' }) : tsp('sp.form.newTitle')}
      loaded={loaded()}
      formError={formError()}
    >
      <form class="form sp-form" onSubmit={submit} novalidate>
        <FormError error={formError()} />
        {text('title', tsp('sp.form.title'), { hint: () => tsp('sp.form.title.hint'), maxLength: LIMITS.titleLength, onInput: setTitle })}
        {text('slug', tsp('sp.form.slug'), {
          hint: () => tsp('sp.form.slug.hint', { path: `/status/${values.slug.trim() || '…'}` }),
          maxLength: LIMITS.slugLength.max,
          spellcheck: false,
          autocomplete: 'off',
          onInput: (slug) => {
            setValues('slug', slug);
            // Emptied: the title suggests it again.
            setValues('slugTyped', slug !== '');
          },
        })}
        {area('description', tsp('sp.form.description'), tsp('sp.form.description.hint'), LIMITS.descriptionLength)}
        {text('logoUrl', tsp('sp.form.logoUrl'), { hint: () => tsp('sp.form.logoUrl.hint'), maxLength: 90_000, type: 'url', spellcheck: false })}

        <fieldset class="sp-sections" data-field="sections" data-invalid={errors().sections ? 'true' : undefined} aria-describedby="f-sections-hint">
          <legend>{tsp('sp.form.sections')}</legend>
          <small id="f-sections-hint" class="muted">
            {tsp('sp.form.sections.hint')}
          </small>
          <FieldError id="f-sections-error" error={errors().sections} />
          <ol class="sp-section-list">
            <For each={values.sections} fallback={<li class="muted sp-sections-none">{tsp('sp.form.sections.none')}</li>}>
              {(section, index) => {
                const n = () => index() + 1;
                const field = (part: 'name' | 'endpointIds' | 'tag' | 'kind') => sectionField(index(), part);
                const tagChoices = () => [...new Set([...allTags(), ...(section.tag ? [section.tag] : [])])].sort();
                const gone = () => section.endpointIds.filter((id) => !exists(id)).length;
                return (
                  <li class="sp-section" data-section={index()}>
                    <fieldset class="sp-section-box">
                      <legend class="sp-section-title">{tsp('sp.form.section', { n: n() })}</legend>
                      <div class="sp-section-tools">
                        <button
                          type="button"
                          class="sp-move"
                          disabled={index() === 0}
                          aria-label={tsp('sp.form.section.upLabel', { n: n() })}
                          title={tsp('sp.form.section.up')}
                          onClick={() => moveSection(index(), index() - 1)}
                        >
                          <span aria-hidden="true">↑</span>
                        </button>
                        <button
                          type="button"
                          class="sp-move"
                          disabled={index() === values.sections.length - 1}
                          aria-label={tsp('sp.form.section.downLabel', { n: n() })}
                          title={tsp('sp.form.section.down')}
                          onClick={() => moveSection(index(), index() + 1)}
                        >
                          <span aria-hidden="true">↓</span>
                        </button>
                        <button
                          type="button"
                          class="danger sp-remove"
                          aria-label={tsp('sp.form.section.removeLabel', { n: n() })}
                          onClick={() => setValues('sections', (list) => list.filter((_, i) => i !== index()))}
                        >
                          {tsp('sp.form.section.remove')}
                        </button>
                      </div>
                      <Field name={field('name')} label={tsp('sp.form.section.name')} error={errors()[field('name')]}>
                        <input
                          {...controlProps(field('name'), errors()[field('name')])}
                          type="text"
                          maxLength={LIMITS.sectionNameLength}
                          placeholder={tsp('sp.form.section.name.placeholder')}
                          value={section.name}
                          onInput={(e) => setValues('sections', index(), 'name', e.currentTarget.value)}
                        />
                      </Field>
                      <PillChoice
                        name={field('kind')}
                        legend={tsp('sp.form.section.kind')}
                        options={[
                          { value: 'endpoints', label: tsp('sp.form.section.kind.endpoints') },
                          { value: 'tag', label: tsp('sp.form.section.kind.tag') },
                        ]}
                        value={section.kind}
                        onChange={(kind) => setValues('sections', index(), 'kind', kind)}
                      />
                      <Show
                        when={section.kind === 'tag'}
                        fallback={
                          <EndpointChecklist
                            name={field('endpointIds')}
                            endpointIds={section.endpointIds}
                            search={section.search}
                            onSearch={(text) => setValues('sections', index(), 'search', text)}
                            onToggle={(id, on) => setValues('sections', index(), 'endpointIds', (ids) => toggled(ids, id, on))}
                            error={errors()[field('endpointIds')]}
                            note={gone() > 0 ? tsp('sp.form.section.deleted', { count: gone() }) : undefined}
                          />
                        }
                      >
                        <Field
                          name={field('tag')}
                          label={tsp('sp.form.section.tag')}
                          hint={
                            section.tag
                              ? `${tsp('sp.form.section.tag.hint')} · ${tsp('sp.form.section.tag.count', { count: tagCounts().get(section.tag) ?? 0 })}`
                              : tsp('sp.form.section.tag.hint')
                          }
                          error={errors()[field('tag')]}
                        >
                          <select
                            {...controlProps(field('tag'), errors()[field('tag')], true)}
                            value={section.tag}
                            onChange={(e) => setValues('sections', index(), 'tag', e.currentTarget.value)}
                          >
                            <option value="">{tsp('sp.form.section.tag.choose')}</option>
                            <For each={tagChoices()}>
                              {(tag) => (
                                <option value={tag} selected={tag === section.tag}>
                                  {tag}
                                </option>
                              )}
                            </For>
                          </select>
                        </Field>
                      </Show>
                    </fieldset>
                  </li>
                );
              }}
            </For>
          </ol>
          <Show
            when={values.sections.length < LIMITS.sections}
            fallback={<small class="muted">{tsp('sp.form.sections.full', { max: LIMITS.sections })}</small>}
          >
            <button
              type="button"
              class="sp-add-section"
              onClick={() => {
                setValues('sections', (list) => [...list, newSection()]);
                queueMicrotask(() => document.getElementById(`f-${sectionField(values.sections.length - 1, 'name')}`)?.focus());
              }}
            >
              + {tsp('sp.form.section.add')}
            </button>
          </Show>
        </fieldset>

        <PillChoice
          name="visibility"
          legend={tsp('sp.form.visibility')}
          options={[
            { value: 'public', label: tsp('sp.visibility.publicLabel') },
            {
              value: 'password',
              label: (
                <>
                  <span aria-hidden="true">🔒 </span>
                  {tsp('sp.visibility.passwordLabel')}
                </>
              ),
            },
          ]}
          value={values.visibility}
          onChange={(visibility) => setValues('visibility', visibility)}
        />
        <Show when={values.visibility === 'password'}>
          <Field
            name="password"
            label={tsp('sp.form.password')}
            hint={kept() ? tsp('sp.form.password.kept') : tsp('sp.form.password.hint', { min: LIMITS.passwordLength.min })}
            error={errors().password}
          >
            <input
              {...controlProps('password', errors().password, true)}
              type="password"
              autocomplete="new-password"
              maxLength={LIMITS.passwordLength.max}
              placeholder={kept() ? tsp('sp.form.password.placeholder') : undefined}
              data-secret-kept={kept() ? 'true' : undefined}
              value={values.password}
              onInput={(e) => setValues('password', e.currentTarget.value)}
            />
          </Field>
        </Show>
        {text('customDomain', tsp('sp.form.customDomain'), {
          hint: () => tsp('sp.form.customDomain.hint'),
          maxLength: LIMITS.domainLength,
          spellcheck: false,
          autocomplete: 'off',
        })}
        {area('footer', tsp('sp.form.footer'), tsp('sp.form.footer.hint'), LIMITS.footerLength)}
        <div class="field sp-switch-field" data-field="showResponseTimes">
          <label class="ntf-switch sp-switch" for="f-showResponseTimes">
            <input
              id="f-showResponseTimes"
              name="showResponseTimes"
              type="checkbox"
              role="switch"
              aria-checked={values.showResponseTimes}
              aria-describedby="f-showResponseTimes-hint"
              checked={values.showResponseTimes}
              onChange={(e) => setValues('showResponseTimes', e.currentTarget.checked)}
            />
            <span class="ntf-switch-track" aria-hidden="true" />
            <span>{tsp('sp.form.showResponseTimes')}</span>
          </label>
          <small id="f-showResponseTimes-hint" class="muted">
            {tsp('sp.form.showResponseTimes.hint')}
          </small>
        </div>
        <PillChoice
          name="defaultLanguage"
          legend={
            <>
              {tsp('sp.form.defaultLanguage')}
              <small class="muted sp-legend-hint">{tsp('sp.form.defaultLanguage.hint')}</small>
            </>
          }
          options={(['browser', 'en', 'ko'] as const).map((value) => ({ value, label: tsp(LANGUAGE_KEYS[value]) }))}
          value={values.defaultLanguage}
          onChange={(language) => setValues('defaultLanguage', language)}
        />
        <fieldset
          class="sp-subscriptions"
          data-field="subscriptions"
          data-invalid={errors().subscriptions ? 'true' : undefined}
          aria-describedby="f-subscriptions-hint"
        >
          <legend>{tsp('sp.form.subscriptions')}</legend>
          <small id="f-subscriptions-hint" class="muted">
            {tsp('sp.form.subscriptions.hint', { path: `/status/${values.slug.trim() || '…'}` })}
          </small>
          <FieldError id="f-subscriptions-error" error={errors().subscriptions} />
          <For each={SUBSCRIPTION_KINDS}>
            {(kind) => {
              const name = `subscriptions-${kind}`;
              const error = () => errors()[name];
              return (
                <div class="sp-subscription" data-field={name} data-invalid={error() ? 'true' : undefined}>
                  <label class="check" for={`f-${name}`}>
                    <input
                      id={`f-${name}`}
                      name={name}
                      type="checkbox"
                      checked={values.subscriptions[kind]}
                      aria-invalid={error() ? true : undefined}
                      aria-describedby={error() ? `f-${name}-error` : undefined}
                      onChange={(e) => setValues('subscriptions', kind, e.currentTarget.checked)}
                    />
                    <span>{tsp(kind === 'email' ? 'sp.form.subscriptions.email' : 'sp.form.subscriptions.webhook')}</span>
                  </label>
                  <FieldError id={`f-${name}-error`} error={error()} />
                </div>
              );
            }}
          </For>
        </fieldset>
        <FormActions
          saving={saving()}
          editing={Boolean(props.id)}
          cancelHref="/status-pages"
          text={{ saving: tsp('sp.form.saving'), save: tsp('sp.form.save'), create: tsp('sp.form.create'), cancel: tsp('sp.form.cancel') }}
        />
      </form>
    </FormFrame>
  );
}
