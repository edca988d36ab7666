import { For } from 'solid-js';
import { MONITOR_TYPES, type MonitorType } from '../../../server/contract/types.ts';
import { t } from '../i18n/index.ts';
// Its words ('form.…'), added to t() as this page loads.
import '../i18n/form-messages.ts';

/**
 * What an endpoint checks, at the top of its form: one radio per monitor type (a row of pills,
 * wrapping on a phone), with a line saying what the chosen one does.
 */
export function MonitorTypeChoice(props: { value: MonitorType; onChange: (type: MonitorType) => void }) {
  return (
    <fieldset class="type-choice" data-field="type" aria-describedby="f-type-hint">
      <legend>{t('form.type')}</legend>
      <div class="type-options">
        <For each={MONITOR_TYPES}>
          {(type) => (
            <label class="type-option" data-type={type}>
              <input type="radio" name="type" id={`f-type-${type}`} value={type} checked={props.value === type} onChange={() => props.onChange(type)} />
              <span>{t(`type.${type}`)}</span>
            </label>
          )}
        </For>
      </div>
      <small id="f-type-hint" class="muted">
        {t(`form.type.hint.${props.value}`)}
      </small>
    </fieldset>
  );
}
