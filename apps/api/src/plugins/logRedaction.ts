import { REDACTED, isSecretName } from '@gantry/core';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';

// An OIDC authorization code is one-time and bound to its PKCE verifier, but still no business of a log.
const ALSO_REDACTED = new Set(['code']);

/**
 * A URL as the request log shows it: query parameters named like secrets (a Jenkins master's
 * `?token=`, an `access_token`) and the OIDC `code` replaced by the redaction marker, so a
 * credential sent in a URL never reaches a log line.
 */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  const secret = [...new Set(params.keys())].filter((key) => isSecretName(key) || ALSO_REDACTED.has(key.toLowerCase()));
  if (secret.length === 0) return url;
  for (const key of secret) params.set(key, REDACTED);
  return `${url.slice(0, at)}?${params.toString()}`;
}

/** Fastify's request log line, with the URL redacted (the other fields as Fastify's own serializer writes them). */
function serializeRequest(request: FastifyRequest) {
  return { method: request.method, url: redactedUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** The logger option with the redacting request serializer in place (no logger stays none). */
export function withLogRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === false || logger === undefined) return logger;
  const options = logger === true ? {} : logger;
  return { ...options, serializers: { ...options.serializers, req: serializeRequest } };
}
