import type { tracing as sdkTracing } from '@opentelemetry/sdk-node';

/**
 * Whether this process traces. Read by every span wrapper first, so that with tracing off a
 * wrapper is one branch and a direct call: no span objects, no context switches.
 */
let tracing = false;

export function isTracing(): boolean {
  return tracing;
}

/** The id the next span started gets, when a span's id is decided before it starts (see `withSpanId`). */
let chosenSpanId: string | undefined;

/**
 * The SDK's random ids, except that a span can be given an id decided beforehand: a stage's span
 * is ended in whichever worker completes the stage, long after other workers made spans under it,
 * so its id is derived from the trace and the stage (`spans.ts`) rather than drawn at its start.
 */
class GantryIdGenerator {
  constructor(private readonly random: sdkTracing.RandomIdGenerator) {}
  generateTraceId(): string {
    return this.random.generateTraceId();
  }
  generateSpanId(): string {
    return chosenSpanId ?? this.random.generateSpanId();
  }
}

/** Starts a span with the id `spanId`: the tracer draws the id synchronously inside `start`. */
export function withSpanId<T>(spanId: string, start: () => T): T {
  chosenSpanId = spanId;
  try {
    return start();
  } finally {
    chosenSpanId = undefined;
  }
}

/**
 * Tracing is off unless the standard variables ask for an exporter: `OTEL_TRACES_EXPORTER`
 * (`otlp`, `zipkin`, `console`, comma-separated; `none` is off) or an OTLP endpoint
 * (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, exporter `otlp`).
 * `OTEL_SDK_DISABLED=true` wins over both. The SDK's own default (export to a local collector
 * when nothing is set) would make every unconfigured install pay for spans nobody reads.
 */
export function tracingConfigured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (exporters.length > 0) return exporters.some((name) => name !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export interface Tracing {
  enabled: boolean;
  /**
   * Turns the span wrappers off and on again without stopping the SDK (an SDK cannot be started
   * twice in a process): `npm run bench` alternates the two paths in one process with it.
   */
  setActive(active: boolean): void;
  /** Flushes the spans not yet exported (call at shutdown, after the last span ended). */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when the environment configures it. Exporters, endpoints, headers,
 * sampler, batching and propagators are the SDK's standard `OTEL_*` variables; Gantry only names
 * the service (unless `OTEL_SERVICE_NAME` does) and keeps metrics and logs out of it (metrics are
 * Prometheus's, at /metrics; logs are pino's, carrying the trace ids).
 */
export async function startTracing(serviceName: string): Promise<Tracing> {
  // The SDK reads its settings from process.env itself, so this decision reads the same place.
  const env = process.env;
  if (!tracingConfigured(env)) return { enabled: false, setActive: () => undefined, shutdown: async () => undefined };
  // Loaded only here: the SDK and its exporters cost a process about 35 MB that one which does not trace should not pay.
  const { NodeSDK, tracing: sdkTracing } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    ...(env.OTEL_SERVICE_NAME ? {} : { serviceName }),
    idGenerator: new GantryIdGenerator(new sdkTracing.RandomIdGenerator()),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  tracing = true;
  return {
    enabled: true,
    setActive(active) {
      tracing = active;
    },
    async shutdown() {
      tracing = false;
      await sdk.shutdown();
    },
  };
}
