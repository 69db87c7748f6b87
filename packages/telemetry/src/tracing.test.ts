import { context } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { currentTrace, inSpan, logCorrelation } from './spans';
import { isTracing, startTracing, tracingConfigured } from './tracing';

describe('tracing is off unless the standard variables configure an exporter', () => {
  it.each([
    [{}, false],
    [{ OTEL_TRACES_EXPORTER: 'none' }, false],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, true],
    [{ OTEL_TRACES_EXPORTER: ' zipkin , otlp' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, true],
    [{ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }, false],
  ])('%j → %s', (env, on) => {
    expect(tracingConfigured(env)).toBe(on);
  });

  it('off: nothing starts, a span wrapper is a plain call in the same context, messages carry no trace, logs no ids', async () => {
    expect(tracingConfigured(process.env)).toBe(false);
    const tracing = await startTracing('test');
    expect(tracing.enabled).toBe(false);
    expect(isTracing()).toBe(false);
    const outer = context.active();
    const seen = await inSpan('work', { 'gantry.execution.id': 'e1' }, async (span) => ({ span, same: context.active() === outer }));
    expect(seen).toEqual({ span: undefined, same: true });
    expect(currentTrace()).toBeUndefined();
    expect(logCorrelation()).toEqual({});
  });
});
