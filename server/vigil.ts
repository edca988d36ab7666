import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ApiKeyGuard, parseApiKeys, type AuthorizeConnection } from './auth/api-keys.ts';
import { Authenticator } from './auth/authenticator.ts';
import { SessionStore } from './auth/sessions.ts';
import { PersonalKeys } from './auth/personal-keys.ts';
import { OidcClient } from './auth/oidc.ts';
import { SessionConnections } from './realtime/session-connections.ts';
import { Accounts } from './services/accounts/accounts.ts';
import { OwnerRecord } from './services/accounts/owner-state.ts';
import { Invites } from './services/accounts/invites.ts';
import { PasswordResets } from './services/accounts/password-resets.ts';
import { PasswordThrottle } from './services/accounts/password-throttle.ts';
import { TwoFactor } from './services/accounts/two-factor.ts';
import { AuditLog } from './services/audit/audit-log.ts';
import { OriginPolicy } from './security/origin-policy.ts';
import { clientAddressResolver } from './http/client-address.ts';
import { ConnectionLimit } from './realtime/connection-limit.ts';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createDatabase, type DatabaseHandle } from '../db/client.ts';
import { Checker } from './checker/checker.ts';
import { DEFAULT_USER_AGENT } from './checker/http-prober.ts';
import { TargetPolicy } from './security/target-policy.ts';
import { clusterPlacement } from './cluster/cluster-placement.ts';
import { RemoteEndpointChanges } from './cluster/remote-changes.ts';
import { RemoteReload } from './cluster/remote-reload.ts';
import { StatusPageDirectory } from './state/status-page-directory.ts';
import { PublicPageCache } from './services/status-pages/public-cache.ts';
import { badgeSource } from './services/status-pages/badge-figures.ts';
import { publicStatusRoutes } from './http/routes/public-status.ts';
import { SubscriberNotices } from './services/status-pages/subscriber-notices.ts';
import type { SubscriptionDeps } from './services/status-pages/subscriptions.ts';
import { pooledMailer } from './notifications/smtp.ts';
import { MaintenanceCalendar } from './state/maintenance-calendar.ts';
import { MaintenanceWatch } from './services/maintenance-windows/maintenance-watch.ts';
import { StatusBoard } from './state/status-board.ts';
import { Dependencies } from './services/checks/dependencies.ts';
import { EventRelay } from './cluster/event-relay.ts';
import { EventBus } from './events/bus.ts';
import { createApp } from './http/app.ts';
import { LAG_QUANTILES, renderMetrics } from './metrics/render.ts';
import { CheckDurations } from './metrics/check-durations.ts';
import { EventLoopLag } from './metrics/event-loop-lag.ts';
import { Dispatcher } from './notifications/dispatcher.ts';
import { NotificationRouter } from './notifications/notification-router.ts';
import { OutboxStore } from './notifications/outbox-store.ts';
import { PROVIDERS } from './notifications/providers/index.ts';
import { ReminderSweep } from './notifications/reminder-sweep.ts';
import { ChannelDirectory } from './state/channel-directory.ts';
import { applySettingsChannel } from './services/notification-channels/settings-channel.ts';
import { describeBlockedUrl } from './security/target-policy.ts';
import { guardedLookup, TARGET_BLOCKED } from './checker/guarded-lookup.ts';
import { notificationFetch } from './notifications/http-client.ts';
import { SubscriptionHub } from './realtime/hub.ts';
import { attachSocketIo, type SocketIoBridge } from './realtime/socket-io.ts';
import { sseRoutes } from './realtime/sse.ts';
import { attachWsBridge, type WsBridge } from './realtime/ws-bridge.ts';
import type { Placement } from './scheduler/placement.ts';
import type { Scheduler } from './scheduler/scheduler.ts';
import { singleInstancePlacement } from './scheduler/single-instance-placement.ts';
import { runCheck } from './services/checks/run-check.ts';
import { PushDirectory } from './services/push/push-directory.ts';
import { PushRuns } from './services/push/push-runs.ts';
import { DatabaseResultStore } from './results/database-store.ts';
import { ResultWriter, type WriteFailure } from './results/result-writer.ts';
import type { ServiceContext } from './services/context.ts';
import { createServices, type Services } from './services/index.ts';
import { MonitorRegistry } from './state/monitor-registry.ts';
import { RetentionJob } from './services/retention/retention-job.ts';
import { createLogger, errorReporter, type Logger } from './logger.ts';
import { resolveInstanceId } from './cluster/instance-id.ts';
import type { Summary } from './contract/types.ts';
import { describeError } from '../db/unavailable.ts';
import { DatabaseAvailability } from '../db/availability.ts';
import type { Settings } from './settings.ts';

