import { createSignal } from 'solid-js';

/**
 * A tiny history router: real URLs, back/forward and reload all work. Same-origin <a href> clicks
 * are taken over by one document listener, so pages use plain anchors.
 */
const [current, setCurrent] = createSignal(new URL(window.location.href));

export const pathname = () => current().pathname;
export const searchParams = () => current().searchParams;

export function navigate(to: string, options: { replace?: boolean } = {}) {
  const url = new URL(to, window.location.href);
  if (url.href === window.location.href) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  setCurrent(url);
  if (!options.replace) window.scrollTo(0, 0);
}

/** Replaces query parameters (empty values removed) without a new history entry. */
export function setSearchParams(values: Record<string, string | undefined>) {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(values)) {
    if (value) url.searchParams.set(key, value);
    else url.searchParams.delete(key);
  }
  navigate(url.pathname + url.search, { replace: true });
}

/** Follows back/forward and takes over same-origin link clicks (called once, from main.tsx). */
export function startRouter() {
  setCurrent(new URL(window.location.href));
  window.addEventListener('popstate', () => setCurrent(new URL(window.location.href)));
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.dataset.external !== undefined) return;
    const url = new URL(anchor.href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
}

/** Matches `/endpoints/:id` style patterns; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (have.length === 1) have.push('');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) {
      if (!h) return null;
      params[w.slice(1)] = decodeURIComponent(h);
    } else if (w !== h) return null;
  }
  return params;
}
