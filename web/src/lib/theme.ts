import { createSignal } from 'solid-js';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
/** Read before the first paint by public/theme-boot.js too: keep the two in step. */
const STORAGE_KEY = 'vigil.theme';

function savedChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    return saved === 'light' || saved === 'dark' ? saved : 'system';
  } catch {
    return 'system';
  }
}

const [choice, setChoiceSignal] = createSignal<ThemeChoice>('system');
const [systemTheme, setSystemTheme] = createSignal<Theme>('light');

/** The user's choice: follow the system, or always light or dark. */
export const themeChoice = choice;

/** The theme in effect: the choice, or the system's when the choice is "system". */
export const theme = (): Theme => {
  const c = choice();
  return c === 'system' ? systemTheme() : c;
};

/** `<html data-theme>` is what the stylesheet follows (theme-boot.js sets it first). */
function apply() {
  document.documentElement.dataset.theme = theme();
}

export function setThemeChoice(next: ThemeChoice) {
  try {
    if (next === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Storage refused (private mode): the choice still holds for this tab.
  }
  setChoiceSignal(next);
  apply();
}

/** Takes the saved choice and the system's theme, and follows the system's changes (called once, from main.tsx). */
export function startTheme() {
  const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
  setChoiceSignal(savedChoice());
  setSystemTheme(systemDark.matches ? 'dark' : 'light');
  systemDark.addEventListener('change', (event) => {
    setSystemTheme(event.matches ? 'dark' : 'light');
    apply();
  });
  apply();
}
