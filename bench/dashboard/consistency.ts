/** After the flow: every endpoint paused, Vigil drained, the page caught up; then each card compared with REST. */
import { en } from '../../web/src/i18n/messages.ts';
import { assertNotAborting } from '../support/cleanup.ts';
import { progress, round } from '../support/report.ts';
import { sleep, withTimeout } from '../support/waits.ts';
import type { Dashboard } from './first-render.ts';
import type { Options } from './options.ts';
import type { RunResult } from './results.ts';
import { allEndpoints, api, inParallel } from './rest.ts';
import { scrape } from './vigil.ts';

/** Counted mismatches mean the page missed or misapplied events. */
export async function checkConsistency(
  { page, frames }: Dashboard,
  base: string,
  ids: string[],
  options: Options,
): Promise<NonNullable<RunResult['consistency']>> {
  const n = options.endpoints;
  progress(`  consistency: pausing ${n} endpoints, then comparing every card with REST`);
  await inParallel(n, options.concurrency, 'paused', async (i) => {
    await api(base, 'POST', `/api/endpoints/${ids[i]}/pause`);
  });
  const drainDeadline = Date.now() + 30_000;
  for (;;) {
    const m = await scrape(base);
    if ((m.running === 0 || Number.isNaN(m.running)) && m.pending === 0) break;
    if (Date.now() > drainDeadline) {
      progress('  (Vigil did not drain within 30 s; comparing anyway)');
      break;
    }
    await sleep(200);
  }
  // The page may be seconds behind: wait until its JavaScript has had every frame the socket
  // received and nothing new came for 2 s, then two animation frames for the last batch.
  const drainedAt = Date.now();
  let lastTotal = -1;
  let quietSince = Date.now();
  let caughtUp = false;
  while (Date.now() - drainedAt < 180_000) {
    assertNotAborting();
    const inPage = (await withTimeout(page.evaluate('window.__vigilBench.wsEvents'), 60_000, 'the page event count')) as number;
    if (frames.total !== lastTotal) {
      lastTotal = frames.total;
      quietSince = Date.now();
    }
    if (inPage >= frames.total && Date.now() - quietSince >= 2_000) {
      caughtUp = true;
      break;
    }
    await sleep(250);
  }
  await withTimeout(page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null))))'), 30_000, 'two frames');
  const catchUpSeconds = round((Date.now() - drainedAt) / 1000);
  if (!caughtUp) progress('  (the page was still receiving events 180 s after Vigil drained; comparing anyway)');
  const rest = await allEndpoints(base);
  const cards = (await withTimeout(
    page.evaluate(`Array.from(document.querySelectorAll('.card[data-endpoint-id]')).map((c) => {
      const strip = c.querySelectorAll('.strip > *');
      const last = strip.length ? strip[strip.length - 1] : null;
      const time = c.querySelector('time.card-time, time');
      const badge = c.querySelector('.badge');
      return { id: c.getAttribute('data-endpoint-id'), status: c.getAttribute('data-status'), badge: badge ? badge.textContent.trim() : null,
        datetime: time ? time.getAttribute('datetime') : null, lastStrip: last ? last.getAttribute('data-status') : null, stripLength: strip.length };
    })`),
    30_000,
    'reading the cards',
  )) as { id: string; status: string | null; badge: string | null; datetime: string | null; lastStrip: string | null; stripLength: number }[];
  const countsHeader = (await page
    .evaluate(`Object.fromEntries(Array.from(document.querySelectorAll('[data-count]')).map((e) => [e.getAttribute('data-count'), e.textContent.trim()]))`)
    .catch(() => null)) as Record<string, string> | null;
  const byId = new Map(rest.map((e) => [e.id, e]));
  let timeMismatches = 0;
  let stripMismatches = 0;
  let statusTextMismatches = 0;
  const examples: unknown[] = [];
  for (const card of cards) {
    const e = byId.get(card.id);
    if (!e) continue;
    const timeOk = (card.datetime ?? null) === (e.lastCheckedAt ?? null);
    const stripOk = card.lastStrip === null || card.lastStrip === e.status;
    const expected = e.paused ? 'PAUSED' : e.status;
    // The card's data-status (its colour and icon) and the word its badge says.
    const statusOk = card.status === expected && card.badge === en[`status.${expected}` as keyof typeof en];
    if (!timeOk) timeMismatches++;
    if (!stripOk) stripMismatches++;
    if (!statusOk) statusTextMismatches++;
    if ((!timeOk || !stripOk || !statusOk) && examples.length < 5) examples.push({ card, rest: e });
  }
  const consistency = { checked: cards.length, caughtUp, catchUpSeconds, timeMismatches, stripMismatches, statusTextMismatches, examples, countsHeader };
  progress(
    `  consistency (page caught up ${catchUpSeconds} s after Vigil drained${caughtUp ? '' : ', NOT all events taken'}): ${cards.length} cards; last-check time differs on ${timeMismatches}, newest strip square on ${stripMismatches}, ` +
      `status on ${statusTextMismatches}; counts header ${JSON.stringify(countsHeader)}`,
  );
  return consistency;
}