export interface Vigil {
  url: string;
  port: number;
  server: Server;
  /** The Hono app behind the HTTP server (REST, probes, SSE, docs, web app). */
  app: ReturnType<typeof createApp>;
  /** Events raised here (the core's, for webhooks and metrics). */
  bus: EventBus;
  /** What realtime clients receive: the bus, plus the events of other instances on PostgreSQL. */
  feed: EventBus;
  /** Carries events between instances on one PostgreSQL; absent on PGlite (feed = bus). */
  relay: EventRelay | undefined;
  services: Services;
  scheduler: Scheduler;
  writer: ResultWriter;
  registry: MonitorRegistry;
  database: DatabaseHandle;
  hub: SubscriptionHub;
  socketIo: SocketIoBridge;
  ws: WsBridge;
  /** Delivers notifications from the outbox (docs/notifications.md). */
  dispatcher: Dispatcher;
  /** Tells status page subscribers (by email and webhook) what their pages show happening. */
  subscriberNotices: SubscriberNotices;
  /** Rolls check results up into hourly rollups and prunes both past their retention. */
  retention: RetentionJob;
  logger: Logger;
  /** Graceful stop: no new checks, running ones finish (bounded), every result written, all closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where Vigil logs (default: JSON lines on stdout at settings.logLevel). */
  logger?: Logger;
  /** The built web app to serve (default web/dist beside the sources). */
  webDir?: string;
}

/**
 * Starts Vigil, in reading order: database → migrations → state → services → HTTP → realtime →
 * notifications → scheduler. `stop()` undoes it in reverse.
 * @example const vigil = await startVigil(loadSettings()); … await vigil.stop();
 */
