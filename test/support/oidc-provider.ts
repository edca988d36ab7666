/**
 * A real OpenID Connect provider for tests (panva's oidc-provider) on 127.0.0.1 and a port of its
 * own, over plain http: discovery, the authorization code flow with PKCE (S256, required), client
 * secrets in the Authorization header or the body, scopes `openid email profile`, and its built-in
 * development sign-in form, where any password works and the login typed is the account's id.
 * Consent is given without asking, as a company's own provider does for its own applications.
 * @example
 * const provider = await startOidcProvider({
 *   clients: [{ clientId: 'vigil', clientSecret: 'a secret', redirectUris: [`http://127.0.0.1:${port}/api/auth/oidc/callback`] }],
 *   accounts: { 'ada@example.test': { email: 'ada@example.test', emailVerified: true, name: 'Ada' } },
 * });
 * // OIDC_ISSUER=provider.issuer; in the browser: fill input[name=login] with 'ada@example.test', any password, submit.
 * await provider.close();
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface OidcClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface OidcAccount {
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface OidcProviderOptions {
  clients: OidcClient[];
  /** Keyed by the login typed in the sign-in form; any other login signs in as an account with no email and no name. */
  accounts: Record<string, OidcAccount>;
  /**
   * Whether the ID token carries email, email_verified and name (default true, as most providers
   * do). False: only sub is in it, and the rest is at the userinfo endpoint (what the OpenID
   * Connect specification asks when an access token is issued too).
   */
  claimsInIdToken?: boolean;
}

export interface TestOidcProvider {
  /** Its own URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  issuer: string;
  /** Stops listening and drops open connections: the provider is down from then on. */
  close(): Promise<void>;
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<TestOidcProvider> {
  // Listen first, so that the issuer (which names the port) is known before the provider is made.
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' };

  const configuration: Configuration = {
    clients: options.clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // Registered as basic; oidc-provider accepts client_secret_post from such a client too.
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    findAccount: (_ctx, id) => {
      const account = options.accounts[id];
      return {
        accountId: id,
        claims: () => (account ? { sub: id, email: account.email, email_verified: account.emailVerified, name: account.name } : { sub: id }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    conformIdTokenClaims: options.claimsInIdToken === false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, resourceIndicators: { enabled: false } },
    // Consent given without asking: a grant of what was asked for, made on the first authorization.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { provider, client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId || session?.grantIdFor(client!.clientId);
      if (grantId) return provider.Grant.find(grantId);
      const grant = new provider.Grant({ clientId: client!.clientId, accountId: session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    // Lifetimes and keys of its own, so that it does not print a notice for each default it falls back on.
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    jwks: { keys: [signingKey] },
    renderError: (ctx, out) => {
      ctx.type = 'text';
      ctx.body = Object.entries(out)
        .map(([key, value]) => `${key}: ${value}`)
        .join('\n');
    },
    // Cookies are signed; over plain http they are not marked Secure (oidc-provider marks them only on https).
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  };
  const provider = new Provider(issuer, configuration);
  // Its pages import a web font from Google: test machines are offline, and the browser would log the failure.
  provider.use(async (ctx, next) => {
    await next();
    if (typeof ctx.body === 'string' && ctx.response.is('html')) ctx.body = ctx.body.replace(/@import url\(https:[^)]*\);?/g, '');
  });
  server.on('request', provider.callback());

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
