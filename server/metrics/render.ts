import type { Summary } from '../contract/types.ts';
import { DURATION_BUCKETS_SECONDS, type CheckDurations } from './check-durations.ts';
import type { EventLoopLag } from './event-loop-lag.ts';
import type { SchedulerStats } from '../scheduler/scheduler.ts';
import type { WriterStats } from '../results/result-writer.ts';
import type { RetentionStats } from '../services/retention/retention-job.ts';
import type { DispatcherStats } from '../notifications/dispatcher.ts';
import type { EventRelayStats } from '../cluster/event-relay.ts';
import type { OwnershipStats } from '../cluster/ownership.ts';

export interface MetricsSources {
  /** Counts per status; `stale` when the database did not answer and these are the last known. */
  summary: () => Promise<Summary & { stale?: boolean }>;
  scheduler: () => SchedulerStats;
  lagQuantiles: () => (number | null)[];
  writer: () => WriterStats & { pending: number; failing: boolean };
  realtimeClients: () => { socketio: number; ws: number; sse: number };
  checkDurations: CheckDurations;
  eventLoopLag: EventLoopLag;
  auth: () => { rejected: number; throttled: number };
  retention: () => RetentionStats;
  /** The notification dispatcher's counts (docs/notifications.md). */
  notifications: () => DispatcherStats;
  /** On PostgreSQL only: the relay of events between instances and this instance's share of endpoints. */
  cluster?: () => { relay: EventRelayStats; ownership: OwnershipStats };
}

export const LAG_QUANTILES = [0.5, 0.9, 0.99] as const;