export async function startVigil(settings: Settings, options: StartOptions = {}): Promise<Vigil> {
  const logger = options.logger ?? createLogger(settings.logLevel);

  const database = await createDatabase({
    databaseUrl: settings.databaseUrl,
    dataDir: settings.dataDir,
    maxConnections: settings.databasePoolSize,
  });
  await database.migrate();
  // On PostgreSQL, the name under which this instance holds endpoints: the same after a restart.
  const identity = database.driver === 'postgres' ? resolveInstanceId(settings.instanceId, settings.dataDir) : undefined;
  const instanceId = identity?.id ?? settings.instanceId ?? 'embedded';
  if (identity?.note) logger.warn({ instanceId }, `instance id ${instanceId} is used for this run only: ${identity.note}`);

  // Learnt from the failures met anyway; while unreachable, REST answers 503 at once.
  const availability = new DatabaseAvailability({
    ping: database.ping,
    onChange: (fault) =>
      fault
        ? logger.warn(
            { cause: `${fault.code}: ${fault.message}` },
            `the database cannot be reached (${fault.code}): checks go on, REST answers 503 until it is back`,
          )
        : logger.info('the database can be reached again'),
  });
  const bus = new EventBus(errorReporter(logger, 'event listener failed'));
  // Listening starts before the registry loads: no change made elsewhere falls between the two.
  const relay = database.notifications
    ? new EventRelay({
        bus,
        notifications: database.notifications,
        instanceId,
        onError: errorReporter(logger, 'event relay failed'),
        log: (message) => logger.warn(message),
      })
    : undefined;
  const feed = relay?.feed ?? bus;
  const registry = new MonitorRegistry();
  const calendar = new MaintenanceCalendar();
  // Every endpoint's status, from the events of all instances: a parent may be checked elsewhere.
  const board = new StatusBoard(feed);
  const dependencies = new Dependencies(registry, board);
  // The SSRF policy: the services refuse URLs naming a blocked target, the prober and the notifications every blocked address they would connect to.
  const targets = TargetPolicy.fromSettings(settings);
  const notificationHttp = notificationFetch({ lookup: guardedLookup(targets) });
  const notificationTrouble = (message: string, error?: unknown) => logger.warn({ cause: error === undefined ? undefined : describeError(error) }, message);
  const channels = new ChannelDirectory();
  const statusPages = new StatusPageDirectory();
  const outbox = new OutboxStore(database.db, instanceId);
  // Where people reach Vigil (behind a proxy, on another name): what Vigil writes as its own address.
  const publicUrl = settings.publicUrl?.href.replace(/\/$/, '') ?? '';
  const dispatcher = new Dispatcher({
    store: outbox,
    directory: channels,
    providers: PROVIDERS,
    bus,
    send: {
      // A channel's address was checked when it was written; checked again in case the policy
      // changed since, and every address its name resolves to at connect time.
      fetch: (input, init) => {
        const decision = targets.decideUrl(String(input instanceof Request ? input.url : input));
        return decision.allowed
          ? notificationHttp(input, init)
          : Promise.reject(Object.assign(new Error(describeBlockedUrl(decision)), { code: TARGET_BLOCKED }));
      },
      timeoutMs: settings.notificationTimeoutMs,
      userAgent: 'Vigil-Notifications/0.1',
    },
    retryBaseMs: settings.notificationRetryBaseMs,
    sweepMs: settings.notificationSweepMs,
    incidentOpen: (incidentId) => outbox.incidentOpen(incidentId),
    log: notificationTrouble,
  });
  const notifications = new NotificationRouter({
    directory: channels,
    publicUrl,
    quiet: (event, data) => dependencies.quiet(event, data),
    expect: (entries) => dispatcher.expect(entries),
  });
  const pushRuns = new PushRuns();
  const pushDirectory = new PushDirectory(registry);
  const reportWrite = reportWriteFailure(logger);
  const writer = new ResultWriter({
    store: new DatabaseResultStore(database.db, registry, instanceId),
    notifications: dispatcher,
    bus,
    registry,
    batchSize: settings.writeBatchSize,
    queueLimit: settings.resultQueueLimit,
    onFailure: (failure) => {
      availability.observe(failure.error);
      reportWrite(failure);
    },
    onRecovered: ({ downForMs }) =>
      logger.info({ downForMs }, `check results are written again after ${Math.round(downForMs / 1000)} s; the waiting results are stored`),
    onUnwritable: ({ write, error }) =>
      logger.error(
        { err: error, endpointId: write.check.endpointId, checkId: write.check.id },
        'the database refused a check result as values; it is set aside and the results behind it are written',
      ),
  });
  // Several instances on one PostgreSQL: the User-Agent tells a target which one checked it.
  const prober = new Checker({
    targets,
    ...(database.driver === 'postgres' ? { userAgent: `${DEFAULT_USER_AGENT.slice(0, -1)}; instance ${instanceId})` } : {}),
  });
  const checks = {
    // (`placement` is made from these below; a check runs only once it exists.)
    run: (endpointId: string) =>
      runCheck({ registry, writer, prober, placement, pushRuns, db: database.db, maintenance, dependencies, notifications }, endpointId),
    onError: (error: unknown, endpointId?: string) => logger.error({ err: error, endpointId }, 'scheduled check failed'),
  };
  // On PostgreSQL the endpoints are shared out among the live instances (server/cluster/).
  const cluster =
    database.driver === 'postgres'
      ? clusterPlacement({
          db: database.db,
          instanceId,
          leaseTtlMs: settings.leaseTtlMs,
          registry,
          writer,
          checks,
          onTickError: errorReporter(logger, 'endpoint ownership tick failed'),
        })
      : undefined;
  const placement: Placement = cluster?.placement ?? singleInstancePlacement({ checks, registry });
  const scheduler = placement.scheduler;
  // Announces endpoints entering and leaving maintenance windows (a check asks it too).
  const maintenance = new MaintenanceWatch({ registry, calendar, placement, bus });
  const ctx: ServiceContext = {
    db: database.db,
    bus,
    registry,
    writer,
    prober,
    targets,
    placement,
    pushRuns,
    pushDirectory,
    calendar,
    maintenance,
    dependencies,
    channels,
    notifications,
    dispatcher,
    outbox,
    statusPages,
    publicUrl,
    board,
    smtp: settings.smtp,
  };
  const remote =
    relay && cluster
      ? new RemoteEndpointChanges(database.db, registry, placement, errorReporter(logger, 'applying a remote endpoint change failed'), () =>
          maintenance.changed(),
        )
      : undefined;
  const remoteWindows = relay
    ? new RemoteReload(
        database.db,
        calendar,
        new Set(['maintenance:created', 'maintenance:updated', 'maintenance:deleted']),
        () => maintenance.changed(),
        (error) => logger.warn({ cause: describeError(error) }, 'cannot read the maintenance windows changed on other instances; trying again every 5 s'),
      )
    : undefined;
  const remoteChannels = relay
    ? new RemoteReload(
        database.db,
        channels,
        new Set(['channel:created', 'channel:updated', 'channel:deleted']),
        () => undefined,
        (error) => logger.warn({ cause: describeError(error) }, 'cannot read the notification channels changed on other instances; trying again every 5 s'),
      )
    : undefined;
  const remotePages = relay
    ? new RemoteReload(
        database.db,
        statusPages,
        new Set(['status-page:created', 'status-page:updated', 'status-page:deleted']),
        () => undefined,
        (error) => logger.warn({ cause: describeError(error) }, 'cannot read the status pages changed on other instances; trying again every 5 s'),
      )
    : undefined;
  if (remote) relay?.onRemote(remote.apply);
  if (remotePages) relay?.onRemote(remotePages.apply);
  if (remoteWindows) relay?.onRemote(remoteWindows.apply);
  if (remoteChannels) relay?.onRemote(remoteChannels.apply);
  await relay?.start();
  await registry.load(database.db);
  await calendar.load(database.db);
  await applySettingsChannel(database.db, settings.webhookUrl ? { url: settings.webhookUrl, secret: settings.webhookSecret } : null);
  await channels.load(database.db);
  await statusPages.load(database.db);
  board.seed(registry);
  remote?.release();
  const services = createServices(ctx);

  const retention = new RetentionJob(database.db, {
    checkRetentionDays: settings.checkRetentionDays,
    rollupRetentionDays: settings.rollupRetentionDays,
    vacuum: database.driver === 'pglite',
    onError: errorReporter(logger, 'retention run failed (tried again at the next run)'),
    onRun: (report) => logger.info(report, 'retention run: check results rolled up and pruned'),
  });
  const guard = new ApiKeyGuard(parseApiKeys(settings.apiKey), { failureLimit: settings.authFailureLimit });
  // Accounts (docs/accounts.md): sessions by cookie, API_KEY for scripts, this machine until an owner exists.
  const owner = new OwnerRecord(database.db);
  const sessions = new SessionStore(database.db, { idleMs: settings.sessionIdleMs, maxMs: settings.sessionMaxMs });
  const setupToken = randomBytes(24).toString('base64url');
  const personalKeys = new PersonalKeys(database.db);
  const throttle = new PasswordThrottle({ failureLimit: settings.authFailureLimit });
  const twoFactor = new TwoFactor(database.db, throttle);
  const accounts = new Accounts({ db: database.db, sessions, personalKeys, twoFactor, throttle, owner, setupToken });
  const invites = new Invites(database.db, accounts);
  const passwordResets = new PasswordResets(database.db, sessions);
  const auditLog = new AuditLog(database.db, {
    retentionDays: settings.auditRetentionDays,
    onError: errorReporter(logger, 'an audit log entry could not be written (the change itself stands)'),
  });
  const nameOf = (targetType: string, id: string): string | undefined => {
    if (targetType === 'endpoint') return registry.get(id)?.definition.name;
    if (targetType === 'notification-channel') return channels.get(id)?.channel.name;
    if (targetType === 'status-page') return statusPages.get(id)?.title;
    if (targetType === 'maintenance-window') return calendar.get(id)?.definition.name;
    return undefined;
  };
  const authenticator = new Authenticator({ keys: guard, personalKeys, sessions, owner });
  // Realtime connections opened by a session end with it (checked every 5 s).
  const sessionConnections = new SessionConnections(async (token) => (await sessions.lookup(token)) !== null);
  // Under TRUST_PROXY no request counts as this machine's: a proxy on it connects from loopback.
  const localRequests = settings.trustProxy.kind === 'none';
  const authorize: AuthorizeConnection = async (request) => {
    const verdict = await authenticator.authenticate({ ...request, local: request.local && localRequests });
    if (!verdict.ok) return verdict;
    if (verdict.principal?.realtime) return { ok: true, sessionToken: verdict.principal.kind === 'session' ? request.sessionToken : undefined };
    return {
      ok: false,
      status: 401,
      message:
        (await accounts.setupRequired()) && !guard.enabled
          ? 'Vigil has no owner account yet: create it at /setup first.'
          : 'This needs a session or an API key.',
    };
  };
  // Who the client is (X-Forwarded-For only through TRUST_PROXY's proxies), for REST and every realtime transport alike.
  const clientAddress = clientAddressResolver(settings.trustProxy);
  const realtimeConnections = new ConnectionLimit(settings.realtimeConnectionsPerAddress);
  // One policy for REST and every realtime transport: the Host names served, the pages that may write and connect.
  const originPolicy = new OriginPolicy({
    publicUrl: settings.publicUrl,
    allowedOrigins: settings.allowedOrigins,
    allowedHosts: settings.allowedHosts,
  });
  // /metrics answers from memory while the database is away: the last summary it gave, marked stale.
  const lastKnownSummary = cachedSummary(services.getSummary, () => availability.unreachable !== null);
  const checkDurations = new CheckDurations(bus);
  const eventLoopLag = new EventLoopLag();
  const hub = new SubscriptionHub(feed, errorReporter(logger, 'realtime client failed'));
  let sseClients = 0;
  const sse = sseRoutes({
    hub,
    sessions: sessionConnections,
    endpointExists: services.endpointExists,
    authorize,
    policy: originPolicy,
    connections: realtimeConnections,
    onOpen: (delta) => (sseClients += delta),
  });
  // Status pages: their public views built once for every reader, kept live by the events of all instances.
  const publicPages = new PublicPageCache({
    ctx,
    feed,
    onError: errorReporter(logger, 'rebuilding a status page failed (tried again at the next change or read)'),
  });
  statusPages.onChange = (pageId) => publicPages.pageChanged(pageId);
  // Visitors following a page by email or webhook: their webhooks may reach public addresses only.
  const visitorTargets = TargetPolicy.forVisitors(settings);
  const visitorHttp = notificationFetch({ lookup: guardedLookup(visitorTargets) });
  const mailer = settings.smtp ? pooledMailer(settings.smtp, { timeoutMs: settings.notificationTimeoutMs }) : undefined;
  const subscriptions: SubscriptionDeps = {
    db: database.db,
    publicUrl,
    smtp: settings.smtp,
    sendMail: (mail) => (mailer ? mailer.send(mail) : Promise.reject(new Error('SMTP_URL is not set'))),
    webhook: { fetch: visitorHttp, timeoutMs: settings.notificationTimeoutMs, userAgent: 'Vigil-Status-Page/0.1' },
    visitorTargets,
  };
  const subscriberNotices = new SubscriberNotices({
    deps: subscriptions,
    pages: statusPages,
    view: (page) => publicPages.get(page),
    feed,
    instanceId,
    retryBaseMs: settings.notificationRetryBaseMs,
    sweepMs: settings.notificationSweepMs,
    log: notificationTrouble,
  });
  const publicSite = publicStatusRoutes({
    subscriptions,
    pages: statusPages,
    cache: publicPages,
    badges: badgeSource(ctx, publicPages),
    publicUrl,
    connections: realtimeConnections,
  });
  let socketIo: SocketIoBridge | undefined;
  let ws: WsBridge | undefined;

  const app = createApp({
    services,
    auth: {
      authenticator,
      accounts,
      invites,
      passwordResets,
      sessions,
      personalKeys,
      twoFactor,
      oidc: settings.oidc && new OidcClient(settings.oidc),
      audit: auditLog,
      nameOf,
      idleMs: settings.sessionIdleMs,
      localRequests,
    },
    clientAddress,
    keyRequired: guard.enabled,
    originPolicy,
    publicUrl: settings.publicUrl,
    bodyLimitBytes: settings.bodyLimitBytes,
    importBodyLimitBytes: settings.importBodyLimitBytes,
    logger,
    webDir: options.webDir,
    ping: database.ping,
    database: { unreachable: () => availability.unreachable, observe: (error) => availability.observe(error) },
    writeTrouble: () => (writer.failing ? `check results cannot be written (${writer.stats.lastError}); ${writer.pending} results wait in memory` : null),
    realtimeRoutes: sse.routes,
    publicSite,
    metrics: () =>
      renderMetrics({
        summary: lastKnownSummary,
        scheduler: () => scheduler.snapshot(),
        lagQuantiles: () => scheduler.lag.quantiles(LAG_QUANTILES),
        writer: () => ({ ...writer.stats, pending: writer.pending, failing: writer.failing }),
        realtimeClients: () => ({ socketio: socketIo?.clientCount() ?? 0, ws: ws?.clientCount() ?? 0, sse: sseClients }),
        checkDurations,
        eventLoopLag,
        auth: () => ({ rejected: guard.rejected, throttled: guard.throttled }),
        retention: () => retention.stats,
        notifications: () => dispatcher.stats,
        cluster: relay && cluster ? () => ({ relay: relay.stats, ownership: cluster.ownership.stats }) : undefined,
      }),
  });
  // Idle keep-alive sockets outlive the clients' and proxies' own idle timeouts (undici about 4 s,
  // load balancers 60 s): the server never closes a socket just as a client reuses it (ECONNRESET).
  // A request must arrive whole within REQUEST_TIMEOUT_MS (a stalled upload holds a socket and a
  // body buffer); the clock stops once it has arrived, so SSE streams, long-polls and upgraded
  // WebSockets are not cut. Node checks every connectionsCheckingInterval (30 s by default).
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      keepAliveTimeout: 65_000,
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: Math.min(66_000, settings.requestTimeoutMs),
      connectionsCheckingInterval: Math.min(Math.max(Math.round(settings.requestTimeoutMs / 10), 50), 3000),
    },
  }) as Server;
  socketIo = attachSocketIo({
    server,
    sessions: sessionConnections,
    feed,
    endpointExists: services.endpointExists,
    authorize,
    policy: originPolicy,
    clientAddress,
    connections: realtimeConnections,
    recoveryWindowMs: settings.realtimeRecoveryMs,
  });
  ws = attachWsBridge({
    server,
    sessions: sessionConnections,
    hub,
    endpointExists: services.endpointExists,
    authorize,
    policy: originPolicy,
    clientAddress,
    connections: realtimeConnections,
    pingIntervalMs: settings.wsPingIntervalMs,
  });
  const reminders = new ReminderSweep({
    db: database.db,
    directory: channels,
    registry,
    outbox,
    dispatcher,
    publicUrl,
    inMaintenance: (endpointId) => maintenance.shows(endpointId),
    everyMs: settings.notificationSweepMs,
    log: notificationTrouble,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

  await placement.start();
  dispatcher.start();
  subscriberNotices.start();
  reminders.start();
  remoteChannels?.start();
  remotePages?.start();
  maintenance.start();
  remoteWindows?.start();
  retention.start();
  auditLog.start();
  sessionConnections.start();
  logger.info(
    {
      url,
      publicUrl: publicUrl || undefined,
      database: database.driver,
      dataDir: database.driver === 'pglite' ? settings.dataDir : undefined,
      endpoints: registry.size,
    },
    `Vigil listening on ${url}${publicUrl ? `, reached at ${publicUrl}` : ''} (${database.driver === 'pglite' ? `embedded database in ${settings.dataDir}` : 'PostgreSQL'}), ${registry.size} endpoints`,
  );
  if (await accounts.setupRequired()) {
    const base = publicUrl || url;
    logger.warn(
      { setupUrl: `${url}/setup` },
      `No owner account yet: open ${url}/setup on this machine to create it (from another machine: ${base}/setup#token=${setupToken}). Until then only this machine${guard.enabled ? ' and API_KEY holders' : ''} may use Vigil.`,
    );
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // From here new realtime connections are told to come back later (503); open ones get the last results.
      ws!.stopAccepting();
      socketIo!.stopAccepting();
      sse.stopAccepting();
      await retention.stop();
      await auditLog.stop();
      sessionConnections.stop();
      remoteWindows?.stop();
      remoteChannels?.stop();
      remotePages?.stop();
      reminders.stop();
      maintenance.stop();
      const unfinished = await placement.stop(settings.shutdownTimeoutMs);
      if (unfinished > 0) {
        // Cut off by the shutdown, not by the target: not a DOWN result, so not recorded at all.
        writer.seal();
        logger.warn(
          { abandoned: unfinished },
          `shutdown: ${unfinished} checks did not finish within SHUTDOWN_TIMEOUT_MS (${settings.shutdownTimeoutMs} ms) and were abandoned, not recorded`,
        );
      }
      if (!(await writer.drain(Math.max(settings.shutdownTimeoutMs, 5000)))) {
        logger.error(
          { lost: writer.pending, cause: writer.stats.lastError },
          `shutdown: ${writer.pending} check results could not be written (the database is unavailable) and are lost`,
        );
      }
      // Every result is written: the other instances may take our endpoints over now.
      await placement.leave().catch(errorReporter(logger, 'handing over endpoints failed'));
      await relay?.stop();
      await dispatcher.stop();
      await subscriberNotices.stop();
      await mailer?.close();
      // Each transport sends the shutdown notice and closes so that its clients reconnect.
      await Promise.all([ws!.close(), socketIo!.close(), sse.close(), publicSite.close()]);
      publicPages.close();
      hub.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Open SSE streams and unfinished requests get a moment, then are cut.
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(force);
      writer.seal();
      availability.close();
      prober.close();
      checkDurations.close();
      eventLoopLag.close();
      board.close();
      await database.close();
      identity?.release();
    })());

  return {
    url,
    port,
    server,
    app,
    bus,
    feed,
    relay,
    services,
    scheduler,
    writer,
    registry,
    database,
    hub,
    socketIo,
    ws,
    dispatcher,
    subscriberNotices,
    retention,
    logger,
    stop,
  };
}

