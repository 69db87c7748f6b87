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
  type Tracer,
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
/** The execution's trace root (an `ExecutionRoot`), which every message sent from here carries. */
const ROOT_KEY = createContextKey('gantry execution trace root');

/** An execution's trace root as a worker knows it. */
interface ExecutionRoot {
  /** The context whose span is the root. */
  context: Context;
  /** The contexts its stages' messages' spans start from, by stage id, each derived once (`stageParent`). */
  stages: Map<string, Context>;
}

function executionRoot(rootContext: Context): ExecutionRoot {
  return { context: rootContext, stages: new Map() };
}

/**
 * Gantry's tracer, asked for once the SDK has started (spans are only made then): the SDK's own
 * tracer, rather than the API's proxy, which re-dispatches every call to it (and a lookup by name
 * and version on every span otherwise).
 */
let started: Tracer | undefined;
function tracer(): Tracer {
  return (started ??= trace.getTracer('gantry'));
}

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
  const inherited = parent.getValue(INHERITED_KEY) as Attributes | undefined;
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: inherited === undefined ? own : Object.assign({}, inherited, own) }, parent);
  return context.with(trace.setSpan(handingDown(parent, inherited, own), span), async () => {
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
  const inherited = active.getValue(INHERITED_KEY) as Attributes | undefined;
  // The message's span was started with what its context hands down: only the rest is news to it.
  const fresh = unlike(defined(attributes), inherited);
  message.updateName(name);
  message.setAttributes(fresh);
  return context.with(handingDown(active, inherited, fresh), async () => {
    try {
      return await work(message);
    } catch (error) {
      failSpan(message, error);
      throw error;
    }
  });
}

/**
 * `parent` with `own`'s handed-down attributes added to the set its spans inherit (`inherited`,
 * the set `parent` holds). The set changes only when `own` gives one of its keys a new value (a
 * provider call or an HTTP request under a task does not): otherwise `parent` is reused as it is.
 */
function handingDown(parent: Context, inherited: Attributes | undefined, own: Attributes): Context {
  // Object.assign, not a spread, here and on the other paths every message takes: on this Node
  // (V8 11.3) an object spread with properties after it (`{ ...a, b }`) makes a new hidden class
  // for every object it creates, 0.6 µs where Object.assign takes 0.05.
  let next: Attributes | undefined;
  for (const key in own) {
    if (INHERITED.has(key) && inherited?.[key] !== own[key]) {
      next ??= Object.assign({}, inherited);
      next[key] = own[key];
    }
  }
  return next === undefined ? parent : parent.setValue(INHERITED_KEY, next);
}

/** The attributes of `own` that `inherited` does not already give the same value. */
function unlike(own: Attributes, inherited: Attributes | undefined): Attributes {
  if (inherited === undefined) return own;
  const out: Attributes = {};
  for (const key in own) if (inherited[key] !== own[key]) out[key] = own[key];
  return out;
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
  const from = (active.getValue(ROOT_KEY) as ExecutionRoot | undefined)?.context ?? active;
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
 * The contexts messages' spans start from, by the trace context the messages carry. A context
 * never changes once made and an execution's messages all carry the same trace, so a
 * `traceparent` is parsed (and each stage's span context derived, in its `ExecutionRoot`) once per
 * execution instead of once per message. Enough for every execution a worker has in flight at
 * once, many times over; the oldest go first when it is full.
 */
const roots = new Map<string, Context>();
const ROOTS_KEPT = 4096;

function rootOf(traceparent: string, tracestate: string | undefined): Context {
  const key = tracestate === undefined ? traceparent : `${traceparent} ${tracestate}`;
  let root = roots.get(key);
  if (root === undefined) {
    const remote = propagation.extract(ROOT_CONTEXT, tracestate === undefined ? { traceparent } : { traceparent, tracestate });
    root = remote.setValue(ROOT_KEY, executionRoot(remote));
    if (roots.size >= ROOTS_KEPT) roots.delete(roots.keys().next().value!);
    roots.set(key, root);
  }
  return root;
}

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
    const root = rootOf(carried.traceparent, carried.tracestate);
    const parent = stageId === undefined ? root : stageParent(root, stageId);
    return inSpan(name, attributes, work, { kind: SpanKind.CONSUMER, parent });
  }
  return inSpan(name, attributes, (span) => context.with(context.active().setValue(ROOT_KEY, executionRoot(context.active())), () => work(span)), {
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

/** `base` (a context with the execution's root) with the stage's span (not recorded yet, see above) as the active span. */
function stageParent(base: Context, stageId: string): Context {
  const root = base.getValue(ROOT_KEY) as ExecutionRoot;
  let stage = root.stages.get(stageId);
  if (stage === undefined) {
    const rootSpan = trace.getSpanContext(root.context);
    stage = rootSpan === undefined ? base : trace.setSpanContext(base, Object.assign({}, rootSpan, { spanId: stageSpanId(rootSpan.traceId, stageId), isRemote: true }));
    root.stages.set(stageId, stage);
  }
  return stage;
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
  const root = context.active().getValue(ROOT_KEY) as ExecutionRoot | undefined;
  const rootSpan = root === undefined ? undefined : trace.getSpanContext(root.context);
  if (root === undefined || rootSpan === undefined) return;
  // The id its messages' spans named as their parent, when they ran here.
  const known = root.stages.get(stage.id);
  const spanId = (known === undefined ? undefined : trace.getSpanContext(known)?.spanId) ?? stageSpanId(rootSpan.traceId, stage.id);
  const attributes = defined(stage.attributes);
  attributes[ATTR.stageId] = stage.id;
  attributes[ATTR.stageRefId] = stage.refId;
  attributes[ATTR.stageType] = stage.type;
  attributes['gantry.stage.status'] = stage.status;
  const span = withSpanId(spanId, () =>
    tracer().startSpan(`stage ${stage.type}`, { kind: SpanKind.INTERNAL, startTime: stage.startTime, attributes }, root.context),
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
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
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
