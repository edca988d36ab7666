import type { Context, MiddlewareHandler } from 'hono';
import { routeOf } from '../../auth/route-permissions.ts';
import type { AuditLog, AuditRecord } from '../../services/audit/audit-log.ts';
import { clientAddressOf } from '../remote-address.ts';

/** What each audited route records: its action and the kind of thing it changes. */
export const AUDITED_ROUTES: Record<string, [action: string, targetType: string]> = {
  'POST /api/endpoints': ['endpoint.created', 'endpoint'],
  'PATCH /api/endpoints/:id': ['endpoint.updated', 'endpoint'],
  'DELETE /api/endpoints/:id': ['endpoint.deleted', 'endpoint'],
  'POST /api/endpoints/:id/pause': ['endpoint.paused', 'endpoint'],
  'POST /api/endpoints/:id/resume': ['endpoint.resumed', 'endpoint'],
  'POST /api/endpoints/:id/push-url': ['endpoint.push-token-renewed', 'endpoint'],
  'POST /api/incidents/:id/updates': ['incident.update-posted', 'incident'],
  'PATCH /api/incidents/:id/updates/:updateId': ['incident.update-edited', 'incident'],
  'DELETE /api/incidents/:id/updates/:updateId': ['incident.update-deleted', 'incident'],
  'POST /api/maintenance-windows': ['maintenance.created', 'maintenance-window'],
  'PATCH /api/maintenance-windows/:id': ['maintenance.updated', 'maintenance-window'],
  'DELETE /api/maintenance-windows/:id': ['maintenance.deleted', 'maintenance-window'],
  'POST /api/notification-channels': ['channel.created', 'notification-channel'],
  'PATCH /api/notification-channels/:id': ['channel.updated', 'notification-channel'],
  'DELETE /api/notification-channels/:id': ['channel.deleted', 'notification-channel'],
  'POST /api/status-pages': ['status-page.created', 'status-page'],
  'PATCH /api/status-pages/:id': ['status-page.updated', 'status-page'],
  'DELETE /api/status-pages/:id': ['status-page.deleted', 'status-page'],
  'DELETE /api/status-pages/:id/subscribers/:subscriberId': ['status-page.subscriber-removed', 'status-page'],
  'POST /api/import': ['endpoints.imported', 'endpoint'],
  'GET /api/export': ['endpoints.exported-with-secrets', 'endpoint'],
  'POST /api/setup': ['account.owner-created', 'user'],
  'POST /api/session': ['session.signed-in', 'user'],
  'GET /api/auth/oidc/callback': ['session.signed-in', 'user'],
  'DELETE /api/session': ['session.signed-out', 'user'],
  'DELETE /api/sessions': ['session.signed-out-elsewhere', 'user'],
  'DELETE /api/sessions/:id': ['session.ended', 'user'],
  'PATCH /api/users/:id': ['user.role-changed', 'user'],
  'DELETE /api/users/:id': ['user.removed', 'user'],
  'PATCH /api/account': ['account.updated', 'user'],
  'POST /api/account/two-factor/confirm': ['account.two-factor-on', 'user'],
  'POST /api/account/two-factor/disable': ['account.two-factor-off', 'user'],
  'POST /api/account/recovery-codes': ['account.recovery-codes-renewed', 'user'],
  'DELETE /api/users/:id/two-factor': ['user.two-factor-reset', 'user'],
  'POST /api/keys': ['key.created', 'key'],
  'DELETE /api/keys/:id': ['key.revoked', 'key'],
  'POST /api/invites': ['invite.created', 'invite'],
  'DELETE /api/invites/:id': ['invite.withdrawn', 'invite'],
  'POST /api/invitations/:token': ['account.joined', 'user'],
  'POST /api/users/:id/password-reset': ['user.password-reset-link-made', 'user'],
  'DELETE /api/users/:id/password-reset': ['user.password-reset-link-withdrawn', 'user'],
  'POST /api/password-resets/:token': ['account.password-reset', 'user'],
};

declare module 'hono' {
  interface ContextVariableMap {
    /** What a route tells the audit log beyond what the middleware sees (the person just signed in). */
    audit: Partial<AuditRecord> & { actor?: { kind: 'session'; userId: string; name: string } };
  }
}

