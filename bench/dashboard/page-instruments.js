// The dashboard bench's instruments inside the page: an init script (plain JS, run before the app's
// own scripts on every navigation), injected by bench/dashboard/page.ts after it sets
// window.__vigilBenchExpectedCards.
(() => {
  if (window.__vigilBench) return;
  // tsx compiles bench functions with esbuild's keepNames; should one ever reach the page, this keeps it working.
  if (!window.__name) window.__name = (f) => f;
  const N = window.__vigilBenchExpectedCards;
  const B = (window.__vigilBench = {
    N,
    mutations: 0,
    gridMutations: 0,
    childList: 0,
    attributes: 0,
    characterData: 0,
    addedNodes: 0,
    removedNodes: 0,
    longTasks: [],
    loafs: [],
    frames: [],
    firstRender: null,
    maxCards: 0,
    gridSeenMs: null,
    firstCardMs: null,
    lastIncomplete: null,
  });
  let grid = null;
  const cards = document.getElementsByClassName('card');
  const incomplete = () => {
    if (cards.length < N) return 'only ' + cards.length + ' .card elements';
    const ids = new Set();
    for (const card of cards) {
      const id = card.getAttribute('data-endpoint-id');
      if (!id) return 'a .card without data-endpoint-id';
      if (!card.closest('.grid')) return 'a .card outside .grid';
      ids.add(id);
      const name = card.querySelector('.card-name');
      if (!(name ? name.textContent : card.textContent).trim()) return 'a card without its name';
      const badge = card.querySelector('.badge');
      if (badge && !badge.textContent.trim()) return 'a card without its status text';
    }
    if (ids.size < N) return ids.size + ' distinct data-endpoint-id';
    return null;
  };
  // `at`: when the mutation batch (or frame) that completed the grid was seen, before verifying it.
  const check = (at) => {
    if (B.firstRender) return;
    if (!grid?.isConnected) {
      grid = document.querySelector('.grid');
      if (grid && B.gridSeenMs === null) B.gridSeenMs = performance.now();
    }
    const n = cards.length;
    if (n > B.maxCards) B.maxCards = n;
    if (n > 0 && B.firstCardMs === null) B.firstCardMs = performance.now();
    if (n < N) return;
    const why = incomplete();
    B.lastIncomplete = why;
    if (why) return;
    const fr = (B.firstRender = { domMs: at, verifiedMs: performance.now(), cards: n, paintedMs: null });
    // After the next frame's rendering work (style, layout, paint): rAF, then a task.
    requestAnimationFrame(() => setTimeout(() => (fr.paintedMs = performance.now()), 0));
  };
  new MutationObserver((records) => {
    const at = performance.now();
    B.mutations += records.length;
    if (grid && !grid.isConnected) grid = document.querySelector('.grid');
    for (const r of records) {
      B[r.type]++;
      if (r.type === 'childList') {
        B.addedNodes += r.addedNodes.length;
        B.removedNodes += r.removedNodes.length;
      }
      if (grid?.contains(r.target)) B.gridMutations++;
    }
    check(at);
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    B.longTaskError = String(e);
  }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        B.loafs.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          renderStart: e.renderStart,
          styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: (e.scripts || []).map((s) => ({
            invoker: s.invoker,
            type: s.invokerType,
            fn: s.sourceFunctionName,
            url: s.sourceURL,
            pos: s.sourceCharPosition,
            duration: s.duration,
            forcedLayout: s.forcedStyleAndLayoutDuration,
          })),
        });
        if (B.loafs.length > 5000) B.loafs.splice(0, 1000);
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch (e) {
    B.loafError = String(e);
  }
  // Socket.io event packets as the page's JavaScript receives them (the network count comes from CDP,
  // which sees frames before a busy main thread gets to them), and each check's delivery lag:
  // Date.now() at dispatch − the check's completion (timestamp + responseTime, same machine clock).
  // One check in four is sampled for the lag (plenty at hundreds a second, and cheap).
  B.wsEvents = 0;
  B.lags = [];
  let checks = 0;
  const onMessage = (e) => {
    const d = e.data;
    if (typeof d !== 'string' || d.charCodeAt(0) !== 52 || d.charCodeAt(1) !== 50) return;
    B.wsEvents++;
    if (!d.startsWith('42["check:completed"') || (checks++ & 3) !== 0) return;
    const ts = d.indexOf('"timestamp":"');
    const rt = d.indexOf('"responseTime":');
    if (ts < 0 || rt < 0 || B.lags.length >= 1000000) return;
    const completed = Date.parse(d.slice(ts + 13, d.indexOf('"', ts + 13))) + parseInt(d.slice(rt + 15, rt + 30), 10);
    if (!Number.isNaN(completed)) B.lags.push(performance.now(), Date.now() - completed);
  };
  /** Median delivery lag of the checks the page's JS received in the last `ms` (null: none). */
  B.recentLag = (ms) => {
    const since = performance.now() - ms;
    const v = [];
    for (let i = B.lags.length - 2; i >= 0 && B.lags[i] >= since; i -= 2) v.push(B.lags[i + 1]);
    if (!v.length) return null;
    v.sort((a, b) => a - b);
    return v[v.length >> 1];
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = new Proxy(NativeWebSocket, {
    construct(target, args, newTarget) {
      const ws = Reflect.construct(target, args, newTarget);
      ws.addEventListener('message', onMessage);
      return ws;
    },
  });
  const frames = B.frames;
  const loop = (t) => {
    if (frames.length < 500000) frames.push(t);
    check(performance.now());
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);

  B.mark = () => ({
    now: performance.now(),
    wsEvents: B.wsEvents,
    mutations: B.mutations,
    gridMutations: B.gridMutations,
    childList: B.childList,
    attributes: B.attributes,
    characterData: B.characterData,
    addedNodes: B.addedNodes,
    removedNodes: B.removedNodes,
  });
  B.windowStats = (from, to) => {
    const q = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : null);
    const tasks = B.longTasks
      .filter(([s, d]) => s + d > from && s < to)
      .map(([, d]) => d)
      .sort((a, b) => a - b);
    const gaps = [];
    let prev = null;
    for (const t of frames) {
      if (t < from) {
        prev = null;
        continue;
      }
      if (t > to) break;
      if (prev !== null) gaps.push(t - prev);
      prev = t;
    }
    gaps.sort((a, b) => a - b);
    const loafs = B.loafs.filter((l) => l.start + l.duration > from && l.start < to);
    const loafSorted = loafs.slice().sort((a, b) => b.duration - a.duration);
    // Where the long animation frames went: scripts (by invoker) vs style/layout/paint.
    const byInvoker = {};
    let scriptMs = 0,
      renderMs = 0,
      layoutMs = 0;
    for (const l of loafs) {
      const end = l.start + l.duration;
      if (l.renderStart) renderMs += end - l.renderStart;
      if (l.styleAndLayoutStart) layoutMs += end - l.styleAndLayoutStart;
      for (const s of l.scripts) {
        scriptMs += s.duration;
        const key =
          (s.type || '') + ' ' + (s.invoker || '') + (s.fn ? ' → ' + s.fn : '') + (s.url ? ' @' + s.url.replace(location.origin, '') + ':' + s.pos : '');
        byInvoker[key] = (byInvoker[key] || 0) + s.duration;
      }
    }
    const lags = [];
    for (let i = 0; i < B.lags.length; i += 2) if (B.lags[i] >= from && B.lags[i] <= to) lags.push(B.lags[i + 1]);
    lags.sort((a, b) => a - b);
    return {
      deliveryLagMs: { count: lags.length, p50: q(lags, 0.5), p99: q(lags, 0.99), max: lags.length ? lags[lags.length - 1] : null },
      longTasks: {
        count: tasks.length,
        maxMs: tasks.length ? tasks[tasks.length - 1] : null,
        totalMs: tasks.reduce((a, b) => a + b, 0),
        blockingMs: tasks.reduce((a, b) => a + Math.max(0, b - 50), 0),
      },
      frames: {
        count: gaps.length + 1,
        p50: q(gaps, 0.5),
        p90: q(gaps, 0.9),
        p99: q(gaps, 0.99),
        max: gaps.length ? gaps[gaps.length - 1] : null,
        over50: gaps.filter((g) => g > 50).length,
        over100: gaps.filter((g) => g > 100).length,
      },
      loaf: {
        count: loafs.length,
        maxMs: loafSorted[0] ? loafSorted[0].duration : null,
        scriptMs,
        renderPhaseMs: renderMs,
        styleAndLayoutMs: layoutMs,
        topInvokers: Object.entries(byInvoker)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, v]) => ({ invoker: k, ms: Math.round(v) })),
        longest: loafSorted.slice(0, 3),
      },
    };
  };
  B.snapshot = () => ({
    cards: document.getElementsByClassName('card').length,
    stripItems: document.querySelectorAll('.strip > *').length,
    toasts: document.querySelectorAll('[data-sonner-toast]').length,
    elements: document.getElementsByTagName('*').length,
    usedJSHeapSize: performance.memory ? performance.memory.usedJSHeapSize : null,
  });
})();
