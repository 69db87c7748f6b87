import type { OutgoingMessage } from '@gantry/queue';
import type pg from 'pg';
import type { TaskImplementation, TaskServices } from '../tasks/Task';
import type { ExpressionSandbox } from './expressionSandbox';
import type { OutboxAcks } from './outbox';

export interface RetryPolicy {
  /** Transient task failures retried before the task fails TERMINAL. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface EngineLogger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** Everything a handler needs; handlers hold no state of their own. */
export interface EngineContext {
  pool: pg.Pool;
  task(name: string): TaskImplementation | undefined;
  services: TaskServices;
  retry: RetryPolicy;
  log: EngineLogger;
  /** Where pipelines' CEL is evaluated, under a time and memory limit. */
  expressions: ExpressionSandbox;
  now(): Date;
  /**
   * Record each step's next messages in the outbox, in the step's transaction. Off only in the
   * bench, to measure the design it replaced (send after commit, nothing recorded).
   */
  outbox: boolean;
  /** Outbox rows already sent, deleted with the next transaction's writes (inEngineTransaction). */
  outboxAcks?: OutboxAcks;
}

/**
 * A handler changes state in one transaction and answers with the messages to send after it commits
 * (recorded in the outbox by that transaction when it runs through inEngineTransaction).
 */
export type Handler<M> = (message: M, ctx: EngineContext) => Promise<OutgoingMessage[]>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 60_000 };

/** Exponential backoff with full jitter, so retries of many tasks hitting one broken endpoint spread out. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
