import type { Database } from '../../db/client.ts';
import type { Checker } from '../checker/checker.ts';
import type { EventBus } from '../events/bus.ts';
import type { TargetPolicy } from '../security/target-policy.ts';
import type { Placement } from '../scheduler/placement.ts';
import type { ResultWriter } from '../results/result-writer.ts';
import type { MonitorRegistry } from '../state/monitor-registry.ts';
import type { MaintenanceCalendar } from '../state/maintenance-calendar.ts';
import type { MaintenanceView } from './maintenance-windows/maintenance-watch.ts';
import type { Dependencies } from './checks/dependencies.ts';
import type { PushDirectory } from './push/push-directory.ts';
import type { PushRuns } from './push/push-runs.ts';
import type { ChannelDirectory } from '../state/channel-directory.ts';
import type { NotificationRouter } from '../notifications/notification-router.ts';
import type { Dispatcher } from '../notifications/dispatcher.ts';
import type { OutboxStore } from '../notifications/outbox-store.ts';
import type { StatusBoard } from '../state/status-board.ts';
import type { StatusPageDirectory } from '../state/status-page-directory.ts';
import type { SmtpServer } from '../settings.ts';

/** What every service function is given; built once in server/vigil.ts. */
export interface ServiceContext {
  db: Database;
  bus: EventBus;
  registry: MonitorRegistry;
  /** Where and when endpoints are checked (this instance alone, or several sharing them out). */
  placement: Placement;
  writer: ResultWriter;
  prober: Checker;
  /** push: runs started, deadlines reported (memory), and the endpoints by token. */
  pushRuns: PushRuns;
  pushDirectory: PushDirectory;
  /** Which targets endpoints may name (the SSRF policy, from BLOCKED_TARGETS / ALLOWED_TARGETS). */
  targets: TargetPolicy;
  /** Every maintenance window, in memory (reads ask it whether an endpoint is in maintenance). */
  calendar: MaintenanceCalendar;
  /** What recording a check asks about maintenance (the watch that announces windows). */
  maintenance: MaintenanceView;
  /** What an incident is blamed on: the endpoint's parent, when that is down. */
  dependencies: Dependencies;
  /** Every notification channel, in memory. */
  channels: ChannelDirectory;
  /** Which notifications a check causes (recording a check asks it). */
  notifications: NotificationRouter;
  /** Delivers the outbox; sends a channel's test. */
  dispatcher: Dispatcher;
  outbox: OutboxStore;
  /** Every status page, in memory. */
  statusPages: StatusPageDirectory;
  /** Where people reach Vigil (PUBLIC_URL without its final slash; '' when not set). */
  publicUrl: string;
  /** The mail server of subscribers' mails (SMTP_URL); undefined: none. */
  smtp: SmtpServer | undefined;
  /** Every endpoint's status on every instance (the registry's is current only for those checked here). */
  board: Pick<StatusBoard, 'statusOf'>;
}
