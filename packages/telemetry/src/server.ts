import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { isTracing } from './tracing';

export interface ServerSpan {
  /** Runs the rest of the request's handling inside the span (so what it sends joins the trace). */
  run(next: () => void): void;
  end(statusCode: number, route: string | undefined): void;
}

/**
 * A span for one incoming HTTP request, child of the caller's `traceparent` if it sent one.
 * Undefined with tracing off. Named by its route (a bounded set), never its raw path.
 */
export function startServerSpan(method: string, path: string, headers: Record<string, string | string[] | undefined>): ServerSpan | undefined {
  if (!isTracing()) return undefined;
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = trace
    .getTracer('gantry')
    .startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path.split('?')[0] } }, parent);
  const active = trace.setSpan(parent, span);
  return {
    run: (next) => context.with(active, next),
    end(statusCode, route) {
      if (route !== undefined) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${statusCode}` });
      span.end();
    },
  };
}
