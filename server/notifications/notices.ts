import type { Notice, NotificationEvent } from '../contract/notifications.ts';
import type { EndpointDefinition, EndpointStatus, FailedAssertion } from '../contract/types.ts';
import type { CheckErrorCode } from '../contract/types.ts';

/** What one check tells of its endpoint, for the notices it causes. */
export interface NoticeFacts {
  endpoint: { id: string; definition: Pick<EndpointDefinition, 'name' | 'type' | 'url' | 'tags'> };
  status: EndpointStatus;
  previousStatus: EndpointStatus | null;
  at: Date;
  since: Date | null;
  incidentId: string | null;
  statusCode: number | null;
  errorMessage: string | null;
  errorCode: CheckErrorCode | null;
  failedAssertions: readonly FailedAssertion[];
  responseTime: number | null;
  durationMs: number | null;
  certificate: { expiresAt: string; daysLeft: number } | null;
  source: { event: string; data: unknown } | null;
}

/** The key an alert shares with what follows it: an incident's, else the endpoint's (down → recovered). */
export function threadKeyOf(event: NotificationEvent | 'reminder', endpointId: string, incidentId: string | null, certificateEnd?: string): string {
  if (event === 'certificate-expiring') return `vigil-certificate-${endpointId}-${certificateEnd ?? ''}`;
  if ((event === 'incident-started' || event === 'incident-resolved' || event === 'reminder') && incidentId) return `vigil-incident-${incidentId}`;
  return `vigil-endpoint-${endpointId}`;
}

/** The address shown in a message: never a secret (a URL's password) nor a push token. */
export function shownAddress(definition: Pick<EndpointDefinition, 'type' | 'url'>): string {
  if (definition.type === 'push') return 'push';
  try {
    const url = new URL(definition.url);
    url.username = '';
    url.password = '';
    url.search = '';
    return url.href;
  } catch {
    return definition.url.slice(0, 200);
  }
}

/** The endpoint's page, when Vigil knows its public address. */
export function linkOf(publicUrl: string, endpointId: string): string | null {
  return publicUrl ? `${publicUrl}/endpoints/${endpointId}` : null;
}

export function noticeOf(
  id: string,
  event: NotificationEvent | 'reminder',
  facts: NoticeFacts,
  publicUrl: string,
  reminder: Notice['reminder'] = null,
): Notice {
  const { endpoint } = facts;
  return {
    id,
    event,
    endpoint: {
      id: endpoint.id,
      name: endpoint.definition.name,
      type: endpoint.definition.type,
      address: shownAddress(endpoint.definition),
      tags: [...endpoint.definition.tags],
    },
    status: facts.status,
    previousStatus: facts.previousStatus,
    at: facts.at.toISOString(),
    since: facts.since?.toISOString() ?? null,
    incidentId: facts.incidentId,
    reason: {
      statusCode: facts.statusCode,
      errorMessage: facts.errorMessage,
      errorCode: facts.errorCode,
      failedAssertions: facts.failedAssertions.map((f) => f.message),
      responseTime: facts.responseTime,
    },
    durationMs: facts.durationMs,
    certificate: facts.certificate,
    reminder,
    threadKey: threadKeyOf(event, endpoint.id, facts.incidentId, facts.certificate?.expiresAt),
    threadRef: null,
    link: linkOf(publicUrl, endpoint.id),
    source: facts.source,
  };
}