/** Renders the Prometheus text exposition of Vigil's counters and gauges. */
export async function renderMetrics(sources: MetricsSources): Promise<string> {
  const summary = await sources.summary();
  const scheduler = sources.scheduler();
  const writer = sources.writer();
  const lag = sources.lagQuantiles();
  const memory = process.memoryUsage();
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number | null][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) if (value !== null) lines.push(`${name}${labels} ${value}`);
  };
  metric('vigil_endpoints', 'gauge', 'Endpoints being checked, by current status (paused ones are in vigil_endpoints_paused only).', [
    ['{status="UP"}', summary.up],
    ['{status="DEGRADED"}', summary.degraded],
    ['{status="DOWN"}', summary.down],
    ['{status="PENDING"}', summary.pending],
    ['{status="MAINTENANCE"}', summary.maintenance],
  ]);
  metric('vigil_endpoints_paused', 'gauge', 'Paused endpoints.', [['', summary.paused]]);
  metric('vigil_database_up', 'gauge', '1 when the database answered this scrape, 0 when the counts above are the last known.', [['', summary.stale ? 0 : 1]]);
  metric('vigil_incidents_open', 'gauge', 'Open incidents.', [['', summary.openIncidents]]);
  metric('vigil_checks_started_total', 'counter', 'Scheduled checks started.', [['', scheduler.started]]);
  metric('vigil_checks_skipped_overlap_total', 'counter', 'Scheduled runs skipped because the previous check was still running.', [
    ['', scheduler.skippedOverlaps],
  ]);
  metric('vigil_checks_skipped_fenced_total', 'counter', 'Scheduled runs skipped because this instance could not be sure it still held the endpoint.', [
    ['', scheduler.skippedGated],
  ]);
  metric('vigil_checks_running', 'gauge', 'Checks in progress.', [['', scheduler.running]]);
  metric('vigil_scheduler_lag_ms', 'summary', 'Actual minus planned start of the last 10,000 checks, in ms.', [
    ...LAG_QUANTILES.map((q, i): [string, number | null] => [`{quantile="${q}"}`, lag[i] ?? null]),
  ]);
  metric('vigil_check_results_written_total', 'counter', 'Check results written.', [['', writer.written]]);
  metric('vigil_check_result_batches_total', 'counter', 'Transactions that wrote check results.', [['', writer.batches]]);
  metric('vigil_check_result_write_retries_total', 'counter', 'Failed result batches, retried.', [['', writer.retries]]);
  metric('vigil_check_results_pending', 'gauge', 'Check results waiting to be written (the result queue depth).', [['', writer.pending]]);
  metric('vigil_check_result_write_failing', 'gauge', '1 while check results cannot be written (the database is away or out of space), else 0.', [
    ['', writer.failing ? 1 : 0],
  ]);
  metric(
    'vigil_check_results_dropped_total',
    'counter',
    'Check results dropped because the result queue was full (RESULT_QUEUE_LIMIT); never a status change or an incident change.',
    [['', writer.dropped]],
  );
  metric(
    'vigil_check_results_unwritable_total',
    'counter',
    'Check results the database refused as values (a data exception), set aside so that the results behind them are written.',
    [['', writer.unwritable]],
  );
  metric(
    'vigil_check_results_published_before_write_total',
    'counter',
    'Check results whose events went out before they were stored (the database was slow or away).',
    [['', writer.publishedBeforeWrite]],
  );
  metric('vigil_check_results_last_write_timestamp_seconds', 'gauge', 'When check results were last written.', [
    ['', writer.lastWriteAt === null ? null : writer.lastWriteAt / 1000],
  ]);
  metric('vigil_check_results_seconds_since_last_write', 'gauge', 'Seconds since check results were last written (absent before the first write).', [
    ['', writer.lastWriteAt === null ? null : Math.max(0, (Date.now() - writer.lastWriteAt) / 1000)],
  ]);
  metric('vigil_check_results_last_write_failure_timestamp_seconds', 'gauge', 'When writing check results last failed.', [
    ['', writer.lastFailureAt === null ? null : writer.lastFailureAt / 1000],
  ]);
  const clients = sources.realtimeClients();
  metric('vigil_realtime_clients', 'gauge', 'Connected realtime clients by transport.', [
    ['{transport="socketio"}', clients.socketio],
    ['{transport="ws"}', clients.ws],
    ['{transport="sse"}', clients.sse],
  ]);
  const histograms = sources.checkDurations.snapshot();
  lines.push('# HELP vigil_check_duration_seconds Duration of completed checks (scheduled and on demand) by result.');
  lines.push('# TYPE vigil_check_duration_seconds histogram');
  for (const [status, histogram] of histograms) {
    for (const [i, le] of DURATION_BUCKETS_SECONDS.entries())
      lines.push(`vigil_check_duration_seconds_bucket{status="${status}",le="${le}"} ${histogram.buckets[i]}`);
    lines.push(`vigil_check_duration_seconds_bucket{status="${status}",le="+Inf"} ${histogram.count}`);
    lines.push(`vigil_check_duration_seconds_sum{status="${status}"} ${histogram.sumSeconds}`);
    lines.push(`vigil_check_duration_seconds_count{status="${status}"} ${histogram.count}`);
  }
  const auth = sources.auth();
  metric('vigil_auth_failures_total', 'counter', 'Requests and connections that presented a wrong API key.', [['', auth.rejected]]);
  metric('vigil_auth_throttled_total', 'counter', 'Requests and connections refused because their address presented too many wrong keys.', [
    ['', auth.throttled],
  ]);
  const notifications = sources.notifications();
  metric(
    'vigil_notifications_total',
    'counter',
    'Notification attempts by channel type and outcome (delivered; retrying: failed, tried again; failed: given up).',
    Object.entries(notifications.byType).flatMap(([type, counts]) =>
      (['delivered', 'retrying', 'failed'] as const).map((outcome): [string, number] => [
        `{type="${type}",outcome="${outcome}"}`,
        counts[outcome === 'retrying' ? 'retried' : outcome],
      ]),
    ),
  );
  metric('vigil_notification_messages_total', 'counter', 'Messages sent to providers (a grouped one counts once).', [['', notifications.messages]]);
  metric('vigil_notification_groups_total', 'counter', 'Grouped messages sent (flood control).', [['', notifications.grouped]]);
  metric('vigil_notifications_held', 'gauge', 'Notifications held in memory, waiting for their group, their retry or their channel.', [
    ['', notifications.held],
  ]);
  const retention = sources.retention();
  metric('vigil_retention_runs_total', 'counter', 'Retention runs (roll up, then prune) that finished.', [['', retention.runs]]);
  metric('vigil_retention_failures_total', 'counter', 'Retention runs that failed (retried at the next run).', [['', retention.failures]]);
  metric('vigil_check_rollup_hours_total', 'counter', 'Hours of check results summed up into hourly rollups.', [['', retention.hoursRolledUp]]);
  metric('vigil_check_results_pruned_total', 'counter', 'Raw check results deleted after CHECK_RETENTION_DAYS.', [['', retention.rawRowsPruned]]);
  metric('vigil_check_rollups_pruned_total', 'counter', 'Hourly rollups deleted after ROLLUP_RETENTION_DAYS.', [['', retention.rollupRowsPruned]]);
  metric('vigil_retention_last_run_timestamp_seconds', 'gauge', 'When the last retention run finished.', [
    ['', retention.lastRunAt ? retention.lastRunAt.getTime() / 1000 : null],
  ]);
  metric('vigil_retention_longest_transaction_seconds', 'gauge', 'Longest single retention transaction so far.', [['', retention.longestBatchMs / 1000]]);
  const cluster = sources.cluster?.();
  if (cluster) {
    const { relay, ownership } = cluster;
    metric('vigil_cluster_instances_live', 'gauge', 'Live instances on this PostgreSQL, as of the last heartbeat.', [['', ownership.liveInstances]]);
    metric('vigil_cluster_endpoints_owned', 'gauge', 'Endpoints this instance checks.', [['', ownership.owned]]);
    metric('vigil_cluster_endpoints_claimed_total', 'counter', 'Endpoint leases this instance took (start, join, takeover).', [['', ownership.claimed]]);
    metric('vigil_cluster_endpoints_released_total', 'counter', 'Endpoint leases this instance handed over.', [['', ownership.released]]);
    metric('vigil_cluster_endpoints_lost_total', 'counter', 'Endpoint leases taken away while this instance held them (it stalled).', [['', ownership.lost]]);
    metric('vigil_cluster_events_published_total', 'counter', 'Local events sent to the other instances.', [['', relay.published]]);
    metric('vigil_cluster_events_received_total', 'counter', 'Events received from the other instances.', [['', relay.received]]);
    metric('vigil_cluster_events_dropped_total', 'counter', 'Local events never sent (PostgreSQL unreachable too long).', [['', relay.dropped]]);
    metric('vigil_cluster_events_missed_total', 'counter', 'Events of other instances missed (while not listening).', [['', relay.missed]]);
    metric('vigil_cluster_events_queued', 'gauge', 'Local events waiting to be sent.', [['', relay.queued]]);
    metric('vigil_cluster_notifications_total', 'counter', 'NOTIFY payloads sent.', [['', relay.notifications]]);
    metric('vigil_cluster_listening', 'gauge', '1 while listening for the other instances, 0 while reconnecting.', [['', relay.listening ? 1 : 0]]);
  }
  const loop = sources.eventLoopLag.takeSnapshot();
  metric('nodejs_eventloop_lag_p50_seconds', 'gauge', 'Event-loop delay, median since the previous scrape.', [['', loop.p50Seconds]]);
  metric('nodejs_eventloop_lag_p99_seconds', 'gauge', 'Event-loop delay, 99th percentile since the previous scrape.', [['', loop.p99Seconds]]);
  metric('nodejs_eventloop_lag_max_seconds', 'gauge', 'Event-loop delay, maximum since the previous scrape.', [['', loop.maxSeconds]]);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory.', [['', memory.rss]]);
  metric('process_cpu_seconds_total', 'counter', 'User and system CPU time.', [['', (process.cpuUsage().user + process.cpuUsage().system) / 1e6]]);
  return lines.join('\n') + '\n';
}
