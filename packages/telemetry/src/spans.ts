import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { hash } from 'node:crypto';
import { isTracing, withSpanId } from './tracing';

/** Span attribute names (Gantry's own, namespaced; the rest are OpenTelemetry's semantic conventions). */
export const ATTR = {
  executionId: 'gantry.execution.id',
  application: 'gantry.application',
  pipelineId: 'gantry.pipeline.id',
  stageId: 'gantry.stage.id',
  stageRefId: 'gantry.stage.ref_id',
  stageType: 'gantry.stage.type',
  task: 'gantry.task.name',
  message: 'gantry.message.type',
  provider: 'gantry.provider',
  operation: 'gantry.operation',
  account: 'gantry.account',
  location: 'gantry.location',
} as const;

/**
 * The attributes a span hands down to every span under it in the same process: who the work is
 * for. A provider call thereby carries its execution, stage and task without being told.
 */
const INHERITED: ReadonlySet<string> = new Set([ATTR.executionId, ATTR.application, ATTR.pipelineId, ATTR.stageId, ATTR.stageRefId, ATTR.stageType, ATTR.task]);

const INHERITED_KEY = createContextKey('gantry inherited span attributes');
/** The context of the execution's trace root, which every message sent from here carries. */
const ROOT_KEY = createContextKey('gantry execution trace root');

/**
 * Gantry's tracer, asked for once: the API's proxy, which finds the SDK's tracer once the SDK has
 * started (a lookup by name and version on every span otherwise).
 */
const tracer = trace.getTracer('gantry');

export type SpanAttributes = Record<string, string | number | boolean | null | undefined>;

export { SpanKind };

export interface SpanOptions {
  kind?: SpanKind;
  /** The parent; by default the active context. */
  parent?: Context;
}

/**
 * Runs `work` in a span named `name`, ended when the work settles (an exception marks it failed).
 * With tracing off this is a direct call: `span` is undefined and no context is switched.
 */
export function inSpan<T>(name: string, attributes: SpanAttributes, work: (span?: Span) => Promise<T>, options: SpanOptions = {}): Promise<T> {
  if (!isTracing()) return work();
  const parent = options.parent ?? context.active();
  const own = defined(attributes);
  const all: Attributes = { ...(parent.getValue(INHERITED_KEY) as Attributes | undefined), ...own };
  return tracer.startActiveSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: all }, handingDown(parent, own), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs one step of a task as the span of the RunTask message that runs it: the message's span is
 * renamed `task <name>`, takes the task's attributes, and hands them down to the spans under the
 * step (provider calls, HTTP requests). A RunTask message runs one step of one task, so a span of
 * the task's own under the message's would only repeat it, at the price of one more span for
 * every step the engine takes. Outside a message's span the task gets a span of its own.
 */
export function inTaskStep<T>(name: string, attributes: SpanAttributes, work: (span?: Span) => Promise<T>): Promise<T> {
  if (!isTracing()) return work();
  const active = context.active();
  const message = trace.getSpan(active);
  if (message === undefined || !message.isRecording()) return inSpan(name, attributes, work);
  const own = defined(attributes);
  message.updateName(name);
  message.setAttributes(own);
  return context.with(handingDown(active, own), async () => {
    try {
      return await work(message);
    } catch (error) {
      failSpan(message, error);
      throw error;
    }
  });
}

/**
 * `parent` with `own`'s handed-down attributes added to the set its spans inherit. The set changes
 * only when `own` names one of its keys (a provider call or an HTTP request under a task does
 * not): otherwise `parent` is reused as it is.
 */
function handingDown(parent: Context, own: Attributes): Context {
  if (!Object.keys(own).some((key) => INHERITED.has(key))) return parent;
  const inherited = parent.getValue(INHERITED_KEY) as Attributes | undefined;
  return parent.setValue(INHERITED_KEY, pick({ ...inherited, ...own }, INHERITED));
}

/** Marks a span failed: an exception, or an outcome the work reports without throwing (a TERMINAL task, a 5xx). */
export function failSpan(span: Span | undefined, error: unknown): void {
  if (span === undefined) return;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** W3C trace context as it travels in a queue message or an HTTP request. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The trace a message sent now belongs to: the execution's root when this runs inside a message's
 * span (so every message of an execution names the same root, and the trace stays a shallow tree
 * however long the execution polls), else the active span (the API request or trigger that
 * launches an execution becomes its root). Undefined with tracing off.
 */
export function currentTrace(): TraceCarrier | undefined {
  if (!isTracing()) return undefined;
  const active = context.active();
  const from = (active.getValue(ROOT_KEY) as Context | undefined) ?? active;
  // A context never changes, so neither does what it injects: every message one handler sends
  // (and every handler of the execution, whose root comes from the same cache) shares one carrier.
  let carrier = injected.get(from);
  if (carrier === undefined) {
    const fresh: TraceCarrier = {};
    propagation.inject(from, fresh);
    carrier = fresh.traceparent === undefined ? null : Object.freeze(fresh);
    injected.set(from, carrier);
  }
  return carrier ?? undefined;
}

/** What each context injects (null: no trace), for as long as the context lives. */
const injected = new WeakMap<Context, Readonly<TraceCarrier> | null>();

/**
 * A bounded memo of contexts, which never change once made: an execution's messages all carry the
 * same trace and a stage's messages the same stage, so a `traceparent` is parsed and a stage's
 * span context derived once per execution or stage instead of once per message. The oldest
 * entries go first when it is full.
 */
class Memo<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string, compute: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute();
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }
}

/** Enough for every execution and stage a worker has in flight at once, many times over. */
const MEMO_ENTRIES = 4096;
/** Execution roots by the trace context their messages carry. */
const roots = new Memo<Context>(MEMO_ENTRIES);
/** A stage's span context (the parent of its messages' spans) by carried trace and stage. */
const stageParents = new Memo<Context>(MEMO_ENTRIES);

