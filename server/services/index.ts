import type { ExportOptions } from '../domain/endpoint-transfer.ts';
import type { ServiceContext } from './context.ts';
import { checkNow } from './checks/check-now.ts';
import { listChecks } from './checks/list.ts';
import { recentChecks } from './checks/recent.ts';
import { getResponseSeries } from './checks/series.ts';
import { getUptime } from './checks/uptime.ts';
import { createEndpoint } from './endpoints/create.ts';
import { deleteEndpoint } from './endpoints/delete.ts';
import { exportEndpoints } from './endpoints/export.ts';
import { getEndpoint } from './endpoints/get.ts';
import { importEndpoints } from './endpoints/import.ts';
import { listEndpoints } from './endpoints/list.ts';
import { setPaused, updateEndpoint } from './endpoints/update.ts';
import { getIncident } from './incidents/get.ts';
import { listIncidents } from './incidents/list.ts';
import { getSummary } from './summary.ts';
import { pushTokenOfEndpoint, renewPushToken } from './push/ping-url.ts';
import { type PingSignal, receivePing } from './push/receive-ping.ts';
import { createMaintenanceWindow } from './maintenance-windows/create.ts';
import { getMaintenanceWindow, listMaintenanceWindows } from './maintenance-windows/read.ts';
import { updateMaintenanceWindow } from './maintenance-windows/update.ts';
import { deleteMaintenanceWindow } from './maintenance-windows/delete.ts';
import { createChannel } from './notification-channels/create.ts';
import { getChannel, listChannels } from './notification-channels/read.ts';
import { updateChannel } from './notification-channels/update.ts';
import { deleteChannel } from './notification-channels/delete.ts';
import { testChannel } from './notification-channels/test-channel.ts';
import { listDeliveries } from './notification-channels/deliveries.ts';
import { getStatusPage, listStatusPages } from './status-pages/read.ts';
import { createStatusPage, deleteStatusPage, updateStatusPage } from './status-pages/write.ts';
import { deleteSubscriber, listSubscribers } from './status-pages/subscriptions.ts';
import { createIncidentUpdate, deleteIncidentUpdate, listIncidentUpdates, updateIncidentUpdate } from './incident-updates/incident-updates.ts';
import { reportCsv, uptimeReport } from './reports/uptime-report.ts';
import type { UptimeReport } from '../contract/status-pages.ts';

/** The operations the transports may call, bound to one context. */
export function createServices(ctx: ServiceContext) {
  return {
    createEndpoint: (input: unknown) => createEndpoint(ctx, input),
    listEndpoints: (query: Record<string, string>) => listEndpoints(ctx, query),
    getEndpoint: (id: string) => getEndpoint(ctx, id),
    updateEndpoint: (id: string, input: unknown) => updateEndpoint(ctx, id, input),
    deleteEndpoint: (id: string) => deleteEndpoint(ctx, id),
    pauseEndpoint: (id: string) => setPaused(ctx, id, true),
    resumeEndpoint: (id: string) => setPaused(ctx, id, false),
    exportEndpoints: (options?: ExportOptions) => exportEndpoints(ctx, options),
    importEndpoints: (input: unknown, query: Record<string, string>) => importEndpoints(ctx, input, query),
    checkNow: (id: string) => checkNow(ctx, id),
    listChecks: (id: string, query: Record<string, string>) => listChecks(ctx, id, query),
    getUptime: (id: string) => getUptime(ctx, id),
    responseSeries: (id: string, query: Record<string, string>) => getResponseSeries(ctx, id, query),
    recentChecks: (query: Record<string, string>) => recentChecks(ctx, query),
    listIncidents: (query: Record<string, string>) => listIncidents(ctx, query),
    getIncident: (id: string) => getIncident(ctx, id),
    getSummary: () => getSummary(ctx),
    receivePing: (token: string, signal: PingSignal, body: string | null) => receivePing(ctx, token, signal, body),
    pushToken: (id: string) => pushTokenOfEndpoint(ctx, id),
    renewPushToken: (id: string) => renewPushToken(ctx, id),
    listMaintenanceWindows: (query: Record<string, string>) => listMaintenanceWindows(ctx, query),
    createMaintenanceWindow: (input: unknown) => createMaintenanceWindow(ctx, input),
    getMaintenanceWindow: (id: string) => getMaintenanceWindow(ctx, id),
    updateMaintenanceWindow: (id: string, input: unknown) => updateMaintenanceWindow(ctx, id, input),
    deleteMaintenanceWindow: (id: string) => deleteMaintenanceWindow(ctx, id),
    listChannels: () => listChannels(ctx),
    createChannel: (input: unknown) => createChannel(ctx, input),
    getChannel: (id: string) => getChannel(ctx, id),
    updateChannel: (id: string, input: unknown) => updateChannel(ctx, id, input),
    deleteChannel: (id: string) => deleteChannel(ctx, id),
    testChannel: (id: string) => testChannel(ctx, id),
    listDeliveries: (id: string, query: Record<string, string>) => listDeliveries(ctx, id, query),
    listStatusPages: () => listStatusPages(ctx),
    createStatusPage: (input: unknown) => createStatusPage(ctx, input),
    getStatusPage: (id: string) => getStatusPage(ctx, id),
    updateStatusPage: (id: string, input: unknown) => updateStatusPage(ctx, id, input),
    deleteStatusPage: (id: string) => deleteStatusPage(ctx, id),
    listSubscribers: (pageId: string, query: Record<string, string | undefined>) => listSubscribers(ctx, pageId, query),
    deleteSubscriber: (pageId: string, subscriberId: string) => deleteSubscriber(ctx, pageId, subscriberId),
    listIncidentUpdates: (incidentId: string) => listIncidentUpdates(ctx, incidentId),
    createIncidentUpdate: (incidentId: string, input: unknown) => createIncidentUpdate(ctx, incidentId, input),
    updateIncidentUpdate: (incidentId: string, updateId: string, input: unknown) => updateIncidentUpdate(ctx, incidentId, updateId, input),
    deleteIncidentUpdate: (incidentId: string, updateId: string) => deleteIncidentUpdate(ctx, incidentId, updateId),
    uptimeReport: (query: Record<string, string>) => uptimeReport(ctx, query),
    uptimeReportCsv: (report: UptimeReport) => reportCsv(report),
    /** Whether an endpoint exists; answered from memory (subscriptions ask it often). */
    endpointExists: (id: string) => ctx.registry.has(id),
  };
}

export type Services = ReturnType<typeof createServices>;
