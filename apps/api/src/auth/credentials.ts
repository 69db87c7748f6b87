import { timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '@gantry/core';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'gantry_session';
/** Readable by the page's script, which echoes it in X-CSRF-Token (double-submit). */
export const CSRF_COOKIE = 'gantry_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The credential a request carries: a bearer token, else the session cookie (which a browser sends by itself). */
export type Credential = { from: 'bearer' | 'cookie'; value: string };

export function cookiesOf(request: FastifyRequest): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // A cookie we did not write; ignored rather than failing the request.
    }
  }
  return cookies;
}

export function credentialOf(request: FastifyRequest): Credential | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] === undefined ? { from: 'bearer', value: '' } : { from: 'bearer', value: match[1] };
  }
  const session = cookiesOf(request).get(SESSION_COOKIE);
  return session ? { from: 'cookie', value: session } : undefined;
}

/**
 * A cookie arrives with every request the browser makes, including ones another site causes, so a
 * cookie-authenticated write must also echo the CSRF cookie in a header, which only our page can read.
 */
export function checkCsrf(request: FastifyRequest, credential: Credential): void {
  if (credential.from !== 'cookie' || SAFE_METHODS.has(request.method)) return;
  const expected = cookiesOf(request).get(CSRF_COOKIE) ?? '';
  const header = request.headers[CSRF_HEADER];
  const sent = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  const same = expected.length > 0 && tokenMatches(sent, expected);
  if (!same) {
    throw new ForbiddenError(`a write authenticated by the session cookie must send the ${CSRF_COOKIE} cookie's value in ${CSRF_HEADER}`, {
      missing: 'csrf',
    });
  }
}

/** Set-Cookie values for a session holding `credential` (an API token or an OIDC ID token). */
export function sessionCookies(credential: string, csrf: string, options: { secure: boolean; maxAgeSeconds: number }): string[] {
  const common = `Path=/; SameSite=Lax; Max-Age=${options.maxAgeSeconds}${options.secure ? '; Secure' : ''}`;
  return [`${SESSION_COOKIE}=${encodeURIComponent(credential)}; HttpOnly; ${common}`, `${CSRF_COOKIE}=${csrf}; ${common}`];
}

export function clearedSessionCookies(): string[] {
  return [SESSION_COOKIE, CSRF_COOKIE].map((name) => `${name}=; Path=/; Max-Age=0`);
}

/** A shared token (a CSRF token, GitLab's X-Gitlab-Token, a sender's X-Gantry-Token, a Slack signature) compared in constant time. */
export function tokenMatches(sent: string | undefined, expected: string | undefined): boolean {
  if (sent === undefined || expected === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
