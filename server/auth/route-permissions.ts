import type { Permission } from './roles.ts';

/**
 * What every route under /api asks of its caller (docs/accounts.md#roles). A route missing here is
 * refused to everyone but an owner, and test/security/route-permissions.test.ts, which walks the
 * app's own route list, fails until it is added: a new route cannot be forgotten.
 * Push pings (/api/push/…) are answered before authentication: a job's ping carries a token of its own.
 */
export const ROUTE_PERMISSIONS: Record<string, Permission> = {
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/:file': 'public',
  'GET /api/auth': 'public',
  'POST /api/auth/verify': 'read',
  // Accounts and sign-in (server/http/routes/accounts.ts).
  'GET /api/session': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
  'POST /api/setup': 'public',
  // Sign-in through an OpenID Connect provider (when OIDC_* are set).
  'GET /api/auth/oidc/start': 'public',
  'GET /api/auth/oidc/callback': 'public',
  'GET /api/sessions': 'account',
  'DELETE /api/sessions': 'account',
  'DELETE /api/sessions/:id': 'account',
  // One's own account (server/http/routes/own-account.ts).
  'GET /api/account': 'account',
  'PATCH /api/account': 'account',
  'POST /api/account/two-factor': 'account',
  'POST /api/account/two-factor/confirm': 'account',
  'POST /api/account/two-factor/disable': 'account',
  'POST /api/account/recovery-codes': 'account',
  'DELETE /api/users/:id/two-factor': 'manage',
  // Personal keys: one's own (an owner may list everyone's with ?all=true, and revoke any).
  'GET /api/keys': 'account',
  'POST /api/keys': 'account',
  'DELETE /api/keys/:id': 'account',
  'GET /api/users': 'manage',
  'PATCH /api/users/:id': 'manage',
  'DELETE /api/users/:id': 'manage',
  'POST /api/users/:id/password-reset': 'manage',
  'DELETE /api/users/:id/password-reset': 'manage',
  'GET /api/audit-log': 'manage',
  'GET /api/invites': 'manage',
  'POST /api/invites': 'manage',
  'DELETE /api/invites/:id': 'manage',
  // The link's token is the credential.
  'GET /api/invitations/:token': 'public',
  'POST /api/invitations/:token': 'public',
  'GET /api/password-resets/:token': 'public',
  'POST /api/password-resets/:token': 'public',
  'GET /api/summary': 'read',
  'GET /api/events': 'read',
  'GET /api/endpoints': 'read',
  'POST /api/endpoints': 'edit',
  'GET /api/endpoints/:id': 'read',
  'PATCH /api/endpoints/:id': 'edit',
  'DELETE /api/endpoints/:id': 'edit',
  'POST /api/endpoints/:id/check': 'edit',
  'POST /api/endpoints/:id/pause': 'edit',
  'POST /api/endpoints/:id/resume': 'edit',
  'GET /api/endpoints/:id/checks': 'read',
  'GET /api/endpoints/:id/uptime': 'read',
  'GET /api/endpoints/:id/series': 'read',
  // The push URL holds the token that reports a job's runs: only for those who may change the endpoint.
  'GET /api/endpoints/:id/push-url': 'edit',
  'POST /api/endpoints/:id/push-url': 'edit',
  'GET /api/checks/recent': 'read',
  'GET /api/incidents': 'read',
  'GET /api/incidents/:id': 'read',
  'GET /api/incidents/:id/updates': 'read',
  'POST /api/incidents/:id/updates': 'edit',
  'PATCH /api/incidents/:id/updates/:updateId': 'edit',
  'DELETE /api/incidents/:id/updates/:updateId': 'edit',
  'GET /api/maintenance-windows': 'read',
  'POST /api/maintenance-windows': 'edit',
  'GET /api/maintenance-windows/:id': 'read',
  'PATCH /api/maintenance-windows/:id': 'edit',
  'DELETE /api/maintenance-windows/:id': 'edit',
  'GET /api/notification-channels': 'read',
  'POST /api/notification-channels': 'edit',
  'GET /api/notification-channels/:id': 'read',
  'PATCH /api/notification-channels/:id': 'edit',
  'DELETE /api/notification-channels/:id': 'edit',
  'POST /api/notification-channels/:id/test': 'edit',
  'GET /api/notification-channels/:id/deliveries': 'read',
  'GET /api/status-pages': 'read',
  'POST /api/status-pages': 'edit',
  'GET /api/status-pages/:id': 'read',
  'PATCH /api/status-pages/:id': 'edit',
  'DELETE /api/status-pages/:id': 'edit',
  // Subscribers' addresses are people's email addresses.
  'GET /api/status-pages/:id/subscribers': 'edit',
  'DELETE /api/status-pages/:id/subscribers/:subscriberId': 'edit',
  'GET /api/reports/uptime': 'read',
  // ?secrets= asks for 'manage' on top (server/http/routes/transfer.ts).
  'GET /api/export': 'read',
  'POST /api/import': 'manage',
};

/** Secrets in an export (the targets' credentials, channels' tokens): owners only. */
export const EXPORT_SECRETS_PERMISSION: Permission = 'manage';

interface CompiledRoute {
  route: string;
  method: string;
  pattern: RegExp;
  params: string[];
  permission: Permission;
}

const compiled: CompiledRoute[] = Object.entries(ROUTE_PERMISSIONS).map(([route, permission]) => {
  const [method = '', path = ''] = route.split(' ');
  const params: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, method, pattern: new RegExp(`^${source}/?$`), params, permission };
});

/** A request's route in the table ("PATCH /api/endpoints/:id"), with its parameters and permission. */
export interface RouteMatch {
  route: string;
  params: Record<string, string>;
  permission: Permission;
}

/** The table's route a request is for; HEAD as GET; undefined for none. */
export function routeOf(method: string, path: string): RouteMatch | undefined {
  const asked = method === 'HEAD' ? 'GET' : method;
  for (const entry of compiled) {
    if (entry.method !== asked) continue;
    const match = entry.pattern.exec(path);
    if (match)
      return { route: entry.route, permission: entry.permission, params: Object.fromEntries(entry.params.map((name, i) => [name, decoded(match[i + 1]!)])) };
  }
  return undefined;
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The permission a request asks for: its route's; undefined for a path no route has. */
export const permissionFor = (method: string, path: string): Permission | undefined => routeOf(method, path)?.permission;
