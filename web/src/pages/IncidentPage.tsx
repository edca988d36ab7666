import { For, Match, Show, Switch, createSignal, onCleanup } from 'solid-js';
import type { Check, IncidentDetail } from '../../../server/contract/types.ts';
import { CheckFailure, plainError } from '../components/CheckFailure.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { t } from '../i18n/index.ts';
import { describeCheckError } from '../i18n/server-messages.ts';
import { formatDateTime, formatDuration, formatMs } from '../lib/format.ts';
import { createPageResource, reportLoadFailure, useLiveData } from '../lib/page-data.ts';
import { useNow } from '../lib/now.ts';
import { ApiError, api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { NotFoundPage } from './NotFoundPage.tsx';
import { Fact } from '../components/Fact.tsx';
import { IncidentCause } from '../components/IncidentCause.tsx';
import { td } from '../i18n/dependency-messages.ts';
import { IncidentUpdatesSection, useIncidentUpdates } from '../components/IncidentUpdates.tsx';

/** Checks arriving together (a burst) reload the timeline once. */
const RELOAD_DELAY_MS = 300;

/** What a check in the timeline did to the incident, if anything. */
function roleOf(check: Check, incident: IncidentDetail): 'opened' | 'resolved' | 'before' | 'during' {
  if (check.checkedAt === incident.startedAt && check.status === 'DOWN') return 'opened';
  if (check.checkedAt === incident.resolvedAt) return 'resolved';
  return check.checkedAt < incident.startedAt ? 'before' : 'during';
}

/** One incident: its endpoint, when it started and ended, and the checks that opened and closed it; live. */
export default function IncidentPage(props: { id: string }) {
  const [missing, setMissing] = createSignal(false);
  // Keyed on the id: an answer for an earlier read never lands over a newer one.
  const { value: incident, reload: load } = createPageResource(
    () => props.id,
    (id) => api.incident(id),
    {
      initialValue: null as IncidentDetail | null,
      failed: (error) => {
        // A malformed id (400) is as missing as an unknown one (404).
        if (error instanceof ApiError && (error.status === 400 || error.status === 404)) setMissing(true);
        else reportLoadFailure(error);
      },
    },
  );
  const now = useNow(() => incident()?.resolvedAt === null);
  // What people were told about it (its updates), read with it and live.
  const updates = useIncidentUpdates(() => props.id);

  // Subscribed to every endpoint: the id in the URL is the incident's, not its endpoint's.
  useLiveData({
    load: () => {
      load();
      updates.reload();
    },
  });

  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  const reloadSoon = () => {
    reloadTimer ??= setTimeout(() => {
      reloadTimer = undefined;
      load();
    }, RELOAD_DELAY_MS);
  };
  const stops = [
    // While open, every check of its endpoint belongs to its timeline (the resolving one too).
    onLiveEvent('check:completed', (e) => {
      const current = incident();
      if (current && current.resolvedAt === null && e.endpointId === current.endpointId) reloadSoon();
    }),
    onLiveEvent('incident:resolved', (e) => e.incidentId === props.id && reloadSoon()),
    onLiveEvent('endpoint:deleted', (e) => e.endpointId === incident()?.endpointId && setMissing(true)),
  ];
  onCleanup(() => {
    for (const stop of stops) stop();
    clearTimeout(reloadTimer);
  });

  const duration = (i: IncidentDetail) => formatDuration((i.resolvedAt ? Date.parse(i.resolvedAt) : now()) - Date.parse(i.startedAt));

  return (
    <Switch fallback={<p class="muted">{t('dash.loading')}</p>}>
      <Match when={missing()}>
        <NotFoundPage />
      </Match>
      <Match when={incident()}>
        {(i) => (
          <section aria-labelledby="incident-title" class="incident-page" data-open={i().resolvedAt ? 'false' : 'true'}>
            <p class="crumbs">
              <a href="/incidents">{t('inc.title')}</a> ›
            </p>
            <div class="ep-head">
              <h1 id="incident-title">{t('incident.title', { name: i().endpointName })}</h1>
              <span class="incident-state" data-open={i().resolvedAt ? 'false' : 'true'} role="status">
                {i().resolvedAt ? `✓ ${t('incident.resolved')}` : `🚨 ${t('incident.ongoing')}`}
              </span>
            </div>
            <Show when={i().causedBy}>
              {(cause) => (
                <div class="cause-block" data-testid="incident-cause">
                  <IncidentCause cause={cause()} />
                  <p class="cause-note">{td('dep.inc.quiet', { name: cause().endpointName })}</p>
                </div>
              )}
            </Show>
            <dl class="facts">
              <Fact label={t('inc.endpoint')}>
                <a href={`/endpoints/${i().endpointId}`}>{i().endpointName}</a>
              </Fact>
              <Fact label={t('inc.started')}>{formatDateTime(i().startedAt)}</Fact>
              <Fact label={t('inc.resolved')}>{i().resolvedAt ? formatDateTime(i().resolvedAt) : t('inc.ongoing')}</Fact>
              <Fact label={t('inc.duration')}>
                <span data-testid="incident-duration">{duration(i())}</span>
              </Fact>
              <Fact label={t('inc.failures')}>
                <span data-testid="incident-failures">{i().failureCount}</span>
              </Fact>
              <Fact label={t('inc.error')}>{i().errorMessage ? describeCheckError(i().errorCode, i().errorParams, i().errorMessage!) : '—'}</Fact>
            </dl>
            <IncidentUpdatesSection incidentId={i().id} resolved={i().resolvedAt !== null} updates={updates} />
            <h2 id="timeline-title">{t('incident.timeline')}</h2>
            <Show when={i().checks.length > 0} fallback={<p class="muted">{t('incident.noChecks')}</p>}>
              <ol class="timeline" aria-labelledby="timeline-title">
                <For each={i().checks}>
                  {(check, index) => {
                    const role = () => roleOf(check, i());
                    const gapBefore = () => i().omittedChecks > 0 && role() === 'during' && index() > 0 && roleOf(i().checks[index() - 1]!, i()) === 'opened';
                    return (
                      <>
                        <Show when={gapBefore()}>
                          <li class="timeline-gap" data-role="gap">
                            {t('incident.omitted', { count: i().omittedChecks })}
                          </li>
                        </Show>
                        <li class="timeline-item" data-role={role()} data-status={check.status} data-check-id={check.id}>
                          <time datetime={check.checkedAt}>{formatDateTime(check.checkedAt)}</time>
                          <StatusBadge status={check.status} />
                          <span class="timeline-detail">
                            {formatMs(check.responseTime)}
                            {check.statusCode !== null ? ` · HTTP ${check.statusCode}` : ''}
                            {plainError(check) ? ` · ${plainError(check)}` : ''}
                          </span>
                          <Show when={role() === 'opened' || role() === 'resolved'}>
                            <strong class="timeline-mark">{role() === 'opened' ? `🚨 ${t('incident.openedHere')}` : `✨ ${t('incident.resolvedHere')}`}</strong>
                          </Show>
                          <CheckFailure check={check} withError={false} />
                        </li>
                      </>
                    );
                  }}
                </For>
              </ol>
            </Show>
          </section>
        )}
      </Match>
    </Switch>
  );
}
