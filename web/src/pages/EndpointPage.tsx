import { For, Match, Show, Switch, createSignal, onCleanup } from 'solid-js';
import { dnsQueryOf, socketAddressOf } from '../../../server/contract/monitor-address.ts';
import type { CertificateSummary, Check, Endpoint, Incident, Uptime } from '../../../server/contract/types.ts';
import { CertificateFacts, daysLeftText, daysUntil } from '../components/CertificateFacts.tsx';
import { TypeBadge } from '../components/TypeBadge.tsx';
import { resolverText, typeOf } from '../lib/monitor-fields.ts';
import { CheckFailure } from '../components/CheckFailure.tsx';
import { EndpointAssertions } from '../components/EndpointAssertions.tsx';
import { RequestHeaders } from '../components/RequestHeaders.tsx';
import { ResponseChart } from '../components/ResponseChart.tsx';
import { CHART_RANGES_MS } from '../lib/chart-series.ts';
import { StatusBadge, displayStatus } from '../components/StatusBadge.tsx';
import { t } from '../i18n/index.ts';
import { tp } from '../i18n/push-messages.ts';
import { describeCheckError, describeRequestError } from '../i18n/server-messages.ts';
import { formatDateTime, formatDuration, formatIncidentDuration, formatInterval, formatMs, formatPercent, formatTime } from '../lib/format.ts';
import { isUuid } from '../lib/ids.ts';
import { createPageResource, useLiveData } from '../lib/page-data.ts';
import { countCheck } from '../lib/uptime-live.ts';
import { navigate } from '../lib/router.ts';
import { ApiError, api } from '../services/api.ts';
import { onLiveEvent } from '../services/live-events.ts';
import { endpoints, removeEndpoint, upsertEndpoint } from '../stores/endpoints.store.ts';
import { can } from '../stores/session.store.ts';
import { addToast, toastActionFailed } from '../stores/toast.store.ts';
import { EndpointNotFound } from './NotFoundPage.tsx';
import { Fact } from '../components/Fact.tsx';
import { PushTimes, ScheduleText } from '../components/PushFacts.tsx';
import { PushUrl } from '../components/PushUrl.tsx';
import { MaintenanceNote } from '../components/MaintenanceNote.tsx';
import { EndpointRelations, useEndpointRelations } from '../components/EndpointRelations.tsx';
import { IncidentCause } from '../components/IncidentCause.tsx';
import { tm } from '../i18n/maintenance-messages.ts';
import { useMaintenanceWindows } from '../stores/maintenance.store.ts';
import { windowState, windowWhen } from '../lib/maintenance-text.ts';
import { stateOf } from '../lib/maintenance.ts';
import type { MaintenanceWindow } from '../../../server/contract/types.ts';
// Its words ('form.…'), added to t() as this page loads.
import '../i18n/form-messages.ts';

const RANGES = CHART_RANGES_MS;
type Range = keyof typeof RANGES;
/** At most this many checks are kept for the chart (the API's page size). */
const CHART_LIMIT = 1000;
const RECENT_ROWS = 20;
/** Uptime is re-read after checks, but not more often than this. */
const UPTIME_REFRESH_MS = 10_000;

/** A check as the page holds it: one heard live that got an answer and was not UP has a body excerpt the event does not carry. */
type ListedCheck = Check & { excerptUnread?: true };

