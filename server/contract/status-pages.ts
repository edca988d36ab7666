/**
 * Public status pages, incident updates and uptime reports (docs/status-pages.md). The admin side
 * (StatusPage, IncidentUpdate, UptimeReport) is REST under /api; the public side (PublicStatusPage,
 * PublicPageState) is what /status/:slug shows — by construction nothing else an endpoint holds.
 */
import type { EndpointStatus } from './types.ts';

export const STATUS_PAGE_VISIBILITIES = ['public', 'password'] as const;
/** public: anyone may read it; password: only after the page's password is given (a cookie, 30 days). */
export type StatusPageVisibility = (typeof STATUS_PAGE_VISIBILITIES)[number];

export const STATUS_PAGE_LANGUAGES = ['en', 'ko'] as const;
export type StatusPageLanguage = (typeof STATUS_PAGE_LANGUAGES)[number];

/** What a status page's fields may hold, as the API enforces it (numbers inclusive). */
export const STATUS_PAGE_LIMITS = {
  slugLength: { min: 2, max: 60 },
  titleLength: 100,
  descriptionLength: 2000,
  footerLength: 1000,
  logoUrlLength: 2048,
  sectionNameLength: 100,
  sections: 20,
  /** Endpoints a page may show in all (one endpoint in two sections counts twice). */
  endpoints: 500,
  passwordLength: { min: 8, max: 200 },
  domainLength: 253,
  pages: 100,
} as const;

/** A group of endpoints on a page: the ones named, or every endpoint with the tag (then endpointIds is []). */
export interface StatusPageSection {
  name: string;
  endpointIds: string[];
  /** Every endpoint with this tag, in name order (null: the endpoints named). */
  tag: string | null;
}

/** What a user sets on a status page. */
export interface StatusPageDefinition {
  /** Its address: /status/<slug> (lowercase letters, digits and hyphens). */
  slug: string;
  title: string;
  description: string | null;
  /** An https: (or http:) image URL, or a data:image/png|jpeg|gif|webp;base64 URL up to 64 KB. */
  logoUrl: string | null;
  sections: StatusPageSection[];
  visibility: StatusPageVisibility;
  /**
   * Write-only: set it with visibility "password" (required then, unless one is stored); reads
   * give "(secret)" when one is stored, null otherwise. Sending "(secret)" keeps the stored one.
   */
  password: string | null;
  /** A host name (status.example.com) that shows this page at its root; null: none. */
  customDomain: string | null;
  footer: string | null;
  /** Show each endpoint's average response time (24 h). Off by default. */
  showResponseTimes: boolean;
  /** The language when the browser's is neither English nor Korean (null: English). */
  defaultLanguage: StatusPageLanguage | null;
  /** How visitors may follow the page besides RSS/Atom (both off by default; email needs SMTP_URL). */
  subscriptions: StatusPageSubscriptions;
}

/** Ways of following a page a visitor may use: email (double opt-in) and webhook (the URL must echo a challenge). */
export interface StatusPageSubscriptions {
  email: boolean;
  webhook: boolean;
}

export interface StatusPage extends StatusPageDefinition {
  id: string;
  /** Where it is seen: PUBLIC_URL/status/<slug> (a path when PUBLIC_URL is not set). */
  url: string;
  createdAt: string;
  updatedAt: string;
}

export const INCIDENT_UPDATE_STATES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentUpdateState = (typeof INCIDENT_UPDATE_STATES)[number];

export const INCIDENT_UPDATE_LIMITS = { messageLength: 5000, titleLength: 200, perIncident: 200 } as const;

/** What people say about an incident, shown on the status pages that show its endpoint. */
export interface IncidentUpdate {
  id: string;
  incidentId: string;
  endpointId: string;
  state: IncidentUpdateState;
  message: string;
  createdAt: string;
  updatedAt: string;
}

/** The overall state a page shows: the worst of its endpoints. */
export const PAGE_OVERALL_STATES = ['operational', 'degraded', 'partial_outage', 'major_outage', 'maintenance', 'unknown'] as const;
export type PageOverallState = (typeof PAGE_OVERALL_STATES)[number];

/** One UTC day of an endpoint on a page. */
export interface PublicDay {
  /** YYYY-MM-DD, UTC. */
  date: string;
  /** Percent of checks not DOWN (maintenance left out); null: no checks that day. */
  uptime: number | null;
  /** Incidents that started that day. */
  incidents: number;
  /** Minutes of incidents that day (open ones up to now). */
  downMinutes: number;
}

export interface PublicEndpoint {
  id: string;
  name: string;
  status: EndpointStatus;
  /** Over the 90 days shown (null: no checks). */
  uptime90d: number | null;
  /** Average response time over 24 h, in ms — only when the page shows response times. */
  avgResponseTime?: number | null;
  /** 90 days, oldest first; the last is today. */
  days: PublicDay[];
}

export interface PublicIncidentUpdate {
  id: string;
  state: IncidentUpdateState;
  message: string;
  createdAt: string;
}

export interface PublicIncident {
  id: string;
  endpointId: string;
  endpointName: string;
  startedAt: string;
  resolvedAt: string | null;
  /** Newest first. */
  updates: PublicIncidentUpdate[];
}