/**
 * Runs a message's handling in a span under the trace the message carries: under its stage's span
 * when the message is about a stage (`stageId`), else under the execution's root. A message
 * without a trace (sent before tracing was on, or by a worker of an older version) starts a
 * trace, and the messages it sends continue that one.
 */
export function inMessageSpan<T>(
  name: string,
  carried: TraceCarrier | undefined,
  attributes: SpanAttributes,
  work: (span?: Span) => Promise<T>,
  stageId?: string,
): Promise<T> {
  if (!isTracing()) return work();
  if (carried?.traceparent !== undefined) {
    const key = `${carried.traceparent} ${carried.tracestate ?? ''}`;
    const root = roots.get(key, () => {
      const remote = propagation.extract(ROOT_CONTEXT, carried);
      return remote.setValue(ROOT_KEY, remote);
    });
    const parent = stageId === undefined ? root : stageParents.get(`${key} ${stageId}`, () => stageSpanContext(root, stageId) ?? root);
    return inSpan(name, attributes, work, { kind: SpanKind.CONSUMER, parent });
  }
  return inSpan(name, attributes, (span) => context.with(context.active().setValue(ROOT_KEY, context.active()), () => work(span)), {
    kind: SpanKind.CONSUMER,
    parent: ROOT_CONTEXT,
  });
}

/**
 * A stage's span id, derived from its trace and its stage: a stage outlives any one message, its
 * messages run in any worker, and the span is only recorded when the stage ends (`recordStageSpan`),
 * so every process computes the id its spans hang under instead of storing or passing it.
 */
function stageSpanId(traceId: string, stageId: string): string {
  // The one-shot digest: a Hash object cost more than the digest itself.
  return hash('sha256', `${traceId}:${stageId}`).slice(0, 16);
}

/** `root` with the stage's span (not recorded yet, see above) as the active span. */
function stageSpanContext(root: Context, stageId: string): Context | undefined {
  const rootSpan = trace.getSpanContext(root);
  if (rootSpan === undefined) return undefined;
  return trace.setSpanContext(root, { ...rootSpan, spanId: stageSpanId(rootSpan.traceId, stageId), isRemote: true });
}

/** A finished stage as its span records it. */
export interface StageSpan {
  id: string;
  refId: string;
  type: string;
  status: string;
  startTime: Date;
  endTime: Date;
  attributes: SpanAttributes;
}

/**
 * Records a stage's span, under the execution's root, once the stage has ended (from the worker
 * that completes it): from its start to its end, with the id its messages' spans already name as
 * their parent. A stage restarted later records a second span with the same id, which trace
 * viewers show as one stage with two parts.
 */
export function recordStageSpan(stage: StageSpan): void {
  if (!isTracing()) return;
  const root = context.active().getValue(ROOT_KEY) as Context | undefined;
  const rootSpan = root === undefined ? undefined : trace.getSpanContext(root);
  if (root === undefined || rootSpan === undefined) return;
  const attributes: Attributes = {
    ...defined(stage.attributes),
    [ATTR.stageId]: stage.id,
    [ATTR.stageRefId]: stage.refId,
    [ATTR.stageType]: stage.type,
    'gantry.stage.status': stage.status,
  };
  const span = withSpanId(stageSpanId(rootSpan.traceId, stage.id), () =>
    tracer.startSpan(`stage ${stage.type}`, { kind: SpanKind.INTERNAL, startTime: stage.startTime, attributes }, root),
  );
  if (stage.status !== 'SUCCEEDED' && stage.status !== 'SKIPPED') span.setStatus({ code: SpanStatusCode.ERROR, message: stage.status });
  span.end(stage.endTime);
}

/** The active context with the trace context of incoming HTTP headers (`traceparent`) as parent. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** Adds the active span's `traceparent` (and `tracestate`) to outgoing HTTP headers. */
export function injectTraceHeaders(headers: Headers): void {
  if (!isTracing()) return;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) headers.set(name, value);
}

/** The ids a log line carries: the active span's trace and span, and the execution it works for. */
export function logCorrelation(): Record<string, string> {
  if (!isTracing()) return {};
  const active = context.active();
  const span = trace.getSpan(active)?.spanContext();
  const inherited = active.getValue(INHERITED_KEY) as Attributes | undefined;
  const executionId = inherited?.[ATTR.executionId];
  return {
    ...(span === undefined ? {} : { trace_id: span.traceId, span_id: span.spanId }),
    ...(typeof executionId === 'string' ? { executionId } : {}),
  };
}

function defined(attributes: SpanAttributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

function pick(attributes: Attributes, keys: ReadonlySet<string>): Attributes {
  const out: Attributes = {};
  for (const key of keys) if (attributes[key] !== undefined) out[key] = attributes[key];
  return out;
}

/** Adds attributes to the active span once the work has learned them (the execution's application after its row is read). */
export function annotateSpan(attributes: SpanAttributes): void {
  if (!isTracing()) return;
  trace.getActiveSpan()?.setAttributes(defined(attributes));
}

/**
 * Adds a stage's ref id and type to the active span if that span is about this stage (its message
 * named it): a handler that also starts the stages a completion unblocks does not relabel its span.
 */
export function annotateStage(stage: { id: string; refId: string; type: string }): void {
  if (!isTracing()) return;
  const inherited = context.active().getValue(INHERITED_KEY) as Attributes | undefined;
  if (inherited?.[ATTR.stageId] !== stage.id) return;
  trace.getActiveSpan()?.setAttributes({ [ATTR.stageRefId]: stage.refId, [ATTR.stageType]: stage.type });
}
