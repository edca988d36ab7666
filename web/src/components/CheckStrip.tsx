import { For } from 'solid-js';
import { t } from '../i18n/index.ts';
import { formatMs, formatTime } from '../lib/format.ts';
import type { StripItem } from '../stores/endpoints.store.ts';

/** The last checks, oldest on the left; DOWN and DEGRADED differ in shape as well as colour. */
export function CheckStrip(props: { items: StripItem[] }) {
  const label = () => {
    const items = props.items;
    let up = 0;
    let degraded = 0;
    let down = 0;
    for (const item of items) {
      if (item.status === 'UP') up++;
      else if (item.status === 'DEGRADED') degraded++;
      else down++;
    }
    return t('card.strip', { count: items.length, up, degraded, down });
  };
  return (
    <div class="strip" role="img" aria-label={label()}>
      <For each={props.items}>
        {(item) => <i data-status={item.status} title={`${formatTime(item.checkedAt)} · ${item.status} · ${formatMs(item.responseTime)}`} />}
      </For>
    </div>
  );
}
