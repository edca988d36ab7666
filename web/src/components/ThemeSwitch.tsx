import { For } from 'solid-js';
import { t } from '../i18n/index.ts';
import { THEME_CHOICES, setThemeChoice, themeChoice, type ThemeChoice } from '../lib/theme.ts';

const ICONS: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

/** System, light or dark; remembered in this browser. */
export function ThemeSwitch() {
  return (
    <label class="theme-switch">
      <select aria-label={t('theme.label')} value={themeChoice()} onChange={(e) => setThemeChoice(e.currentTarget.value as ThemeChoice)}>
        <For each={THEME_CHOICES}>
          {(choice) => (
            <option value={choice}>
              {ICONS[choice]} {t(`theme.${choice}`)}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}
