/** What the tab's icon says: something DOWN, something DEGRADED, all checked ones UP, or nothing known yet. */
export type TabLevel = 'down' | 'degraded' | 'up' | 'unknown';

/** The dashboard's status colours (--down, --degraded, --up); unknown keeps the brand blue of web/public/favicon.svg. */
export const FAVICON_COLOURS: Record<TabLevel, string> = {
  down: '#dc2626',
  degraded: '#d97706',
  up: '#15803d',
  unknown: '#2563eb',
};

/** Vigil's icon (web/public/favicon.svg: a pulse in a disc) in the colour of `level`, as a data URL. */
export function faviconUrl(level: TabLevel): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="${FAVICON_COLOURS[level]}"/>` +
    '<path d="M5 17h5l3-7 5 13 3-6h6" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>';
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** Points the page's icon at `href` (the <link rel="icon"> of index.html, or a new one). */
export function setFavicon(href: string) {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.append(link);
  }
  link.type = 'image/svg+xml';
  if (link.href !== href) link.href = href;
}
