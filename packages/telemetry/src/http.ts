import { SpanKind } from '@opentelemetry/api';
import { failSpan, inSpan, injectTraceHeaders } from './spans';
import { isTracing } from './tracing';

/**
 * A `fetch` whose every request is a client span and carries `traceparent`, so the receiver of a
 * webhook (or any system a task calls over HTTP) can join the execution's trace. Only the URL's
 * origin and path are recorded: a query string may hold a token.
 */
export function tracedFetch(inner: typeof fetch): typeof fetch {
  return (input, init) => {
    if (!isTracing()) return inner(input, init);
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request?.url ?? (input instanceof URL ? input.href : input));
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const attributes = { 'http.request.method': method, 'url.full': `${url.origin}${url.pathname}`, 'server.address': url.hostname };
    return inSpan(
      `HTTP ${method}`,
      attributes,
      async (span) => {
        const headers = new Headers(init?.headers ?? request?.headers);
        injectTraceHeaders(headers);
        const response = await inner(input, { ...init, headers });
        span?.setAttribute('http.response.status_code', response.status);
        if (response.status >= 500) failSpan(span, `HTTP ${response.status}`);
        return response;
      },
      { kind: SpanKind.CLIENT },
    );
  };
}
