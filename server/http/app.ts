import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Authenticator } from '../auth/authenticator.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { PersonalKeys } from '../auth/personal-keys.ts';
import type { Accounts } from '../services/accounts/accounts.ts';
import type { Invites } from '../services/accounts/invites.ts';
import type { PasswordResets } from '../services/accounts/password-resets.ts';
import type { TwoFactor } from '../services/accounts/two-factor.ts';
import { ownAccountRoutes } from './routes/own-account.ts';
import { oidcRoutes } from './routes/oidc.ts';
import type { OidcClient } from '../auth/oidc.ts';
import type { AuditLog } from '../services/audit/audit-log.ts';
import { audit } from './middleware/audit.ts';
import { errorReporter, type Logger } from '../logger.ts';
import type { Services } from '../services/index.ts';
import { compressText } from './middleware/compress.ts';
import { access } from './middleware/access.ts';
import { databaseGuard } from './middleware/database-guard.ts';
import { hostCheck } from './middleware/host-check.ts';
import { PUBLIC_PATHS, type PublicStatusSite } from './routes/public-status.ts';
import { sensitiveRead, originCheck } from './middleware/origin-check.ts';
import { pushRoutes, pushUrlRoutes } from './routes/push.ts';
import { jsonWrites } from './middleware/json-writes.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import type { OriginPolicy } from '../security/origin-policy.ts';
import type { ClientAddressOf } from './client-address.ts';
import { resolveClientAddress } from './remote-address.ts';
import type { DatabaseFault } from '../../db/unavailable.ts';
import { handleError, problem } from './problem.ts';
import { isClientAbort } from './client-abort.ts';
import { authRoutes } from './routes/auth.ts';
import { accountRoutes, startSession } from './routes/accounts.ts';
import { checkRoutes } from './routes/checks.ts';
import { docsRoutes } from './routes/docs.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { incidentRoutes } from './routes/incidents.ts';
import { maintenanceWindowRoutes } from './routes/maintenance-windows.ts';
import { notificationChannelRoutes } from './routes/notification-channels.ts';
import { incidentUpdateRoutes, reportRoutes, statusPageRoutes } from './routes/status-pages.ts';
import { systemRoutes, type SystemDeps } from './routes/system.ts';
import { transferRoutes } from './routes/transfer.ts';
import { webRoutes } from './routes/web.ts';

export interface AppDeps extends SystemDeps {
  services: Services;
  /** Who is calling, and the accounts behind sessions (docs/accounts.md). */
  auth: {
    authenticator: Authenticator;
    accounts: Accounts;
    invites: Invites;
    passwordResets: PasswordResets;
    sessions: SessionStore;
    personalKeys: PersonalKeys;
    twoFactor: TwoFactor;
    /** Sign-in through an OpenID Connect provider, when OIDC_* are set. */
    oidc?: OidcClient;
    audit: AuditLog;
    /** A thing's name before it is deleted, for the audit log. */
    nameOf: (targetType: string, id: string) => string | undefined;
    /** A session unused this long ends (SESSION_IDLE_MINUTES). */
    idleMs: number;
    /** Whether requests may count as this machine's (not under TRUST_PROXY). */
    localRequests: boolean;
  };
  /** The client address of a request (TRUST_PROXY; server/http/client-address.ts); default the TCP peer. */
  clientAddress?: ClientAddressOf;
  /** Whether API_KEY is set (writes and realtime connections need a key). */
  keyRequired: boolean;
  /** Which Host names are served and which page origins may write (the realtime transports share it). */
  originPolicy: OriginPolicy;
  bodyLimitBytes: number;
  /** The larger limit of POST /api/import. */
  importBodyLimitBytes: number;
  logger?: Logger;
  /** Status pages and badges (server/http/routes/public-status.ts): public, before the key and the JSON rule. */
  publicSite?: PublicStatusSite;
  /** Routes of the realtime transports that speak plain HTTP (SSE). */
  realtimeRoutes?: Hono;
  /** The built web app (default web/dist beside the sources). */
  webDir?: string;
  /** Whether the database can be reached now; told of every failed request. */
  database?: { unreachable: () => DatabaseFault | null; observe: (error: unknown) => void };
}

