import * as client from 'openid-client';

/** The OpenID Connect provider Vigil signs people in with (OIDC_* settings). */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's label. */
  name: string;
  /** People without an account are made with this role at their first sign-in; null: only existing accounts. */
  newUserRole: 'viewer' | 'editor' | null;
}

/** What a sign-in attempt carries from the start to the callback (in a short-lived HttpOnly cookie). */
export interface OidcAttempt {
  state: string;
  nonce: string;
  verifier: string;
  /** Where to go after signing in: a path of Vigil's own. */
  next: string;
}

/** Who the provider says signed in. */
export interface OidcIdentity {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

const TIMEOUT_SECONDS = 5;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Sign-in through an OpenID Connect provider with openid-client: the authorization code flow with
 * PKCE (S256), state and nonce, the client authenticated by its secret. The provider's metadata is
 * discovered at the first sign-in and kept (a failed discovery is tried again at the next one).
 * Plain http is accepted only for an issuer on loopback (a provider on the same machine, tests).
 */
export class OidcClient {
  private config: Promise<client.Configuration> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The provider's URL to send the browser to, and the attempt to keep until the callback. */
  async start(redirectUri: string, next: string): Promise<{ url: URL; attempt: OidcAttempt }> {
    const config = await this.configuration();
    const attempt: OidcAttempt = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier(), next };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(attempt.verifier),
      code_challenge_method: 'S256',
      state: attempt.state,
      nonce: attempt.nonce,
    });
    return { url, attempt };
  }

  /** Exchanges the callback's code, checks the ID token (signature, issuer, audience, nonce), and answers who it is. */
  async finish(callbackUrl: URL, attempt: OidcAttempt): Promise<OidcIdentity> {
    const config = await this.configuration();
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    let source: Record<string, unknown> = claims;
    // Some providers put the email, or whether it is verified, only in userinfo.
    if (typeof claims.email !== 'string' || typeof claims.email_verified !== 'boolean') {
      source = { ...claims, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
    }
    return {
      subject: claims.sub,
      email: typeof source.email === 'string' ? source.email.trim().toLowerCase() : null,
      emailVerified: source.email_verified === true,
      name: typeof source.name === 'string' ? source.name : null,
    };
  }

  private configuration(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.settings;
    const insecure = issuer.protocol === 'http:' && LOOPBACK_HOSTS.has(issuer.hostname);
    this.config ??= client
      .discovery(issuer, clientId, { client_secret: clientSecret }, client.ClientSecretBasic(clientSecret), {
        timeout: TIMEOUT_SECONDS,
        execute: insecure ? [client.allowInsecureRequests] : [],
      })
      .then((config) => {
        config.timeout = TIMEOUT_SECONDS;
        return config;
      });
    // Forget a failed discovery: the provider may be back at the next sign-in.
    this.config.catch(() => (this.config = undefined));
    return this.config;
  }
}

/** A path of Vigil's own to go to after signing in (never another site: no open redirect). */
export function safeNext(next: string | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') && next.length <= 1000 ? next : '/';
}