/** One endpoint: live status, chart, uptime, recent checks, incidents and the actions on it. */
export default function EndpointPage(props: { id: string }) {
  // Not an id at all: nothing to load or subscribe to (the server would refuse both).
  if (!isUuid(props.id)) return <EndpointNotFound />;
  const endpoint = () => endpoints.byId[props.id];
  const [missing, setMissing] = createSignal(false);
  const [range, setRange] = createSignal<Range>('1h');
  const [busy, setBusy] = createSignal(false);
  const [checking, setChecking] = createSignal(false);
  const [confirmingDelete, setConfirmingDelete] = createSignal(false);

  const fail = (error: unknown) => {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) setMissing(true);
    else addToast('error', t('toast.loadFailed', { message: describeRequestError(error) }));
  };

  // Each keyed on what it reads: an answer for another range (or an earlier read) never lands over a newer one.
  const chart = createPageResource(
    () => ({ id: props.id, range: range() }),
    ({ id, range }) =>
      api.checks(id, { from: new Date(Date.now() - RANGES[range]).toISOString(), limit: CHART_LIMIT }).then((page): ListedCheck[] => page.items),
    { initialValue: [] as ListedCheck[], failed: fail },
  );
  const uptimeRead = createPageResource(
    () => props.id,
    (id) => api.uptime(id),
    { initialValue: null as Uptime | null, failed: fail },
  );
  const incidentsRead = createPageResource(
    () => props.id,
    (id) => api.incidents({ endpointId: id, limit: 20 }).then((page) => page.items),
    { initialValue: [] as Incident[], failed: fail },
  );
  // A TLS endpoint's newest certificate: from its newest check, whatever the chart's range (one checked daily has none in the last hour).
  const certificateRead = createPageResource(
    () => (endpoint() && typeOf(endpoint()!) === 'tls' ? props.id : null),
    (id): Promise<CertificateSummary | null> => (id ? api.checks(id, { limit: 1 }).then((page) => page.items[0]?.certificate ?? null) : Promise.resolve(null)),
    { initialValue: null as CertificateSummary | null, failed: fail },
  );
  const checks = chart.value;
  const uptime = uptimeRead.value;
  const incidents = incidentsRead.value;
  const load = () => {
    api.getEndpoint(props.id).then(upsertEndpoint, fail);
    chart.reload();
    uptimeRead.reload();
    incidentsRead.reload();
    certificateRead.reload();
    windows.load().catch(fail);
    relations.load().catch(fail);
  };

  const windows = useMaintenanceWindows({ endpointId: props.id });
  const relations = useEndpointRelations(() => props.id);
  useLiveData({ endpointId: props.id, load });

  let uptimeTimer: ReturnType<typeof setTimeout> | undefined;
  const stops = [
    onLiveEvent('check:completed', (e) => {
      if (e.endpointId !== props.id) return;
      // A push endpoint's check moves its deadline, which only the server can tell (a cron schedule): read it again.
      if (endpoint() && typeOf(endpoint()!) === 'push') api.getEndpoint(props.id).then(upsertEndpoint, () => {});
      const check: ListedCheck = {
        id: e.checkId,
        endpointId: e.endpointId,
        status: e.status,
        responseTime: e.responseTime,
        statusCode: e.statusCode,
        errorMessage: e.errorMessage,
        errorCode: e.errorCode,
        errorParams: e.errorParams,
        failedAssertions: e.failedAssertions ?? [],
        bodyExcerpt: null,
        certificate: e.certificate ?? null,
        maintenance: e.maintenance ?? false,
        checkedAt: e.timestamp,
      };
      if (e.certificate) certificateRead.mutate(e.certificate);
      if (e.status !== 'UP' && e.statusCode !== null) check.excerptUnread = true;
      const since = new Date(Date.now() - RANGES[range()]).toISOString();
      chart.mutate((list) => [check, ...list.filter((c) => c.checkedAt >= since).slice(0, CHART_LIMIT - 1)]);
      // Uptime leaves checks made in a maintenance window out.
      if (!check.maintenance) uptimeRead.mutate((u) => u && countCheck(u, e));
      if (e.status === 'DOWN') incidentsRead.mutate((list) => list.map((i) => (i.resolvedAt ? i : { ...i, failureCount: i.failureCount + 1 })));
      uptimeTimer ??= setTimeout(() => {
        uptimeTimer = undefined;
        uptimeRead.reload();
      }, UPTIME_REFRESH_MS);
    }),
    onLiveEvent('incident:started', (e) => e.endpointId === props.id && incidentsRead.reload()),
    onLiveEvent('incident:resolved', (e) => e.endpointId === props.id && incidentsRead.reload()),
    onLiveEvent('endpoint:deleted', (e) => e.endpointId === props.id && setMissing(true)),
  ];
  onCleanup(() => {
    for (const stop of stops) stop();
    clearTimeout(uptimeTimer);
  });

  const act = async (action: () => Promise<unknown>, message: () => string) => {
    setBusy(true);
    try {
      await action();
      addToast('info', message());
    } catch (error) {
      toastActionFailed(error);
    } finally {
      setBusy(false);
    }
  };

  const name = () => endpoint()?.name ?? '';
  /** Runs apart from the other actions: a hanging target keeps it busy up to the endpoint's timeout. */
  const checkNow = async () => {
    setChecking(true);
    try {
      const check = await api.checkNow(props.id);
      addToast('info', t('toast.checked', { name: name(), status: t(`status.${check.status}`) }));
    } catch (error) {
      toastActionFailed(error);
    } finally {
      setChecking(false);
    }
  };
  const togglePause = () =>
    endpoint()?.paused
      ? act(
          async () => upsertEndpoint(await api.resume(props.id)),
          () => t('toast.resumed', { name: name() }),
        )
      : act(
          async () => upsertEndpoint(await api.pause(props.id)),
          () => t('toast.paused', { name: name() }),
        );
  const remove = () => {
    const deletedName = name();
    return act(
      async () => {
        await api.deleteEndpoint(props.id);
        removeEndpoint(props.id);
        navigate('/endpoints');
      },
      () => t('toast.deleted', { name: deletedName }),
    );
  };

  /** The body excerpt of a check heard live, read when its reader opens it. */
  const excerptOf = (check: ListedCheck) => () =>
    api
      .checks(props.id, { from: check.checkedAt, to: check.checkedAt, limit: 10 })
      .then((page) => page.items.find((c) => c.id === check.id)?.bodyExcerpt ?? null);
  /** The newest check, when it is the one the endpoint's error comes from and its failed assertions say more than that error. */
  const allFailed = () => {
    const newest = checks()[0];
    if (!newest || newest.checkedAt !== endpoint()?.lastCheckedAt) return null;
    const told = newest.errorCode === 'assertion' ? 1 : 0;
    return (newest.failedAssertions?.length ?? 0) > told ? newest : null;
  };

  // A new range is a new key, read at once; the same range again reads it again.
  const pickRange = (next: Range) => (next === range() ? chart.reload() : setRange(next));

  return (
    <Switch fallback={<p class="muted">{t('common.loading')}</p>}>
      <Match when={missing()}>
        <EndpointNotFound />
      </Match>
      <Match when={endpoint()}>
        {(e) => (
          <section class="endpoint" aria-labelledby="ep-title" data-endpoint-id={props.id}>
            <p class="crumbs">
              <a href="/endpoints">← {t('ep.back')}</a>
            </p>
            <div class="ep-head">
              <h1 id="ep-title">{e().name}</h1>
              <StatusBadge status={displayStatus(e())} />
              <MaintenanceNote endpoint={e()} />
            </div>
            <p class="url">
              <Switch
                fallback={
                  <>
                    <TypeBadge type={typeOf(e())} /> {e().url}
                  </>
                }
              >
                <Match when={typeOf(e()) === 'http'}>
                  <code>{e().method}</code> {e().url}
                </Match>
                {/* The URL of a push endpoint is its secret token: the Ping URL box below shows it, nothing else does. */}
                <Match when={typeOf(e()) === 'push'}>
                  <TypeBadge type="push" /> <ScheduleText endpoint={e()} />
                </Match>
              </Switch>
            </p>
            <EndpointRelations relations={relations} />
            {/* Checking, pausing, editing and deleting: for those who may change endpoints. */}
            <Show when={can('edit')}>
              <div class="actions">
                {/* A push endpoint has nothing to call: it waits for pings. */}
                <Show when={typeOf(e()) !== 'push'}>
                  <button type="button" class="check-now" onClick={checkNow} disabled={checking() || busy()} aria-busy={checking()}>
                    <Show when={checking()} fallback={t('ep.checkNow')}>
                      <span class="spinner" aria-hidden="true" />
                      {t('ep.checking')}
                    </Show>
                  </button>
                </Show>
                <button type="button" onClick={togglePause} disabled={busy()}>
                  {e().paused ? t('ep.resume') : t('ep.pause')}
                </button>
                <a class="button" href={`/endpoints/${props.id}/edit`}>
                  {t('ep.edit')}
                </a>
                <Show
                  when={confirmingDelete()}
                  fallback={
                    <button type="button" class="danger" onClick={() => setConfirmingDelete(true)} disabled={busy()}>
                      {t('ep.delete')}
                    </button>
                  }
                >
                  <span class="confirm" role="group" aria-label={t('ep.deleteConfirm', { name: e().name })}>
                    <span>{t('ep.deleteConfirm', { name: e().name })}</span>
                    <button type="button" class="danger" onClick={remove} disabled={busy()}>
                      {t('ep.deleteYes')}
                    </button>
                    <button type="button" onClick={() => setConfirmingDelete(false)}>
                      {t('ep.cancel')}
                    </button>
                  </span>
                </Show>
              </div>
            </Show>

            <p class="check-progress" role="status">
              {checking() ? t('ep.checking.upTo', { timeout: e().timeoutMs < 1000 ? formatMs(e().timeoutMs) : formatDuration(e().timeoutMs) }) : ''}
            </p>

            <dl class="facts">
              <Show
                when={typeOf(e()) === 'push'}
                fallback={
                  <>
                    <Fact label={t('card.responseTime')}>{formatMs(e().lastResponseTime)}</Fact>
                    <Fact label={t('card.lastCheck')}>{formatTime(e().lastCheckedAt)}</Fact>
                  </>
                }
              >
                <PushTimes endpoint={e()} />
              </Show>
              <Show when={typeOf(e()) === 'http'}>
                <Fact label={t('check.code')}>{e().lastStatusCode ?? '—'}</Fact>
              </Show>
              <Show when={e().certificateExpiresAt}>
                {(expires) => (
                  <Fact label={t('ep.certificateExpires')}>
                    <span class="cert-expires">{formatDateTime(expires())}</span> <span class="muted cert-days">({daysLeftText(daysUntil(expires()))})</span>
                  </Fact>
                )}
              </Show>
              <Fact label={t('ep.consecutiveFailures')}>{e().consecutiveFailures}</Fact>
              <Show when={e().lastErrorMessage}>
                <Show
                  when={allFailed()}
                  fallback={<Fact label={t('check.error')}>{describeCheckError(e().lastErrorCode, e().lastErrorParams, e().lastErrorMessage!)}</Fact>}
                >
                  {(newest) => (
                    <div class="fact-wide">
                      <dt>{t('check.error')}</dt>
                      <dd>
                        <CheckFailure check={{ ...newest(), bodyExcerpt: null }} />
                      </dd>
                    </div>
                  )}
                </Show>
              </Show>
            </dl>

            {/* The ping URL holds the token that reports the job's runs: for those who may change the endpoint. */}
            <Show when={typeOf(e()) === 'push' && can('edit')}>
              <PushUrl endpointId={props.id} name={e().name} updatedAt={e().updatedAt} />
            </Show>

            <Show when={typeOf(e()) === 'tls'}>
              <h2>{t('ep.certificate')}</h2>
              <CertificateFacts certificate={certificateRead.value()} />
            </Show>

            <h2>{t('ep.uptime')}</h2>
            <ul class="uptime">
              <For each={['24h', '7d', '30d'] as const}>
                {(w) => (
                  <li data-window={w}>
                    <span class="uptime-value">{formatPercent(uptime()?.[w].uptime ?? null)}</span>
                    <span class="muted">
                      {t(`ep.uptime.${w}`)} · {uptime()?.[w].checks ? t('ep.uptime.checks', { count: uptime()![w].checks }) : t('ep.uptime.none')}
                    </span>
                  </li>
                )}
              </For>
            </ul>

            <div class="chart-head">
              <h2>{typeOf(e()) === 'push' ? tp('ep.runTime') : t('ep.chart')}</h2>
              <div class="segmented" role="group" aria-label={t('ep.chart.range')}>
                <For each={Object.keys(RANGES) as Range[]}>
                  {(r) => (
                    <button type="button" aria-pressed={range() === r} onClick={() => pickRange(r)}>
                      {t(`ep.chart.${r}`)}
                    </button>
                  )}
                </For>
              </div>
            </div>
            {/* Checked once at least: with a short retention, 7 d and 30 d come from the rollups alone. */}
            <Show when={checks().length > 0 || e().lastCheckedAt !== null} fallback={<p class="muted chart-empty">{t('ep.chart.empty')}</p>}>
              <ResponseChart endpoint={e()} range={range()} checks={checks()} />
            </Show>

            <h2>{t('ep.recent')}</h2>
            <div class="table-wrap">
              <table class="table" data-testid="recent-checks">
                <thead>
                  <tr>
                    <th scope="col">{t('check.time')}</th>
                    <th scope="col">{t('check.status')}</th>
                    <Show when={typeOf(e()) === 'http'}>
                      <th scope="col" class="num">
                        {t('check.code')}
                      </th>
                    </Show>
                    <th scope="col" class="num">
                      {typeOf(e()) === 'push' ? tp('ep.runTime') : t('check.responseTime')}
                    </th>
                    <th scope="col">{t('check.error')}</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={checks().slice(0, RECENT_ROWS)}>
                    {(c) => (
                      <tr>
                        <td>{formatTime(c.checkedAt)}</td>
                        <td>
                          <StatusBadge status={c.status} />
                          <Show when={c.maintenance}>
                            {' '}
                            <span class="mw-check">{tm('mw.check')}</span>
                          </Show>
                        </td>
                        <Show when={typeOf(e()) === 'http'}>
                          <td class="num">{c.statusCode ?? '—'}</td>
                        </Show>
                        <td class="num">{formatMs(c.responseTime)}</td>
                        <td class="check-failure">
                          <CheckFailure check={c} loadExcerpt={c.excerptUnread ? excerptOf(c) : undefined} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>

            <h2>{t('ep.incidents')}</h2>
            <Show when={incidents().length > 0} fallback={<p class="muted">{t('ep.noIncidents')}</p>}>
              <ul class="incident-list">
                <For each={incidents()}>
                  {(i) => (
                    <li data-open={i.resolvedAt ? 'false' : 'true'}>
                      <strong>{i.resolvedAt ? `✨ ${t('inc.filter.resolved')}` : `🚨 ${t('inc.ongoing')}`}</strong>{' '}
                      <a href={`/incidents/${i.id}`}>{formatDateTime(i.startedAt)}</a>
                      {i.resolvedAt ? ` → ${formatDateTime(i.resolvedAt)} (${formatIncidentDuration(i)})` : ''}
                      {' · '}
                      {t('ep.failures', { count: i.failureCount })}
                      <Show when={i.errorMessage}>
                        {' · '}
                        <span class="muted">{describeCheckError(i.errorCode, i.errorParams, i.errorMessage!)}</span>
                      </Show>
                      <IncidentCause cause={i.causedBy} />
                    </li>
                  )}
                </For>
              </ul>
            </Show>

            <EndpointWindows windows={windows.windows()} loaded={windows.loaded()} />

            <h2>{t('ep.details')}</h2>
            <dl class="facts" data-testid="definition">
              <Fact label={t('ep.type')}>{t(`type.${typeOf(e())}`)}</Fact>
              <AddressFacts endpoint={e()} />
              <Show
                when={typeOf(e()) === 'push'}
                fallback={
                  <>
                    <Fact label={t('ep.intervalLabel')}>{t('ep.interval', { seconds: e().intervalSeconds })}</Fact>
                    <Show when={e().retryIntervalSeconds}>
                      {(retry) => <Fact label={t('ep.retryInterval')}>{t('ep.interval', { seconds: retry() })}</Fact>}
                    </Show>
                    <Fact label={t('ep.timeout')}>{formatMs(e().timeoutMs)}</Fact>
                    <Show when={typeOf(e()) === 'http'}>
                      <Fact label={t('ep.expected')}>{e().expectedStatusCodes.join(', ')}</Fact>
                    </Show>
                    <Fact label={t('ep.degradedAfter')}>{formatMs(e().degradedThresholdMs)}</Fact>
                  </>
                }
              >
                <Fact label={tp('ep.schedule')}>
                  <ScheduleText endpoint={e()} />
                </Fact>
                <Fact label={tp('ep.grace')}>{formatInterval(e().graceSeconds)}</Fact>
              </Show>
              <Fact label={t('ep.failureThreshold')}>{t('ep.failures', { count: e().failureThreshold })}</Fact>
              <Fact label={t('ep.recoveryThreshold')}>{t('ep.successes', { count: e().recoveryThreshold ?? 1 })}</Fact>
              <Show when={e().slaTarget != null}>
                <Fact label={t('ep.slaTarget')}>
                  <span data-testid="sla-target">{e().slaTarget} %</span>
                </Fact>
              </Show>
              <Fact label={t('col.tags')}>{e().tags.join(', ') || '—'}</Fact>
            </dl>
            <Show when={typeOf(e()) === 'http'}>
              <RequestHeaders headers={e().headers} />
            </Show>
            <Show when={typeOf(e()) !== 'push'}>
              <EndpointAssertions assertions={e().assertions ?? []} type={typeOf(e())} />
            </Show>
          </section>
        )}
      </Match>
    </Switch>
  );
}

/** Whether checks of the endpoint talk TLS (and so see a certificate): an https URL, a tls:// TCP endpoint, a TLS check. */
function talksTls(e: Endpoint): boolean {
  const type = typeOf(e);
  return type === 'tls' || (type === 'tcp' && socketAddressOf(e.url)?.tls === true) || (type === 'http' && /^https:/i.test(e.url));
}

/** What the endpoint's URL says, in the form's words: host, port, TLS and what is sent (TCP, TLS); name, record type and resolver (DNS); and the certificate warning of one that talks TLS. */
function AddressFacts(props: { endpoint: Endpoint }) {
  const type = () => typeOf(props.endpoint);
  const socket = () => (type() === 'tcp' || type() === 'tls' ? socketAddressOf(props.endpoint.url) : null);
  const query = () => (type() === 'dns' ? dnsQueryOf(props.endpoint.url) : null);
  return (
    <>
      <Show when={socket()}>
        {(address) => (
          <>
            <Fact label={t('ep.host')}>{address().host}</Fact>
            <Fact label={t('ep.port')}>{address().port}</Fact>
            <Show when={type() === 'tcp'}>
              <Fact label={t('ep.tls')}>{address().tls ? t('ep.tls.on') : t('ep.tls.off')}</Fact>
              <Fact label={t('ep.send')}>
                <Show when={props.endpoint.body} fallback={t('ep.send.none')}>
                  {(body) => <code class="sent-text">{body()}</code>}
                </Show>
              </Fact>
            </Show>
          </>
        )}
      </Show>
      <Show when={query()}>
        {(q) => (
          <>
            <Fact label={t('ep.dnsName')}>{q().name}</Fact>
            <Fact label={t('ep.recordType')}>{q().recordType}</Fact>
            <Fact label={t('ep.resolver')}>{q().resolver ? resolverText(q().resolver) : t('ep.resolver.system')}</Fact>
          </>
        )}
      </Show>
      <Show when={talksTls(props.endpoint)}>
        <Fact label={t('ep.certificateWarning')}>
          {props.endpoint.certificateWarningDays == null
            ? t('ep.certificateWarning.never')
            : t('ep.certificateWarning.days', { count: props.endpoint.certificateWarningDays })}
        </Fact>
      </Show>
    </>
  );
}

/** The maintenance windows that cover this endpoint (by id, tag or all), going on first, with a link to all of them. */
function EndpointWindows(props: { windows: MaintenanceWindow[]; loaded: boolean }) {
  const rank = { active: 0, upcoming: 1, past: 2 } as const;
  const sorted = () => props.windows.slice().sort((a, b) => rank[stateOf(a)] - rank[stateOf(b)]);
  return (
    <section class="ep-maintenance" aria-labelledby="ep-maintenance-title">
      <h2 id="ep-maintenance-title">{tm('mw.ep.title')}</h2>
      <Show when={props.windows.length > 0} fallback={<p class="muted">{props.loaded ? tm('mw.ep.none') : t('common.loading')}</p>}>
        <ul class="mw-ep-list">
          <For each={sorted()}>
            {(w) => (
              <li data-window-id={w.id} data-state={stateOf(w)}>
                <strong>{w.name}</strong> <span class="mw-state">{windowState(w)}</span>
                <br />
                <span class="muted">{windowWhen(w)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <p>
        <a href="/maintenance">{tm('mw.ep.manage')} →</a>
      </p>
    </section>
  );
}
