import { onCleanup } from 'solid-js';
import { closeMenu, menuOpen } from '../components/MenuButton.tsx';
import { can } from '../stores/session.store.ts';
import { navigate } from './router.ts';

/** Where typing goes: letters typed there are text, not shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches('input, textarea, select');
}

/** The page's search box; the endpoint list's when the page has none. */
function focusSearch() {
  const search = () => document.querySelector<HTMLInputElement>('main input[type="search"]');
  const here = search();
  if (here) {
    here.focus();
    here.select();
    return;
  }
  navigate('/endpoints');
  focusWhenShown('main input[type="search"]');
}

/** Focuses what `selector` finds once the page shows it (a page loaded on demand takes a moment). */
function focusWhenShown(selector: string, framesLeft = 120) {
  const element = document.querySelector<HTMLElement>(selector);
  if (element) element.focus();
  else if (framesLeft > 0) requestAnimationFrame(() => focusWhenShown(selector, framesLeft - 1));
}

/**
 * The keyboard shortcuts: `/` focuses search, `n` opens the new-endpoint form (for those who may
 * add one), Escape closes the menu (a modal <dialog> closes itself on Escape). Letters typed into a
 * field stay text; Escape works everywhere.
 */
export function useKeyboardShortcuts() {
  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape') {
      if (menuOpen()) {
        event.preventDefault();
        closeMenu(true);
      }
      return;
    }
    if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
    if (event.key === '/') {
      event.preventDefault();
      focusSearch();
    } else if (event.key === 'n' && can('edit')) {
      event.preventDefault();
      navigate('/endpoints/new');
      // The name: the type above it keeps HTTP unless the user picks another.
      focusWhenShown('main form input[name="name"]');
    }
  };
  document.addEventListener('keydown', onKey);
  onCleanup(() => document.removeEventListener('keydown', onKey));
}
