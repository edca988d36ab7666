import { createEffect, createSignal, on, onCleanup } from 'solid-js';
import { t } from '../i18n/index.ts';
import { pathname } from '../lib/router.ts';

/** The header's panel (navigation and settings) on narrow screens: closed unless asked for. */
const [menuOpen, setMenuOpen] = createSignal(false);
export { menuOpen };

/** Closes the menu; `returnFocus` puts focus back on its button (after Escape). */
export function closeMenu(returnFocus = false) {
  if (!menuOpen()) return;
  setMenuOpen(false);
  if (returnFocus) document.querySelector<HTMLButtonElement>('.menu-button')?.focus();
}

/**
 * The button that opens the header's panel on narrow screens (hidden on wide ones, where the
 * panel is always shown). `controls`: the ids of what it shows. Leaving the page or clicking
 * outside the header closes it.
 */
export function MenuButton(props: { controls: string }) {
  createEffect(on(pathname, () => setMenuOpen(false), { defer: true }));
  const outside = (event: PointerEvent) => {
    if (menuOpen() && !(event.target as Element | null)?.closest?.('.header')) setMenuOpen(false);
  };
  document.addEventListener('pointerdown', outside);
  onCleanup(() => document.removeEventListener('pointerdown', outside));
  return (
    <button
      type="button"
      class="menu-button"
      aria-expanded={menuOpen()}
      aria-controls={props.controls}
      aria-label={t('menu.label')}
      onClick={() => setMenuOpen((open) => !open)}
    >
      <span class="menu-icon" aria-hidden="true">
        {menuOpen() ? '✕' : '☰'}
      </span>
    </button>
  );
}
