import type { AddressInfo } from 'node:net';
import { ApiKeyGuard, parseApiKeys } from './auth/api-keys.ts';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { createDatabase, type DatabaseHandle } from '../db/client.ts';
import { DEFAULT_USER_AGENT, HttpProber } from './checker/http-prober.ts';
import { EndpointOwnership } from './cluster/ownership.ts';
import { RemoteEndpointChanges } from './cluster/remote-changes.ts';
import { EventRelay } from './cluster/event-relay.ts';
import { EventBus } from './events/bus.ts';
import { createApp } from './http/app.ts';
import { LAG_QUANTILES, renderMetrics } from './metrics/render.ts';
import { CheckDurations } from './metrics/check-durations.ts';
import { EventLoopLag } from './metrics/event-loop-lag.ts';
import { WebhookNotifier } from './notifications/webhook.ts';
import { SubscriptionHub } from './realtime/hub.ts';
import { attachSocketIo, type SocketIoBridge } from './realtime/socket-io.ts';
import { sseRoutes } from './realtime/sse.ts';
import { attachWsBridge, type WsBridge } from './realtime/ws-bridge.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { runCheck } from './services/checks/run-check.ts';
import { ResultWriter } from './services/checks/write-results.ts';
import type { ServiceContext } from './services/context.ts';
import { createServices, type Services } from './services/index.ts';
import { MonitorRegistry } from './services/monitor-registry.ts';
import { RetentionJob } from './services/maintenance/retention-job.ts';
import { createLogger, errorReporter, type Logger } from './logger.ts';
import type { Settings } from './settings.ts';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

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
  webhook: WebhookNotifier | undefined;
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

  const bus = new EventBus(errorReporter(logger, 'event listener failed'));
  // Listening starts before the registry loads: no change made elsewhere falls between the two.
  const relay = database.notifications
    ? new EventRelay({
        bus,
        notifications: database.notifications,
        instanceId: settings.instanceId,
        onError: errorReporter(logger, 'event relay failed'),
        log: (message) => logger.warn(message),
      })
    : undefined;
  const feed = relay?.feed ?? bus;
  const registry = new MonitorRegistry();
  const writer = new ResultWriter(database.db, bus, registry, settings.writeBatchSize, errorReporter(logger, 'writing check results failed, retrying'));
  // Several instances on one PostgreSQL: the User-Agent tells a target which one checked it.
  const prober = new HttpProber(
    database.driver === 'postgres' ? { userAgent: `${DEFAULT_USER_AGENT.slice(0, -1)}; instance ${settings.instanceId})` } : {},
  );
  const ctx: ServiceContext = { db: database.db, bus, registry, writer, prober, scheduler: undefined as never };
  // On PostgreSQL a scheduled check runs only while this instance's hold on its endpoints is sure.
  let ownership: EndpointOwnership | undefined;
  const scheduler = new Scheduler(
    (endpointId) => runCheck(ctx, endpointId),
    (error, endpointId) => logger.error({ err: error, endpointId }, 'scheduled check failed'),
  );
  scheduler.gate = () => ownership?.mayCheck() ?? true;
  // On PostgreSQL the endpoints are shared out among the live instances (server/cluster/).
  ownership =
    database.driver === 'postgres'
      ? new EndpointOwnership({
          db: database.db,
          instanceId: settings.instanceId,
          leaseTtlMs: settings.leaseTtlMs,
          registry,
          scheduler,
          writer,
          onError: errorReporter(logger, 'endpoint ownership tick failed'),
        })
      : undefined;
  ctx.scheduler = ownership ?? scheduler;
  const remote =
    relay && ownership
      ? new RemoteEndpointChanges(database.db, registry, ownership, errorReporter(logger, 'applying a remote endpoint change failed'))
      : undefined;
  if (remote) relay?.onRemote(remote.apply);
  await relay?.start();
  await registry.load(database.db);
  remote?.release();
  const services = createServices(ctx);

  const retention = new RetentionJob(database.db, {
    checkRetentionDays: settings.checkRetentionDays,
    rollupRetentionDays: settings.rollupRetentionDays,
    vacuum: database.driver === 'pglite',
    onError: errorReporter(logger, 'retention run failed (tried again at the next run)'),
    onRun: (report) => logger.info(report, 'retention run: check results rolled up and pruned'),
  });
  const guard = new ApiKeyGuard(parseApiKeys(settings.apiKey), {
    failureLimit: settings.authFailureLimit,
    trustProxy: settings.trustProxy,
  });
  const authorize = guard.authorize;
  const checkDurations = new CheckDurations(bus);
  const eventLoopLag = new EventLoopLag();
  const hub = new SubscriptionHub(feed, errorReporter(logger, 'realtime client failed'));
  let sseClients = 0;
  const sse = sseRoutes({ hub, endpointExists: services.endpointExists, authorize, onOpen: (delta) => (sseClients += delta) });
  let socketIo: SocketIoBridge | undefined;
  let ws: WsBridge | undefined;

  const app = createApp({
    services,
    authorize,
    keyRequired: guard.enabled,
    bodyLimitBytes: settings.bodyLimitBytes,
    importBodyLimitBytes: settings.importBodyLimitBytes,
    logger,
    webDir: options.webDir,
    ping: database.ping,
    realtimeRoutes: sse.routes,
    metrics: () =>
      renderMetrics({
        summary: services.getSummary,
        scheduler: () => scheduler.snapshot(),
        lagQuantiles: () => scheduler.lag.quantiles(LAG_QUANTILES),
        writer: () => ({ ...writer.stats, pending: writer.pending }),
        realtimeClients: () => ({ socketio: socketIo?.clientCount() ?? 0, ws: ws?.clientCount() ?? 0, sse: sseClients }),
        checkDurations,
        eventLoopLag,
        auth: () => ({ rejected: guard.rejected, throttled: guard.throttled }),
        retention: () => retention.stats,
        cluster: relay && ownership ? () => ({ relay: relay.stats, ownership: ownership.stats }) : undefined,
      }),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  socketIo = attachSocketIo({
    server,
    feed,
    endpointExists: services.endpointExists,
    authorize,
    recoveryWindowMs: settings.realtimeRecoveryMs,
  });
  ws = attachWsBridge({
    server,
    hub,
    endpointExists: services.endpointExists,
    authorize,
    pingIntervalMs: settings.wsPingIntervalMs,
  });
  const webhook = settings.webhookUrl
    ? new WebhookNotifier(bus, { url: settings.webhookUrl, secret: settings.webhookSecret, log: (message) => logger.warn(message) })
    : undefined;

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

  if (!ownership) {
    for (const entry of registry.values()) {
      if (!entry.definition.paused) scheduler.schedule(entry.id, entry.definition.intervalSeconds, { lastCheckedAt: entry.lastCheckedAt });
    }
  }
  scheduler.start();
  await ownership?.start();
  retention.start();
  logger.info(
    { url, database: database.driver, dataDir: database.driver === 'pglite' ? settings.dataDir : undefined, endpoints: registry.size },
    `Vigil listening on ${url} (${database.driver === 'pglite' ? `embedded database in ${settings.dataDir}` : 'PostgreSQL'}), ${registry.size} endpoints`,
  );
  if (!guard.enabled && !isLoopback(settings.host)) {
    logger.warn(
      { host: settings.host },
      `API_KEY is not set and Vigil listens on ${settings.host}: anyone who can reach this port can change endpoints. Set API_KEY, or HOST=127.0.0.1.`,
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
      await ownership?.stop();
      const unfinished = await scheduler.stop(settings.shutdownTimeoutMs);
      if (unfinished > 0) logger.warn({ unfinished }, `shutdown: ${unfinished} checks did not finish in ${settings.shutdownTimeoutMs} ms`);
      await writer.drain();
      // Every result is written: the other instances may take our endpoints over now.
      await ownership?.leave().catch(errorReporter(logger, 'handing over endpoints failed'));
      await relay?.stop();
      await webhook?.stop();
      // Each transport sends the shutdown notice and closes so that its clients reconnect.
      await Promise.all([ws!.close(), socketIo!.close(), sse.close()]);
      hub.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Open SSE streams and unfinished requests get a moment, then are cut.
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(force);
      prober.close();
      checkDurations.close();
      eventLoopLag.close();
      await database.close();
    })());

  return { url, port, server, app, bus, feed, relay, services, scheduler, writer, registry, database, hub, socketIo, ws, webhook, retention, logger, stop };
}
