import type { EngineMessage, MessageBus, OutgoingMessage } from '@gantry/queue';
import { ATTR, failSpan, inMessageSpan, type TraceCarrier } from '@gantry/telemetry';
import { cancelExecution } from './handlers/CancelExecution';
import { completeExecution } from './handlers/CompleteExecution';
import { completeStage } from './handlers/CompleteStage';
import { completeTask } from './handlers/CompleteTask';
import { cronTick } from './handlers/CronTick';
import { restartStage } from './handlers/RestartStage';
import { resumeStage } from './handlers/ResumeStage';
import { runTask } from './handlers/RunTask';
import { startExecution } from './handlers/StartExecution';
import { startDownstreamPipelines } from './handlers/StartDownstreamPipelines';
import { startStage } from './handlers/StartStage';
import { syncCronTriggers } from './handlers/SyncCronTriggers';
import { syncPipelineRepository } from './handlers/SyncPipelineRepository';
import { checkDrift } from './handlers/CheckDrift';
import type { DriftChecker } from './drift/DriftChecker';
import type { PipelineRepositorySyncer } from './gitops/PipelineRepositorySyncer';
import type { CronScheduleStore } from './triggers/CronSchedules';
import type { EngineContext, Handler } from './engine/EngineContext';
import { engineMessageSeconds, engineMessages } from './engine/metrics';

type Handlers = { [T in EngineMessage['type']]: Handler<Extract<EngineMessage, { type: T }>> };

// SyncCronTriggers is bound per engine, to the queue connection that holds the schedules;
// SyncPipelineRepository to the configured repositories; CheckDrift to the drift settings.
const HANDLERS: Omit<Handlers, 'SyncCronTriggers' | 'SyncPipelineRepository' | 'CheckDrift'> = {
  StartExecution: startExecution,
  StartStage: startStage,
  RunTask: runTask,
  CompleteTask: completeTask,
  CompleteStage: completeStage,
  CompleteExecution: completeExecution,
  CancelExecution: cancelExecution,
  ResumeStage: resumeStage,
  RestartStage: restartStage,
  StartDownstreamPipelines: startDownstreamPipelines,
  CronTick: cronTick,
};

/**
 * Handles one message: the handler commits its change with the follow-up messages recorded in the
 * outbox, then sends them and lets the outbox forget them. If the send fails (the queue is down),
 * this message fails too and the queue retries it: the handler, finding the change already made,
 * sends the follow-ups again. If the process dies, or the queue loses this message as well, the
 * outbox relay sends the recorded follow-ups — so no step is ever lost.
 */
export class Engine {
  private readonly handlers: Handlers;

  constructor(
    private readonly ctx: EngineContext,
    private readonly bus: MessageBus,
    schedules: CronScheduleStore,
    repositories?: PipelineRepositorySyncer,
    drift?: DriftChecker,
  ) {
    this.handlers = {
      ...HANDLERS,
      SyncCronTriggers: syncCronTriggers(schedules),
      SyncPipelineRepository: syncPipelineRepository(repositories),
      CheckDrift: checkDrift(drift),
    };
  }

  /**
   * Handles one message in a span of the execution's trace (`trace`, the one the message carries),
   * under its stage's span when it is about a stage.
   */
  handle(message: EngineMessage, trace?: TraceCarrier): Promise<void> {
    const stageId = 'stageId' in message ? message.stageId : undefined;
    return inMessageSpan(`engine ${message.type}`, trace, messageAttributes(message), async (span) => {
      const handler = this.handlers[message.type] as Handler<EngineMessage>;
      const stopTimer = engineMessageSeconds.startTimer({ type: message.type });
      try {
        const next: OutgoingMessage[] = await handler(message, this.ctx);
        await this.bus.sendAll(next);
        this.ctx.outboxAcks?.add(next);
        engineMessages.inc({ type: message.type, outcome: 'ok' });
      } catch (error) {
        engineMessages.inc({ type: message.type, outcome: 'error' });
        failSpan(span, error);
        throw error;
      } finally {
        stopTimer();
      }
    }, stageId);
  }
}

function messageAttributes(message: EngineMessage) {
  return {
    [ATTR.message]: message.type,
    [ATTR.executionId]: 'executionId' in message ? message.executionId : undefined,
    [ATTR.stageId]: 'stageId' in message ? message.stageId : undefined,
    [ATTR.pipelineId]: 'pipelineId' in message ? message.pipelineId : undefined,
  };
}
