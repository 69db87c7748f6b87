import { Worker } from 'node:worker_threads';
import type { BatchOptions, CelOutcome } from '@gantry/core/celBatch';
import type { ExpressionScope } from '@gantry/core';

/**
 * Expressions written in pipelines (CEL or SpEL) run here, in a thread of its own, never on the worker's event loop:
 * an expression that computes for long (nested comprehensions over big lists, a `matches()` with
 * a backtracking pattern) or allocates without end cannot stall the worker's other executions, its
 * health probe or its queue locks, nor crash the process. Each stage start gets `timeoutMs` for
 * all its expressions; past it, or past the thread's heap of `memoryMb`, the thread is ended (a new
 * one starts for the next job) and the stage fails naming the expression and the limit. The
 * failure is recorded on the stage like any expression error, so redelivering the message cannot
 * make another worker run the expression again.
 */
export interface ExpressionLimits {
  timeoutMs: number;
  memoryMb: number;
}

export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = { timeoutMs: 1000, memoryMb: 64 };
export const EXPRESSION_TIMEOUT_SETTING = 'GANTRY_EXPRESSION_TIMEOUT_MS';
export const EXPRESSION_MEMORY_SETTING = 'GANTRY_EXPRESSION_MEMORY_MB';

// Starting the thread (loading the evaluator) is not the expression's time; it has its own bound.
const THREAD_START_TIMEOUT_MS = 60_000;

/** An expression ran over a limit; the message names the expression and the limit. */
export class ExpressionLimitError extends Error {
  constructor(
    readonly expression: string | undefined,
    readonly limit: string,
  ) {
    super(`${expression === undefined ? 'the stage\'s expressions' : `expression "\${${expression}}"`} exceeded ${limit}`);
    this.name = 'ExpressionLimitError';
  }
}

type ThreadMessage = { type: 'ready' } | { type: 'start'; index: number } | { type: 'done'; outcomes: CelOutcome[] };

interface Thread {
  worker: Worker;
  ready: Promise<void>;
}

export class ExpressionSandbox {
  private thread: Thread | undefined;
  // One job at a time: the thread evaluates synchronously, and each job's deadline is its own.
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly limits: ExpressionLimits = DEFAULT_EXPRESSION_LIMITS) {}

  /** Each source's value or error; rejects with ExpressionLimitError when a limit is hit. */
  evaluate(sources: string[], scope: ExpressionScope, options: BatchOptions = {}): Promise<CelOutcome[]> {
    const job = this.queue.then(() => this.run(sources, scope, options));
    this.queue = job.catch(() => undefined);
    return job;
  }

  /**
   * Starts the thread now rather than at the first expression: loading the evaluator takes seconds
   * on a busy machine, which would otherwise delay the first stage that has an expression.
   */
  warm(): void {
    if (this.closed || this.thread !== undefined) return;
    // A thread that fails to start is discarded; the first job starts another and reports why.
    this.start().ready.catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = undefined;
    await thread?.worker.terminate();
  }

  private async run(sources: string[], scope: ExpressionScope, options: BatchOptions): Promise<CelOutcome[]> {
    if (this.closed) throw new Error('the expression sandbox is closed');
    const thread = this.thread ?? this.start();
    await thread.ready;
    const { worker } = thread;
    return new Promise<CelOutcome[]>((resolve, reject) => {
      let current: number | undefined;
      const finish = (outcome: () => void, stopThread: boolean) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (stopThread) this.discard(thread);
        outcome();
      };
      const limitHit = (limit: string) => finish(() => reject(new ExpressionLimitError(current === undefined ? undefined : sources[current], limit)), true);
      const onMessage = (message: ThreadMessage) => {
        if (message.type === 'start') current = message.index;
        if (message.type === 'done') finish(() => resolve(message.outcomes), false);
      };
      const onError = (error: Error) => {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_WORKER_OUT_OF_MEMORY') limitHit(`the memory limit of ${this.limits.memoryMb} MB (${EXPRESSION_MEMORY_SETTING})`);
        else finish(() => reject(new ExpressionLimitError(current === undefined ? undefined : sources[current], `what the sandbox survives: ${error.message}`)), true);
      };
      const onExit = () => limitHit('what the sandbox survives: its thread stopped');
      const timer = setTimeout(() => limitHit(`the time limit of ${this.limits.timeoutMs} ms (${EXPRESSION_TIMEOUT_SETTING})`), this.limits.timeoutMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ sources, scope, options });
    });
  }

  private start(): Thread {
    const worker = new Worker(new URL('./expressionThread.mjs', import.meta.url), {
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.limits.memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.round(this.limits.memoryMb / 8)) },
    });
    // An idle sandbox must not keep the process alive on its own.
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the expression sandbox did not start within ${THREAD_START_TIMEOUT_MS} ms`)), THREAD_START_TIMEOUT_MS);
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        worker.off('message', onReady);
        worker.off('error', onFailure);
        outcome();
      };
      const onReady = (message: ThreadMessage) => {
        if (message.type === 'ready') settle(resolve);
      };
      const onFailure = (error: Error) => settle(() => reject(error));
      worker.on('message', onReady);
      worker.on('error', onFailure);
    });
    const thread = { worker, ready };
    ready.catch(() => this.discard(thread));
    // A thread can still fail after its job let go of it (out of memory while being terminated
    // after a timeout): an 'error' with no listener would crash the whole worker process.
    worker.on('error', () => this.discard(thread));
    this.thread = thread;
    return thread;
  }

  private discard(thread: Thread): void {
    if (this.thread === thread) this.thread = undefined;
    void thread.worker.terminate();
  }
}
