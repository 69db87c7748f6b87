import { request as httpsRequest } from 'node:https';
import { CliError, EXIT } from './errors';

/**
 * How to prove who we are to Gate, as spin does: HTTP basic (Gate's `security.basicform`), a
 * bearer token (OAuth2 / a Gate API token), a session cookie copied from a signed-in browser
 * (`SESSION=…`, for SAML or LDAP set-ups with nothing else), or an X.509 client certificate (Gate's
 * x509 port), PEM text, with the CA that signed Gate's own certificate when it is a private one.
 */
export type GateCredentials =
  | { kind: 'none' }
  | { kind: 'basic'; user: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'cookie'; cookie: string }
  | { kind: 'x509'; cert: string; key: string; ca?: string };

export function gateAuthHeaders(credentials: GateCredentials): Record<string, string> {
  switch (credentials.kind) {
    case 'none':
    case 'x509':
      return {};
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${credentials.token}` };
    case 'cookie':
      return { cookie: credentials.cookie };
  }
}

/** One GET: its status and body text. */
type Transport = (url: string, headers: Record<string, string>) => Promise<{ status: number; text: string }>;

function fetchTransport(fetchFn: typeof fetch): Transport {
  return async (url, headers) => {
    // Gate's form login answers an API call without credentials with a redirect to /login: not followed.
    const response = await fetchFn(url, { headers, redirect: 'manual' });
    return { status: response.status, text: await response.text() };
  };
}

/** node:https with the client certificate: fetch takes none without an extra HTTP library. */
function clientCertificateTransport(tls: { cert: string; key: string; ca?: string }): Transport {
  return (url, headers) =>
    new Promise((resolve, reject) => {
      const request = httpsRequest(url, { method: 'GET', headers, cert: tls.cert, key: tls.key, ...(tls.ca === undefined ? {} : { ca: tls.ca }) }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
}

/** Read-only access to Gate's REST API (the paths spin uses); every failure names the path. */
export class GateClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly transport: Transport;

  constructor(url: string, fetchFn: typeof fetch, credentials: GateCredentials) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new CliError(`--gate: not a URL: ${url}`, EXIT.BAD_INPUT);
    }
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    if (credentials.kind === 'x509' && parsed.protocol !== 'https:') throw new CliError('--gate-cert: a client certificate needs an https:// Gate URL', EXIT.BAD_INPUT);
    this.headers = { accept: 'application/json', ...gateAuthHeaders(credentials) };
    this.transport = credentials.kind === 'x509' ? clientCertificateTransport(credentials) : fetchTransport(fetchFn);
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
    let response: { status: number; text: string };
    try {
      response = await this.transport(`${this.base}${path}`, this.headers);
    } catch (error) {
      // fetch puts the system error in `cause`; node:https throws it.
      const code = (error as { cause?: { code?: string }; code?: string }).cause?.code ?? (error as { code?: string }).code;
      throw new CliError(`cannot reach Gate at ${this.base}: ${code ?? (error instanceof Error ? error.message : String(error))}`, EXIT.FAILED);
    }
    const { text } = response;
    // Gate answers an unauthenticated API call with 401, or (form login) a redirect to /login.
    if (response.status === 401 || response.status === 403 || (response.status >= 300 && response.status < 400)) {
      throw new CliError(`Gate refused the credentials at GET ${path} (HTTP ${response.status}): check --gate-user/--gate-password, --gate-token, --gate-cookie or --gate-cert`, EXIT.FAILED);
    }
    if (response.status !== 200) return { status: response.status, text, json: undefined };
    try {
      return { status: 200, text, json: JSON.parse(text) };
    } catch {
      throw new CliError(`Gate GET ${path}: the answer is not JSON: ${text.trim().slice(0, 200)}`, EXIT.FAILED);
    }
  }
}
