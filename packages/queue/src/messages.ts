import type { TraceCarrier } from '@gantry/telemetry';

/**
 * The engine's messages (Orca's vocabulary). Each says what to do next; PostgreSQL holds the truth,
 * so a message that no longer applies is dropped by its handler.
 */
export type EngineMessage =
  | { type: 'StartExecution'; executionId: string }
  | { type: 'StartStage'; executionId: string; stageId: string }
  /**
   * `local`: the sender found the task declared local (TaskImplementation.local), so the handler may
   * run it inside its transaction. Only a hint: the handler checks the task it finds under the lock.
   */
  | { type: 'RunTask'; executionId: string; stageId: string; taskId: string; local?: true }
  | { type: 'CompleteTask'; executionId: string; stageId: string; taskId: string }
  | { type: 'CompleteStage'; executionId: string; stageId: string }
  | { type: 'CompleteExecution'; executionId: string }
  | { type: 'CancelExecution'; executionId: string }
  | { type: 'ResumeStage'; executionId: string; stageId: string }
  | { type: 'RestartStage'; executionId: string; stageId: string }
  /** The execution ended: start the pipelines whose pipeline trigger listens for it. */
  | { type: 'StartDownstreamPipelines'; executionId: string }
  /**
   * A cron trigger's tick, sent by the queue's job scheduler (its fields are the schedule's, so a
   * tick of a schedule the pipeline no longer has is recognised). `tick` is the scheduled time
   * (ms), stamped by the consumer from the scheduler's job.
   */
  | { type: 'CronTick'; pipelineId: string; triggerIndex: number; expression: string; timezone: string; tick?: number }
  /** Make the queue's cron schedules for this pipeline match its latest version (or remove them). */
  | { type: 'SyncCronTriggers'; pipelineId: string }
  /** Sync the pipelines of a configured git repository with its branch's head (a push webhook asks). */
  | { type: 'SyncPipelineRepository'; repository: string }
  /**
   * Compare what runs with its desired state (README "Drift"): sent by the queue's drift job
   * scheduler (everything) or by the on-demand check (one watch, or one application's objects).
   */
  | { type: 'CheckDrift'; watch?: string; application?: string };

export type EngineMessageType = EngineMessage['type'];

export type MessageOf<T extends EngineMessageType> = Extract<EngineMessage, { type: T }>;

export interface OutgoingMessage {
  message: EngineMessage;
  /** Deliver no earlier than this many milliseconds from now (polling, backoff). */
  delayMs?: number;
  /**
   * The engine's outbox row that recorded it. Its queue job id is derived from it, so relaying the
   * row twice (the handler's send and the relay racing) makes one job.
   */
  outboxId?: string;
  /** The trace it belongs to, when already decided (an outbox row relayed); else the sender's (`currentTrace`). */
  trace?: TraceCarrier;
}

/** What the API and the handlers use to send messages; the backend (Redis or PostgreSQL) is hidden. */
export interface MessageBus {
  send(message: EngineMessage, options?: { delayMs?: number }): Promise<void>;
  sendAll(messages: OutgoingMessage[]): Promise<void>;
  /** Messages the queue holds (waiting, delayed, running), at most `limit`: what is in flight. */
  inFlight(limit: number): Promise<EngineMessage[]>;
  close(): Promise<void>;
}
