import { For, Show } from 'solid-js';
import { ENDPOINT_LIMITS as LIMITS } from '../../../server/contract/endpoint-limits.ts';
import { DNS_CODES, type AssertionComparison, type AssertionSource, type MonitorType } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
import { COMPARISONS_OF } from '../../../server/contract/assertion-rules.ts';
import { draftName, hasProperty, sourceLabelKey, targetKind, type AssertionDraft, type DraftField } from '../lib/assertion-drafts.ts';
import { Field, controlProps } from './Field.tsx';
// Its words ('form.…'), added to t() as this page loads.
import '../i18n/form-messages.ts';

const PROPERTY_PLACEHOLDERS: Partial<Record<AssertionSource, string>> = { header: 'content-type', json: '$.status' };
const TARGET_PLACEHOLDERS: Record<AssertionSource, string> = {
  status: '200',
  header: 'application/json',
  body: 'healthy',
  json: '"ok"',
  responseTime: '500',
  certificateDays: '14',
  dnsCode: 'NOERROR',
};
/** What a TCP reply or DNS records look like. */
const BODY_PLACEHOLDERS: Partial<Record<MonitorType, string>> = { tcp: '+PONG', dns: '10 mail.example.com' };
const UNIT_LABELS: Partial<Record<AssertionSource, 'form.assertion.target.ms' | 'form.assertion.target.days'>> = {
  responseTime: 'form.assertion.target.ms',
  certificateDays: 'form.assertion.target.days',
};

/**
 * The endpoint form's assertions: one row per assertion (what it looks at, how it compares, with
 * what, and what a failure makes the check), with its errors beside each control, as the other
 * fields have them. Rows are numbered as the API numbers them (`assertions.2.target`).
 */
