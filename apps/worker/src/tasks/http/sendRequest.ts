import { checkUrl, type HostLookup } from './ssrfGuard';

/**
 * One webhook HTTP exchange: every hop (the first request and each redirect) passes the SSRF guard
 * before it is sent, redirects are followed here rather than by fetch so that each target is
 * checked, and the response body is read with a size bound.
 */

export const MAX_REDIRECTS = 5;
/** Bodies end up in stage outputs (stored and shown in the UI), so they are capped. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface OutgoingRequest {
  url: string;
  method: string;
  headers: Headers;
  body?: string;
  /** The caller's own cancellation, on top of the exchange's timeout. */
  signal?: AbortSignal;
}

export interface SendOptions {
  fetch: typeof fetch;
  /** Budget for the whole exchange: all hops and reading the body. */
  timeoutMs: number;
  allowedHosts: readonly string[];
  lookup?: HostLookup;
  maxBodyBytes?: number;
}

export interface ReceivedResponse {
  /** The URL that answered, after redirects. */
  url: string;
  statusCode: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text; null when empty. */
  body: unknown;
  bodyText: string;
  bodyTruncated: boolean;
}

export type SendOutcome =
  | { kind: 'response'; response: ReceivedResponse }
  /** Never sent: the guard or the request's shape forbids it. Retrying cannot help. */
  | { kind: 'refused'; url: string; reason: string }
  /** Sent (or resolving its host) failed: connection, DNS, timeout. Possibly transient. */
  | { kind: 'networkError'; url: string; message: string }
  | { kind: 'tooManyRedirects'; url: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export async function sendRequest(request: OutgoingRequest, options: SendOptions): Promise<SendOutcome> {
  const sent = await followGuarded(request, options);
  if (sent.kind !== 'answered') return sent;
  try {
    return { kind: 'response', response: await readResponse(sent.url, sent.response, options.maxBodyBytes ?? MAX_BODY_BYTES) };
  } catch (error) {
    return { kind: 'networkError', url: sent.url, message: describeFetchError(error, options.timeoutMs) };
  }
}

/** The exchange's options; without a timeout, only the request's own signal ends it. */
export type FollowOptions = Omit<SendOptions, 'maxBodyBytes' | 'timeoutMs'> & { timeoutMs?: number };

export type GuardedOutcome = Exclude<SendOutcome, { kind: 'response' }> | { kind: 'answered'; url: string; response: Response };

/**
 * Sends the request, following redirects itself so that every hop passes the SSRF guard before
 * anything is sent there. The answer's body is left unread, for the caller to read.
 */
async function followGuarded(request: OutgoingRequest, options: FollowOptions): Promise<GuardedOutcome> {
  const signals = [request.signal, options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs)].filter((s) => s !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  let { url, method, body } = request;
  const headers = new Headers(request.headers);

  for (let hop = 0; ; hop++) {
    const verdict = await checkUrl(url, { allowedHosts: options.allowedHosts, lookup: options.lookup });
    if (!verdict.ok) {
      return verdict.kind === 'refused'
        ? { kind: 'refused', url, reason: verdict.reason }
        : { kind: 'networkError', url, message: verdict.reason };
    }
    if (verdict.url.username !== '' || verdict.url.password !== '') {
      // fetch rejects such URLs anyway; saying why beats a TypeError, and it never heals on retry.
      return { kind: 'refused', url, reason: 'refused: credentials in the URL are not supported; send them in customHeaders' };
    }

    let response: Response;
    try {
      response = await options.fetch(url, { method, headers, body, redirect: 'manual', signal });
    } catch (error) {
      return { kind: 'networkError', url, message: describeFetchError(error, options.timeoutMs) };
    }

    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { kind: 'answered', url, response };

    await response.body?.cancel().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) return { kind: 'tooManyRedirects', url };
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return { kind: 'refused', url, reason: `refused: redirect to an invalid URL "${location}"` };
    }
    // Method rewriting as the Fetch standard does it, so receivers see what a browser would send.
    if ((response.status === 303 && method !== 'GET' && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers.delete('content-type');
    }
    // As in fetch: credentials meant for one origin are not handed to another.
    if (next.origin !== new URL(url).origin) headers.delete('authorization');
    url = next.href;
  }
}

/**
 * A `fetch` for code that takes one (the canary's metric sources) whose every hop passes the SSRF
 * guard. A refused or failed request rejects with the guard's words; the caller's own signal and
 * the guard's timeout both apply.
 */
export function guardedFetch(options: FollowOptions): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const sent = await followGuarded(
      {
        url,
        method: init?.method ?? 'GET',
        headers: new Headers(init?.headers),
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
        ...(init?.signal ? { signal: init.signal } : {}),
      },
      options,
    );
    if (sent.kind === 'answered') return sent.response;
    const reason = sent.kind === 'tooManyRedirects' ? `too many redirects (last hop ${sent.url})` : sent.kind === 'refused' ? sent.reason : sent.message;
    throw new Error(sent.url === url ? reason : `${reason} (redirected to ${sent.url})`);
  };
}

async function readResponse(url: string, response: Response, maxBytes: number): Promise<ReceivedResponse> {
  const { text, truncated } = await readBoundedText(response, maxBytes);
  return {
    url,
    statusCode: response.status,
    headers: response.headers,
    body: truncated ? text : parseBody(text, response.headers.get('content-type')),
    bodyText: text,
    bodyTruncated: truncated,
  };
}

async function readBoundedText(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: '', truncated: false };
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    const room = maxBytes - received;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room));
      await reader.cancel().catch(() => undefined);
      return { text, truncated: true };
    }
    received += value.byteLength;
    text += decoder.decode(value, { stream: true });
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text.trim() === '') return null;
  const looksJson = /\bjson\b/i.test(contentType ?? '') || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describeFetchError(error: unknown, timeoutMs: number | undefined): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return timeoutMs === undefined ? 'timed out' : `timed out after ${timeoutMs} ms`;
    // undici reports "fetch failed" and hides the useful part (ECONNREFUSED, bad port…) in `cause`.
    const cause = error.cause;
    if (cause instanceof Error) {
      const code = (cause as { code?: unknown }).code;
      return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
    }
    if (typeof cause === 'string') return cause;
    return error.message;
  }
  return String(error);
}

/** The webhook tasks' send: the services' fetch, timeout and allow-list. */
export function sendFromTask(
  request: OutgoingRequest,
  services: { fetch: typeof fetch; webhook: { timeoutMs: number; allowedHosts: readonly string[] } },
  lookup?: HostLookup,
): Promise<SendOutcome> {
  return sendRequest(request, {
    fetch: services.fetch,
    timeoutMs: services.webhook.timeoutMs,
    allowedHosts: services.webhook.allowedHosts,
    lookup,
  });
}

/** Why a request was never answered for good: refused by the guard, or redirected too often. */
export function undeliverable(
  outcome: Extract<SendOutcome, { kind: 'refused' | 'tooManyRedirects' }>,
  requestedUrl: string,
  what: string,
): string {
  if (outcome.kind === 'tooManyRedirects') return `${what}: too many redirects (last hop ${outcome.url})`;
  return `${what} ${outcome.reason}${outcome.url === requestedUrl ? '' : ` (redirected to ${outcome.url})`}`;
}

/** A short, single-line excerpt of a body for error messages. */
export function snippet(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