/** The REST API, probes, SSE and the built web app; Socket.io and /ws are attached to the server elsewhere. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  const logError = deps.logger ? errorReporter(deps.logger, 'request failed') : undefined;
  app.onError((error, c) => {
    // A client's disconnection is an ECONNRESET too, but says nothing of the database.
    if (!isClientAbort(error)) deps.database?.observe(error);
    return handleError(error, c, logError);
  });
  app.notFound((c) => problem(c, 404, `No route for ${c.req.method} ${c.req.path}`));

  if (deps.clientAddress) app.use(resolveClientAddress(deps.clientAddress));
  app.use(
    securityHeaders({
      policy: deps.originPolicy,
      isStatusPage: (c) => c.req.path.startsWith('/status/') || deps.publicSite?.isPageHost(c.req.header('host')) === true,
    }),
  );
  app.use(compressText());
  // Host, then Origin, before the key: a rebinding or cross-site page learns nothing, and cannot
  // spend the wrong-key allowance of the victim's address. The key before the content type: a
  // caller without it learns nothing of the routes.
  app.use(hostCheck({ policy: deps.originPolicy, pageHost: deps.publicSite && { isPageHost: deps.publicSite.isPageHost, paths: PUBLIC_PATHS } }));
  app.use(originCheck({ policy: deps.originPolicy, sensitiveRead }));

  const limitBody = (maxSize: number, setting: string) =>
    bodyLimit({
      maxSize,
      onError: (c) => {
        // The rest of the body is not read: the connection cannot carry another request.
        c.header('Connection', 'close');
        return problem(c, 413, `The request body is larger than ${maxSize} bytes (${setting}).`);
      },
    });
  const bodyLimitOf = { general: limitBody(deps.bodyLimitBytes, 'BODY_LIMIT_BYTES'), import: limitBody(deps.importBodyLimitBytes, 'IMPORT_BODY_LIMIT_BYTES') };
  app.use('/api/*', (c, next) => (c.req.path === '/api/import' ? bodyLimitOf.import : bodyLimitOf.general)(c, next));
  // Before the key, the JSON rule and the database guard: a job's ping carries none of them, and
  // is taken while the database is away (it waits in memory with the checks).
  app.route('/api/push', pushRoutes(deps.services));
  if (deps.publicSite) app.route('/', deps.publicSite.routes);
  app.use(
    '/api/*',
    access({ authenticator: deps.auth.authenticator, setupRequired: () => deps.auth.accounts.setupRequired(), localRequests: deps.auth.localRequests }),
  );
  app.use('/api/*', audit({ log: deps.auth.audit, nameOf: deps.auth.nameOf }));
  app.use(jsonWrites());
  if (deps.database) app.use('/api/*', databaseGuard({ unreachable: deps.database.unreachable }));

  app.route('/', systemRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/api', authRoutes(deps.keyRequired));
  app.route(
    '/api',
    accountRoutes({
      accounts: deps.auth.accounts,
      invites: deps.auth.invites,
      passwordResets: deps.auth.passwordResets,
      audit: deps.auth.audit,
      personalKeys: deps.auth.personalKeys,
      oidcName: deps.auth.oidc?.settings.name,
      sessions: deps.auth.sessions,
      keyRequired: deps.keyRequired,
      idleMs: deps.auth.idleMs,
      publicUrl: deps.publicUrl,
    }),
  );
  if (deps.auth.oidc) {
    const oidc = deps.auth.oidc;
    const onTrouble = (what: string, error: unknown) => deps.logger?.warn({ cause: error instanceof Error ? error.message : String(error) }, what);
    const startWith = (c: Parameters<typeof startSession>[0], result: Parameters<typeof startSession>[1]) => startSession(c, result, deps.publicUrl);
    app.route('/api', oidcRoutes({ oidc, accounts: deps.auth.accounts, publicUrl: deps.publicUrl, startSession: startWith, onTrouble }));
  }
  app.route('/api', ownAccountRoutes({ accounts: deps.auth.accounts, twoFactor: deps.auth.twoFactor }));
  app.route('/api/endpoints', pushUrlRoutes(deps.services, { publicUrl: deps.publicUrl }));
  app.route('/api/endpoints', endpointRoutes(deps.services));
  app.route('/api/checks', checkRoutes(deps.services));
  app.route('/api/incidents', incidentUpdateRoutes(deps.services));
  app.route('/api/incidents', incidentRoutes(deps.services));
  app.route('/api/maintenance-windows', maintenanceWindowRoutes(deps.services));
  app.route('/api/notification-channels', notificationChannelRoutes(deps.services));
  app.route('/api/status-pages', statusPageRoutes(deps.services));
  app.route('/api/reports', reportRoutes(deps.services));
  app.route('/api', transferRoutes(deps.services));
  if (deps.realtimeRoutes) app.route('/', deps.realtimeRoutes);
  app.route('/', webRoutes({ dir: deps.webDir }));
  return app;
}
