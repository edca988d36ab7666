import { createEffect } from 'solid-js';
import { locale, t } from '../i18n/index.ts';
import { formatMs, formatTime } from '../lib/format.ts';
import { stripItems, type StripItem } from '../stores/endpoints.store.ts';

/**
 * The last checks, oldest on the left; DOWN and DEGRADED differ in shape as well as colour, and
 * those made in a maintenance window take its colour.
 * Drawn by hand rather than with <For>: a check appends one square and drops the oldest, and
 * 40,000 squares with a reactive binding each cost more than the page can spare under load.
 */
export function CheckStrip(props: { endpointId: string }) {
  let host!: HTMLDivElement;
  let drawn: StripItem[] = [];
  let drawnLocale = locale();

  const square = (item: StripItem) => {
    const el = document.createElement('i');
    el.dataset.status = item.status;
    let title = `${formatTime(item.checkedAt)} · ${item.status} · ${formatMs(item.responseTime)}`;
    // In a maintenance window: drawn in the maintenance colour (uptime leaves it out).
    if (item.maintenance) {
      el.dataset.maintenance = '';
      title += ` · ${t('status.MAINTENANCE')}`;
    }
    el.title = title;
    return el;
  };

  const label = (items: readonly StripItem[]) => {
    let up = 0;
    let degraded = 0;
    let down = 0;
    let maintenance = 0;
    for (const item of items) {
      if (item.maintenance) maintenance++;
      if (item.status === 'UP') up++;
      else if (item.status === 'DEGRADED') degraded++;
      else down++;
    }
    const text = t('card.strip', { count: items.length, up, degraded, down });
    return maintenance ? text + t('card.strip.maintenance', { count: maintenance }) : text;
  };

  createEffect(() => {
    const items = stripItems(props.endpointId);
    // 0. A language switch redraws every square (their titles are translated text).
    if (locale() !== drawnLocale) {
      drawnLocale = locale();
      host.replaceChildren();
      drawn = [];
    }
    // 1. Drop squares from the left whose check is no longer in the strip.
    while (drawn.length && !items.includes(drawn[0]!)) {
      drawn.shift();
      host.firstElementChild?.remove();
    }
    // 2. Anything left that is not a prefix of the strip (a resync replaced it): start over.
    if (drawn.some((item, i) => items[i] !== item)) {
      host.replaceChildren();
      drawn = [];
    }
    // 3. Append the new checks.
    for (let i = drawn.length; i < items.length; i++) {
      host.append(square(items[i]!));
      drawn.push(items[i]!);
    }
    const text = label(items);
    if (host.getAttribute('aria-label') !== text) host.setAttribute('aria-label', text);
  });

  return <div class="strip" role="img" ref={host} />;
}
