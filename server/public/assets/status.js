// Vigil public status page: live updates over Server-Sent Events, local times, the language cookie.
// Plain ES2020, no dependencies; the page is complete without it. Data is only ever set as textContent.
(() => {
  const body = document.body;
  const base = body.dataset.base || '';
  const lang = document.documentElement.lang || 'en';
  let W = {};
  try {
    W = JSON.parse(body.dataset.words || '{}');
  } catch {}
  const word = (group, key) => W[group]?.[key] || key;
  const $ = (sel) => document.querySelector(sel);

  const dateFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const secFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
  const localTimes = (root) => {
    for (const t of root.tagName === 'TIME' ? [root] : root.querySelectorAll('time[datetime]')) {
      const d = new Date(t.dateTime);
      if (!Number.isNaN(d.getTime())) t.textContent = (t.parentElement?.id === 'updated' ? secFmt : dateFmt).format(d);
    }
  };

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const time = (iso) => {
    const t = el('time', '', iso);
    t.dateTime = iso;
    localTimes(t);
    return t;
  };
  // A paragraph of text, its line breaks kept.
  const lines = (text) => {
    const p = el('p');
    for (const line of `${text}`.trim().split(/\r\n|\r|\n/)) {
      if (p.firstChild) p.append(el('br'));
      p.append(line);
    }
    return p;
  };
  const heading = (tagClass, tagText, name) => {
    const h = el('h3');
    h.append(el('span', `tag ${tagClass}`, tagText), ` ${name}`);
    return h;
  };

  const incident = (inc) => {
    const latest = inc.updates[0];
    const a = el('article', 'inc');
    a.append(heading(`t-${latest ? latest.state : 'investigating'}`, latest ? word('update', latest.state) : W.ongoing, inc.endpointName));
    const meta = el('p', 'meta', `${W.started} `);
    meta.append(time(inc.startedAt));
    a.append(meta);
    if (inc.updates.length) {
      const ol = el('ol', 'upd');
      for (const u of inc.updates) {
        const li = el('li');
        li.append(el('b', `u u-${u.state}`, word('update', u.state)), ' ', time(u.createdAt), lines(u.message));
        ol.append(li);
      }
      a.append(ol);
    }
    return a;
  };

  const maintenance = (m) => {
    const a = el('article', 'mnt');
    a.append(heading(m.active ? 't-on' : 't-next', m.active ? W.inProgress : W.scheduled, m.name));
    const when = el('p', 'meta');
    when.append(time(m.startsAt), ' – ', time(m.endsAt));
    a.append(when);
    if (m.description) a.append(lines(m.description));
    if (m.endpointNames.length) a.append(el('p', 'meta', `${W.affects}: ${m.endpointNames.join(', ')}`));
    return a;
  };

  const drawn = {};
  /** The open incidents as last shown (the first state says what the server rendered). */
  let shownIncidents = [];
  const redraw = (id, title, items, render) => {
    const key = JSON.stringify(items);
    const box = document.getElementById(id);
    if (!box || drawn[id] === key) return;
    drawn[id] = key;
    box.replaceChildren(...(items.length ? [el('h2', '', title), ...items.map(render)] : []));
  };

  const apply = (s) => {
    const banner = $('[data-overall]');
    if (banner && s.overall) {
      banner.dataset.overall = s.overall;
      banner.className = `banner o-${s.overall}`;
      banner.querySelector('.bt').textContent = word('overall', s.overall);
    }
    for (const row of document.querySelectorAll('[data-endpoint-id]')) {
      const st = s.statuses?.[row.dataset.endpointId];
      const e = row.querySelector('[data-status]');
      if (st && e && e.dataset.status !== st) {
        e.dataset.status = st;
        e.className = `st s-${st}`;
        e.textContent = word('status', st);
      }
    }
    if (Array.isArray(s.activeIncidents)) {
      // An incident no longer open is resolved: it moves to the top of the history.
      const past = $('section.past');
      const open = new Set(s.activeIncidents.map((i) => i.id));
      for (const gone of shownIncidents.filter((i) => !open.has(i.id)).reverse()) {
        if (!past || past.querySelector(`[data-incident-id="${gone.id}"]`)) continue;
        past.querySelector('.empty')?.remove();
        const a = incident({ ...gone, updates: gone.updates });
        a.dataset.incidentId = gone.id;
        a.querySelector('h3 .tag').className = 'tag t-resolved';
        a.querySelector('h3 .tag').textContent = word('update', 'resolved');
        past.querySelector('h2')?.after(a);
      }
      shownIncidents = s.activeIncidents;
      redraw('active-incidents', W.currentIncidents, s.activeIncidents, incident);
    }
    if (Array.isArray(s.maintenance)) {
      const list = [...s.maintenance].sort((a, b) => b.active - a.active || Date.parse(a.startsAt) - Date.parse(b.startsAt));
      redraw('maintenance', W.maintenance, list, maintenance);
    }
    const t = $('#updated time');
    if (t && s.generatedAt) {
      t.dateTime = s.generatedAt;
      localTimes(t.parentElement);
    }
  };

  const live = $('#live');
  const setLive = (on) => {
    if (!live) return;
    live.hidden = false;
    live.className = on ? 'live' : 'live off';
    live.textContent = on ? W.live : W.reconnecting;
  };

  // After an HTTP error EventSource gives up: retry, backing off.
  let wait = 2000;
  const connect = () => {
    const es = new EventSource(`${base}/events`);
    es.addEventListener('state', (e) => {
      try {
        apply(JSON.parse(e.data));
      } catch {
        return;
      }
      wait = 2000;
      setLive(true);
    });
    es.addEventListener('reload', () => location.reload());
    es.onerror = () => {
      setLive(false);
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(connect, wait);
        wait = Math.min(wait * 2, 60000);
      }
    };
  };

  // A day's text under its bar while pointed at or tapped (phones show no title tooltips).
  let pointed = null;
  const point = (e) => {
    const day = e.target.closest?.('.bar li') || null;
    if (day === pointed) return;
    if (pointed) {
      const ax = pointed.parentElement.nextElementSibling;
      pointed.classList.remove('on');
      ax.classList.remove('tip');
      ax.querySelector('.up').textContent = ax.dataset.up;
    }
    pointed = day;
    if (!day) return;
    const ax = day.parentElement.nextElementSibling;
    const up = ax.querySelector('.up');
    if (!ax.dataset.up) ax.dataset.up = up.textContent;
    up.textContent = day.title;
    day.classList.add('on');
    ax.classList.add('tip');
  };
  document.addEventListener('mouseover', point);
  document.addEventListener('click', (e) => {
    point(e);
    const a = e.target.closest?.('a[data-lang]');
    // biome-ignore lint/suspicious/noDocumentCookie: one plain cookie; the Cookie Store API is not in every browser
    if (a) document.cookie = `vigil_lang=${a.dataset.lang}; path=/; max-age=31536000; SameSite=Lax`;
  });

  localTimes(document);
  if (window.EventSource && $('[data-overall]')) connect();
})();