export interface AuditOptions {
  log: AuditLog;
  /** The name of a thing before it is deleted (from memory), for the entry of its deletion. */
  nameOf: (targetType: string, id: string) => string | undefined;
}

/** Body fields that name no secret, recorded with their values (the rest by name only). */
const PLAIN_FIELDS = new Set(['role', 'name', 'title', 'slug', 'enabled', 'paused', 'type', 'email', 'scope', 'expiresAt']);

/**
 * Records every change made through the API in the audit log, after it succeeded: who (the
 * principal), from where, the action and the thing changed (id and name). Request fields are
 * recorded by name, never by value (a value may be a secret), but for a few plain ones.
 * Failed sign-ins are recorded too, with the address tried.
 */
export function audit(options: AuditOptions): MiddlewareHandler {
  return async function auditMiddleware(c, next) {
    const match = c.get('route') ?? routeOf(c.req.method, c.req.path);
    const audited = match && AUDITED_ROUTES[match.route];
    if (!match || !audited) return next();
    if (match.route === 'GET /api/export' && c.req.query('secrets') !== 'include') return next();
    const [action, targetType] = audited;
    const targetId = match.params.id && !match.route.startsWith('DELETE /api/sessions') ? match.params.id : null;
    const nameBefore = targetId && c.req.method === 'DELETE' ? options.nameOf(targetType, targetId) : undefined;
    await next();
    const status = c.res.status;
    const signInFailed = match.route === 'POST /api/session' && (status === 401 || status === 429);
    if (status >= 400 && !signInFailed) return;
    const body = match.route === 'POST /api/import' ? undefined : await requestFields(c);
    const answer = (status < 300 && c.req.method !== 'DELETE') || signInFailed ? await answerOf(c) : undefined;
    // The first step of a two-factor sign-in: the password was right, the code is asked for next.
    if (signInFailed && answer?.code === 'second_factor_required') return;
    const told = c.get('audit') ?? {};
    const actor = told.actor ?? c.get('principal') ?? null;
    const record: AuditRecord = {
      action: told.action ?? (signInFailed ? 'session.sign-in-failed' : action),
      targetType,
      targetId:
        told.targetId ??
        targetId ??
        (signInFailed ? undefined : (stringOf(answer?.id) ?? stringOf(answer?.user && (answer.user as Record<string, unknown>).id))),
      targetName: told.targetName ?? nameBefore ?? (signInFailed ? stringOf(body?.email)?.slice(0, 254) : nameIn(answer)),
      details: { ...fieldsOf(body, match.route), ...(signInFailed ? { reason: answer?.code } : {}), ...told.details },
    };
    await options.log.record(actor, clientAddressOf(c), record);
  };
}

async function requestFields(c: Context): Promise<Record<string, unknown> | undefined> {
  if (c.req.method === 'GET' || c.req.method === 'DELETE') return undefined;
  try {
    const value: unknown = JSON.parse(await c.req.text());
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function answerOf(c: Context): Promise<Record<string, unknown> | undefined> {
  if (!c.res.headers.get('content-type')?.includes('json')) return undefined;
  try {
    const value: unknown = await c.res.clone().json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const stringOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

function nameIn(answer: Record<string, unknown> | undefined): string | undefined {
  if (!answer) return undefined;
  const user = answer.user as Record<string, unknown> | undefined;
  return stringOf(answer.name) ?? stringOf(answer.title) ?? stringOf(answer.email) ?? stringOf(user?.email);
}

/** The request's fields: plain ones with their values, the rest by name only. Nothing of sign-in but the email. */
function fieldsOf(body: Record<string, unknown> | undefined, route: string): Record<string, unknown> {
  if (!body || route === 'POST /api/session' || route === 'POST /api/import') return {};
  if (route.startsWith('POST /api/account')) return { fields: Object.keys(body).slice(0, 50) };
  const fields = Object.keys(body).slice(0, 50);
  const values = Object.fromEntries(fields.filter((key) => PLAIN_FIELDS.has(key) && typeof body[key] !== 'object').map((key) => [key, body[key]]));
  return { fields, ...values };
}
