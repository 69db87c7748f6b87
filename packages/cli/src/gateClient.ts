import { CliError, EXIT } from './errors';

/**
 * How to prove who we are to Gate, as spin does: HTTP basic (Gate's `security.basicform`), a
 * bearer token (OAuth2 / a Gate API token), or a session cookie copied from a signed-in browser
 * (`SESSION=…`, for SAML or LDAP set-ups with nothing else). X.509 client certificates are not
 * supported: Node's fetch takes no client certificate without an extra HTTP library.
 */
export type GateCredentials = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string } | { kind: 'cookie'; cookie: string };

export function gateAuthHeaders(credentials: GateCredentials): Record<string, string> {
  switch (credentials.kind) {
    case 'none':
      return {};
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${credentials.token}` };
    case 'cookie':
      return { cookie: credentials.cookie };
  }
}

/** Read-only access to Gate's REST API (the paths spin uses); every failure names the path. */
export class GateClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(
    url: string,
    private readonly fetchFn: typeof fetch,
    credentials: GateCredentials,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--gate: not a URL: ${url}`, EXIT.BAD_INPUT);
    }
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.headers = { accept: 'application/json', ...gateAuthHeaders(credentials) };
  }

  /** The JSON at `path`; a 401/403 or an unreachable Gate ends the import (nothing more can be read). */
  async get(path: string): Promise<unknown> {
    const answer = await this.tryGet(path);
    if (answer.status !== 200) throw new CliError(`Gate GET ${path}: HTTP ${answer.status} ${answer.text.trim().slice(0, 200)}`, EXIT.FAILED);
    return answer.json;
  }

  /** Like `get`, but a 404 (a feature this Gate does not serve: Kayenta, templates) is `undefined`. */
  async getIfServed(path: string): Promise<unknown> {
    const answer = await this.tryGet(path);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new CliError(`Gate GET ${path}: HTTP ${answer.status} ${answer.text.trim().slice(0, 200)}`, EXIT.FAILED);
    return answer.json;
  }

  private async tryGet(path: string): Promise<{ status: number; text: string; json: unknown }> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, { headers: this.headers, redirect: 'manual' });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
      throw new CliError(`cannot reach Gate at ${this.base}: ${cause ?? (error instanceof Error ? error.message : String(error))}`, EXIT.FAILED);
    }
    const text = await response.text();
    // Gate answers an unauthenticated API call with 401, or (form login) a redirect to /login.
    if (response.status === 401 || response.status === 403 || (response.status >= 300 && response.status < 400)) {
      throw new CliError(`Gate refused the credentials at GET ${path} (HTTP ${response.status}): check --gate-user/--gate-password, --gate-token or --gate-cookie`, EXIT.FAILED);
    }
    if (response.status !== 200) return { status: response.status, text, json: undefined };
    try {
      return { status: 200, text, json: JSON.parse(text) };
    } catch {
      throw new CliError(`Gate GET ${path}: the answer is not JSON: ${text.trim().slice(0, 200)}`, EXIT.FAILED);
    }
  }
}
