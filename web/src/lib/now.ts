import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';

/** The time, ticking every `everyMs` while `ticking()` is true (an open incident's growing duration). */
export function useNow(ticking: () => boolean, everyMs = 1000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    if (!ticking()) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    onCleanup(() => clearInterval(timer));
  });
  return now;
}
