import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { WaterfallSpan } from './traceWaterfall';

/**
 * Trace receivers of the tests' own, speaking the wire formats the official SDK exports:
 * OTLP/HTTP (JSON encoding) and Zipkin's v2 API. Each keeps every span it received.
 */

/** A span as both receivers report it, reduced to what the assertions (and the waterfall) read. */
export interface ReceivedSpan extends WaterfallSpan {
  traceId: string;
  /** The status message of a span whose status is ERROR; undefined for any other status. */
  error: string | undefined;
}

export interface Receiver {
  server: Server;
  url: string;
  spans: ReceivedSpan[];
  contentTypes: Set<string>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: {
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        startTimeUnixNano: string;
        endTimeUnixNano: string;
        attributes?: OtlpAttribute[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

const otlpValue = (value: OtlpValue): string => String(value.stringValue ?? value.intValue ?? value.boolValue ?? '');
const otlpAttributes = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, otlpValue(value)]));

/** OTLP/HTTP with JSON encoding (the protocol's `http/json`): POST /v1/traces, an ExportTraceServiceRequest. */
export async function startOtlpReceiver(): Promise<Receiver> {
  const receiver: Receiver = { server: createServer(), url: '', spans: [], contentTypes: new Set() };
  receiver.server.on('request', (request, response) => void readBody(request).then((body) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') return void response.writeHead(404).end();
    receiver.contentTypes.add(String(request.headers['content-type']));
    const exported = JSON.parse(body) as OtlpExport;
    for (const { resource, scopeSpans } of exported.resourceSpans) {
      const service = otlpAttributes(resource.attributes)['service.name'] ?? '';
      for (const span of scopeSpans.flatMap((scope) => scope.spans)) {
        receiver.spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          service,
          start: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
          end: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
          attributes: otlpAttributes(span.attributes),
          // OTLP's STATUS_CODE_ERROR.
          error: span.status?.code === 2 ? (span.status.message ?? '') : undefined,
        });
      }
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }));
  receiver.url = await listen(receiver.server);
  return receiver;
}

/** Zipkin's v2 API: POST /api/v2/spans, a JSON list of spans. */
export async function startZipkinReceiver(): Promise<Receiver> {
  const receiver: Receiver = { server: createServer(), url: '', spans: [], contentTypes: new Set() };
  receiver.server.on('request', (request, response) => void readBody(request).then((body) => {
    if (request.method !== 'POST' || request.url !== '/api/v2/spans') return void response.writeHead(404).end();
    receiver.contentTypes.add(String(request.headers['content-type']));
    const spans = JSON.parse(body) as { traceId: string; id: string; parentId?: string; name: string; timestamp: number; duration?: number; localEndpoint?: { serviceName?: string }; tags?: Record<string, string> }[];
    for (const span of spans) {
      receiver.spans.push({
        traceId: span.traceId,
        spanId: span.id,
        parentSpanId: span.parentId,
        name: span.name,
        service: span.localEndpoint?.serviceName ?? '',
        // Zipkin counts microseconds.
        start: span.timestamp / 1000,
        end: (span.timestamp + (span.duration ?? 0)) / 1000,
        attributes: span.tags ?? {},
        // The exporter's status tags: `otel.status_code` ERROR with the message as `error`.
        error: span.tags?.['otel.status_code'] === 'ERROR' ? (span.tags.error ?? '') : undefined,
      });
    }
    response.writeHead(202).end();
  }));
  receiver.url = await listen(receiver.server);
  return receiver;
}

