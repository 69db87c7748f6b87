import { UnauthorizedError, type Principal } from '@gantry/core';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';

export interface OidcSettings {
  issuer: string;
  /** The `aud` a token must carry (default: the client id). */
  audience: string;
  /** The claim listing the user's groups; each group is a role. */
  groupsClaim: string;
  clientId?: string;
  clientSecret?: string;
}

interface Discovery {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

/**
 * Verifies OIDC JWTs against the issuer's published keys (discovered once from
 * /.well-known/openid-configuration; `jose` refetches the key set when it meets an unknown key id).
 */
export class OidcVerifier {
  private discovery: Promise<Discovery> | undefined;
  private keys: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(readonly settings: OidcSettings) {}

  /** The issuer's endpoints; a failed discovery is retried on the next call rather than remembered. */
  async endpoints(): Promise<Discovery> {
    this.discovery ??= fetch(new URL('.well-known/openid-configuration', this.settings.issuer.replace(/\/?$/, '/')))
      .then(async (response) => {
        if (!response.ok) throw new Error(`OIDC discovery at ${this.settings.issuer} answered ${response.status}`);
        return (await response.json()) as Discovery;
      })
      .catch((error: unknown) => {
        this.discovery = undefined;
        throw error;
      });
    return this.discovery;
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      this.keys ??= createRemoteJWKSet(new URL((await this.endpoints()).jwks_uri));
      ({ payload } = await jwtVerify(token, this.keys, { issuer: this.settings.issuer, audience: this.settings.audience }));
    } catch (error) {
      throw new UnauthorizedError(`the OIDC token was refused: ${reasonOf(error)}`);
    }
    // client_id: a client-credentials token of a machine names no user but its client.
    const name = [payload.preferred_username, payload.email, payload.sub, payload.client_id].find((value) => typeof value === 'string' && value !== '');
    if (typeof name !== 'string') throw new UnauthorizedError('the OIDC token names no user (sub)');
    const groups = payload[this.settings.groupsClaim];
    const roles = Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : [];
    return { name, roles, via: 'oidc' };
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim ${error.claim}: ${error.reason}`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
    return 'its signature does not verify with the issuer\'s keys';
  }
  return error instanceof Error ? error.message : String(error);
}

/** Three base64url parts: a JWT rather than a Gantry API token. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}
