import type { EngineMessage, MessageBus, OutgoingMessage } from '@gantry/queue';
import { cancelExecution } from '../handlers/CancelExecution';
import { completeExecution } from '../handlers/CompleteExecution';
import { completeStage } from '../handlers/CompleteStage';
import { completeTask } from '../handlers/CompleteTask';
import { restartStage } from '../handlers/RestartStage';
import { resumeStage } from '../handlers/ResumeStage';
import { runTask } from '../handlers/RunTask';
import { startExecution } from '../handlers/StartExecution';
import { startStage } from '../handlers/StartStage';
import type { EngineContext, Handler } from './EngineContext';
import { engineMessageSeconds, engineMessages } from './metrics';

type Handlers = { [T in EngineMessage['type']]: Handler<Extract<EngineMessage, { type: T }>> };

const HANDLERS: Handlers = {
  StartExecution: startExecution,
  StartStage: startStage,
  RunTask: runTask,
  CompleteTask: completeTask,
  CompleteStage: completeStage,
  CompleteExecution: completeExecution,
  CancelExecution: cancelExecution,
  ResumeStage: resumeStage,
  RestartStage: restartStage,
};

/**
 * Handles one message: the handler commits its change, then the follow-up messages are sent. If the
 * process dies between the two, the queue redelivers this message and the handler, finding the
 * change already made, sends the follow-ups again — so no step is ever lost.
 */
export class Engine {
  constructor(
    private readonly ctx: EngineContext,
    private readonly bus: MessageBus,
  ) {}

  async handle(message: EngineMessage): Promise<void> {
    const handler = HANDLERS[message.type] as Handler<EngineMessage>;
    const stopTimer = engineMessageSeconds.startTimer({ type: message.type });
    try {
      const next: OutgoingMessage[] = await handler(message, this.ctx);
      await this.bus.sendAll(next);
      engineMessages.inc({ type: message.type, outcome: 'ok' });
    } catch (error) {
      engineMessages.inc({ type: message.type, outcome: 'error' });
      throw error;
    } finally {
      stopTimer();
    }
  }
}