/** One short line per failed write, at most every 10 s, with the cause, the queue and the next try. */
function reportWriteFailure(logger: Logger) {
  let lastAt = 0;
  let failures = 0;
  return ({ error, databaseAway, waiting, retryInMs }: WriteFailure) => {
    failures++;
    const now = Date.now();
    if (now - lastAt < 10_000) return;
    lastAt = now;
    const cause = describeError(error);
    logger[databaseAway ? 'warn' : 'error'](
      { cause, waiting, retryInMs, failures },
      `cannot write check results (${cause}): ${waiting} results wait in memory, next try in ${retryInMs} ms; checks go on`,
    );
    failures = 0;
  };
}

/** The summary, or the last one known when the database is unreachable or does not answer within 500 ms. */
function cachedSummary(read: () => Promise<Summary>, unreachable: () => boolean): () => Promise<Summary & { stale: boolean }> {
  let last: Summary = { total: 0, up: 0, down: 0, degraded: 0, pending: 0, maintenance: 0, paused: 0, openIncidents: 0 };
  return async () => {
    if (unreachable()) return { ...last, stale: true };
    let timer: NodeJS.Timeout | undefined;
    try {
      last = await Promise.race([read(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), 500)))]);
      return { ...last, stale: false };
    } catch {
      return { ...last, stale: true };
    } finally {
      clearTimeout(timer);
    }
  };
}