export function AssertionsEditor(props: {
  /** The endpoint's monitor type: it names the body (a TCP reply, DNS records). */
  type: MonitorType;
  /** The sources a row may pick (a row keeps one it has, so that it can be seen and changed). */
  sources: readonly AssertionSource[];
  drafts: AssertionDraft[];
  errors: Record<string, string>;
  onChange: (index: number, patch: Partial<AssertionDraft>) => void;
  onSourceChange: (index: number, source: AssertionSource) => void;
  onComparisonChange: (index: number, comparison: AssertionComparison) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
}) {
  const full = () => props.drafts.length >= LIMITS.assertions;
  const add = () => {
    props.onAdd();
    queueMicrotask(() => document.getElementById(`f-${draftName(props.drafts.length - 1, 'source')}`)?.focus());
  };
  // Focus stays in the list: on the row that took the removed one's place, else the one before, else the add button.
  const remove = (index: number) => {
    props.onRemove(index);
    const next = Math.min(index, props.drafts.length - 1);
    queueMicrotask(() => document.getElementById(next >= 0 ? `${draftName(next)}-remove` : 'assertions-add')?.focus());
  };

  return (
    <section class="assertions" aria-labelledby="assertions-title" aria-describedby="assertions-hint" data-field="assertions">
      <h2 id="assertions-title">{t('form.assertions')}</h2>
      <small id="assertions-hint" class="muted">
        {t(props.type === 'http' ? 'form.assertions.hint' : 'form.assertions.hint.other')}
      </small>
      <Show when={props.errors.assertions}>
        <small class="field-error" role="alert">
          {props.errors.assertions}
        </small>
      </Show>
      <Show when={props.drafts.length > 0} fallback={<p class="muted assertions-none">{t('form.assertions.none')}</p>}>
        <ol class="assertion-list">
          <For each={props.drafts}>
            {(draft, index) => {
              const name = (field: DraftField) => draftName(index(), field);
              const error = (field: DraftField) => props.errors[name(field)];
              const kind = () => targetKind(draft);
              const hint = () =>
                kind() === 'json'
                  ? t('form.assertion.target.jsonHint')
                  : draft.comparison === 'matches'
                    ? t('form.assertion.target.regexHint')
                    : draft.source === 'body' && props.type === 'dns'
                      ? t('form.assertion.target.recordsHint')
                      : undefined;
              const sources = () => (props.sources.includes(draft.source) ? props.sources : [draft.source, ...props.sources]);
              const placeholder = () =>
                draft.source === 'body' ? (BODY_PLACEHOLDERS[props.type] ?? TARGET_PLACEHOLDERS.body) : TARGET_PLACEHOLDERS[draft.source];
              const unit = () => UNIT_LABELS[draft.source];
              return (
                <li class="assertion" data-index={index()}>
                  <div role="group" aria-labelledby={`${draftName(index())}-title`}>
                    <div class="assertion-head">
                      <span class="assertion-title" id={`${draftName(index())}-title`}>
                        {t('form.assertion.title', { n: index() + 1 })}
                      </span>
                      <button
                        type="button"
                        class="assertion-remove"
                        id={`${draftName(index())}-remove`}
                        aria-label={t('form.assertion.removeLabel', { n: index() + 1 })}
                        onClick={() => remove(index())}
                      >
                        <span aria-hidden="true">✕</span> {t('form.assertion.remove')}
                      </button>
                    </div>
                    <Show when={props.errors[draftName(index())]}>
                      <small class="field-error" role="alert">
                        {props.errors[draftName(index())]}
                      </small>
                    </Show>
                    <div class="assertion-fields">
                      <Field name={name('source')} label={t('form.assertion.source')} error={error('source')}>
                        <select
                          {...controlProps(name('source'), error('source'))}
                          value={draft.source}
                          onChange={(e) => props.onSourceChange(index(), e.currentTarget.value as AssertionSource)}
                        >
                          <For each={sources()}>
                            {(s) => (
                              <option value={s} selected={s === draft.source}>
                                {t(sourceLabelKey(s, props.type))}
                              </option>
                            )}
                          </For>
                        </select>
                      </Field>
                      <Show when={hasProperty(draft.source)}>
                        <Field
                          name={name('property')}
                          label={t(draft.source === 'header' ? 'form.assertion.header' : 'form.assertion.jsonPath')}
                          error={error('property')}
                        >
                          <input
                            {...controlProps(name('property'), error('property'))}
                            type="text"
                            autocomplete="off"
                            spellcheck={false}
                            maxLength={LIMITS.assertionPropertyLength}
                            placeholder={PROPERTY_PLACEHOLDERS[draft.source]}
                            value={draft.property}
                            onInput={(e) => props.onChange(index(), { property: e.currentTarget.value })}
                          />
                        </Field>
                      </Show>
                      <Field name={name('comparison')} label={t('form.assertion.comparison')} error={error('comparison')}>
                        <select
                          {...controlProps(name('comparison'), error('comparison'))}
                          value={draft.comparison}
                          onChange={(e) => props.onComparisonChange(index(), e.currentTarget.value as AssertionComparison)}
                        >
                          <For each={COMPARISONS_OF[draft.source]}>
                            {(c) => (
                              <option value={c} selected={c === draft.comparison}>
                                {t(`form.assertion.cmp.${c}`)}
                              </option>
                            )}
                          </For>
                        </select>
                      </Field>
                      <Show when={kind() === 'dnsCode'}>
                        <Field name={name('target')} label={t('form.assertion.target')} error={error('target')}>
                          <select
                            {...controlProps(name('target'), error('target'))}
                            value={draft.target}
                            onChange={(e) => props.onChange(index(), { target: e.currentTarget.value })}
                          >
                            <For each={DNS_CODES}>
                              {(code) => (
                                <option value={code} selected={code === draft.target}>
                                  {code}
                                </option>
                              )}
                            </For>
                          </select>
                        </Field>
                      </Show>
                      <Show when={kind() !== 'none' && kind() !== 'dnsCode'}>
                        <Field name={name('target')} label={unit() ? t(unit()!) : t('form.assertion.target')} hint={hint()} error={error('target')}>
                          <input
                            {...controlProps(name('target'), error('target'), !!hint())}
                            type={kind() === 'number' ? 'number' : 'text'}
                            inputmode={kind() === 'number' ? (draft.source === 'status' ? 'numeric' : 'decimal') : undefined}
                            step={kind() === 'number' ? 'any' : undefined}
                            autocomplete="off"
                            spellcheck={false}
                            maxLength={LIMITS.assertionTargetLength}
                            placeholder={placeholder()}
                            value={draft.target}
                            onInput={(e) => props.onChange(index(), { target: e.currentTarget.value })}
                          />
                        </Field>
                      </Show>
                      <Field name={name('severity')} label={t('form.assertion.severity')} error={error('severity')}>
                        <select
                          {...controlProps(name('severity'), error('severity'))}
                          value={draft.severity}
                          onChange={(e) => props.onChange(index(), { severity: e.currentTarget.value as AssertionDraft['severity'] })}
                        >
                          <option value="DOWN" selected={draft.severity === 'DOWN'}>
                            {t('status.DOWN')}
                          </option>
                          <option value="DEGRADED" selected={draft.severity === 'DEGRADED'}>
                            {t('status.DEGRADED')}
                          </option>
                        </select>
                      </Field>
                    </div>
                  </div>
                </li>
              );
            }}
          </For>
        </ol>
      </Show>
      <div class="assertions-add">
        <button type="button" id="assertions-add" onClick={add} disabled={full()} aria-describedby={full() ? 'assertions-full' : undefined}>
          <span aria-hidden="true">+</span> {t('form.assertions.add')}
        </button>
        <Show when={full()}>
          <small id="assertions-full" class="muted">
            {t('form.assertions.full', { max: LIMITS.assertions })}
          </small>
        </Show>
      </div>
    </section>
  );
}