export interface PublicMaintenance {
  name: string;
  description: string | null;
  startsAt: string;
  endsAt: string;
  /** Names of the page's endpoints it covers. */
  endpointNames: string[];
  active: boolean;
}

/** What changes from moment to moment; the live stream sends it whole on every change. */
export interface PublicPageState {
  overall: PageOverallState;
  /** Endpoint id → status, for the page's endpoints. */
  statuses: Record<string, EndpointStatus>;
  activeIncidents: PublicIncident[];
  /** Going on now, and starting within 7 days. */
  maintenance: PublicMaintenance[];
  generatedAt: string;
}

/** GET /status/:slug/page.json, and what the HTML shows. */
export interface PublicStatusPage extends PublicPageState {
  slug: string;
  title: string;
  description: string | null;
  logoUrl: string | null;
  footer: string | null;
  defaultLanguage: StatusPageLanguage | null;
  sections: { name: string; endpoints: PublicEndpoint[] }[];
  /** Resolved incidents of the 90 days, newest first (at most 20). */
  pastIncidents: PublicIncident[];
  /** The subscription forms the page offers (email only while SMTP_URL is set). */
  subscriptions: StatusPageSubscriptions;
}

export const SUBSCRIBER_KINDS = ['email', 'webhook'] as const;
export type SubscriberKind = (typeof SUBSCRIBER_KINDS)[number];

export const SUBSCRIPTION_LIMITS = {
  emailLength: 254,
  webhookUrlLength: 2048,
  /** Subscribers of one page, pending ones included. */
  perPage: 10_000,
  /** An email address not confirmed within this is forgotten. */
  pendingHours: 48,
  /** At most one confirmation email per address and page this often. */
  confirmationEveryMinutes: 10,
  /** Subscribe requests per client address and minute. */
  requestsPerMinute: 10,
} as const;

/** GET /api/status-pages/:id/subscribers: someone following a page by email or webhook. */
export interface StatusPageSubscriber {
  id: string;
  pageId: string;
  kind: SubscriberKind;
  /** The email address, or the webhook URL. */
  target: string;
  language: StatusPageLanguage;
  /** Null until confirmed: the email's link followed, or (webhook) the challenge echoed. */
  confirmedAt: string | null;
  createdAt: string;
  /** When the last notice reached it (null: none yet). */
  lastDeliveredAt: string | null;
  /** Notices given up on after every retry. */
  failedDeliveries: number;
}

export const SUBSCRIBER_NOTICE_KINDS = ['incident.started', 'incident.updated', 'incident.resolved'] as const;
export type SubscriberNoticeKind = (typeof SUBSCRIBER_NOTICE_KINDS)[number];

/** What a page's subscribers are told: built from what the page shows (PublicIncident), nothing else. */
export interface SubscriberNotice {
  kind: SubscriberNoticeKind;
  incident: PublicIncident;
  /** incident.updated: the update posted (null otherwise). */
  update: PublicIncidentUpdate | null;
  occurredAt: string;
}

/** The body POSTed to a subscriber's webhook (signed: X-Vigil-Signature, HMAC-SHA256 with its secret). */
export interface SubscriberWebhookBody {
  type: SubscriberNoticeKind | 'subscription.confirm';
  page: { slug: string; title: string; url: string };
  /** Null in subscription.confirm. */
  notice: SubscriberNotice | null;
  /** subscription.confirm only: answer 2xx with this as the body (or JSON {"challenge": …}). */
  challenge?: string;
  /** subscription.confirm only: the key of X-Vigil-Signature (keep it to check later deliveries). */
  secret?: string;
  /** One line in the page's language. */
  text: string;
  /** POST here to stop. */
  unsubscribeUrl: string;
  sentAt: string;
}

/** GET /api/reports/uptime: one endpoint over the period. */
export interface EndpointReport {
  endpointId: string;
  name: string;
  tags: string[];
  checks: number;
  /** Percent of checks not DOWN (maintenance left out); null: no checks. */
  uptime: number | null;
  /** Over the checks not DOWN, ms. */
  avgResponseTime: number | null;
  incidents: number;
  /** Incident time within the period, ms (open ones up to the period's end or now). */
  downtimeMs: number;
  /** The endpoint's SLA target (percent), null when none is set. */
  slaTarget: number | null;
  /** Downtime the target allows over the period, ms (null without a target). */
  errorBudgetMs: number | null;
  /** What is left of it: the budget less the share of checks DOWN over the period (negative once overspent; null without a target or checks). */
  errorBudgetRemainingMs: number | null;
  /** Whether uptime meets the target (null without a target or checks). */
  slaMet: boolean | null;
}

export interface ReportIncident {
  id: string;
  endpointId: string;
  endpointName: string;
  startedAt: string;
  resolvedAt: string | null;
  /** Within the period. */
  durationMs: number;
}

export interface UptimeReport {
  from: string;
  to: string;
  endpoints: EndpointReport[];
  /** Incidents overlapping the period, oldest first (at most 1,000; `incidentsTruncated` says when more). */
  incidents: ReportIncident[];
  incidentsTruncated: boolean;
  /** Over every endpoint's checks. */
  total: { checks: number; uptime: number | null; downtimeMs: number; incidents: number };
}
