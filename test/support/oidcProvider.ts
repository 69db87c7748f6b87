import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** The client Gantry is registered as with the test provider. */
export const OIDC_CLIENT_ID = 'gantry-web';

export interface TestOidcProvider {
  issuer: string;
  server: Server;
}

/**
 * A real OpenID provider (the `oidc-provider` package with its development login page: any login,
 * any password) that knows Gantry as a public client (no secret: the code is bound to the browser by
 * PKCE alone) redirecting to `redirectUri`. Each login's groups come from `groups`, in the ID token,
 * as identity providers put them when told to (a Keycloak mapper, an Okta claim).
 */
export async function startOidcProvider(redirectUri: string, groups: Readonly<Record<string, string[]>>): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: OIDC_CLIENT_ID, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none' }],
    features: { devInteractions: { enabled: true } },
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], profile: ['preferred_username', 'groups'], email: ['email'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, preferred_username: id, groups: groups[id] ?? [] }) }),
  });
  const handle = provider.callback();
  server.on('request', (request, response) => void handle(request, response));
  return { issuer, server };
}

/** A free port's URL on 127.0.0.1: the redirect URI must be registered with the provider before Gantry listens on it. */
export async function reservePublicUrl(): Promise<{ url: string; port: number }> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
  const port = (holder.address() as AddressInfo).port;
  await new Promise((resolve) => holder.close(resolve));
  return { url: `http://127.0.0.1:${port}`, port };
}
