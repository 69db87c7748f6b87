import type { MessageBus } from '@gantry/queue';
import type { CommandResult } from '@gantry/store';
import { ATTR, annotateSpan } from '@gantry/telemetry';

/**
 * Sends the messages a committed state change decided on, then hands back its value. Every command
 * result goes through here: dropping its messages would leave the execution waiting forever.
 */
export async function dispatch<T>(bus: MessageBus, result: CommandResult<T>): Promise<T> {
  // The request's span names the execution it moved, as every span of an execution does.
  const moved = result.messages.find((message) => 'executionId' in message);
  if (moved !== undefined && 'executionId' in moved) annotateSpan({ [ATTR.executionId]: moved.executionId });
  await bus.sendAll(result.messages.map((message) => (result.trace === undefined ? { message } : { message, trace: result.trace })));
  return result.value;
}

/** How long a launch waits for the queue before answering anyway. */
export const LAUNCH_SEND_TIMEOUT_MS = 2_000;

/**
 * `dispatch` for a launch (a trigger, a rollback). The execution is stored, NOT_STARTED, before its
 * message is sent; if the queue is down or slow, the request is still accepted rather than failed
 * (a client would retry and start it twice): the worker's reconciler sends the StartExecution of
 * an execution left NOT_STARTED once the queue is back.
 */
export async function dispatchLaunch<T>(bus: MessageBus, result: CommandResult<T>, log: { warn(object: object, message: string): void }): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the queue did not accept the message within ${LAUNCH_SEND_TIMEOUT_MS} ms`)), LAUNCH_SEND_TIMEOUT_MS);
  });
  try {
    await Promise.race([dispatch(bus, result), timeout]);
  } catch (error) {
    log.warn({ err: error }, 'the execution is stored but its start could not be queued; it starts once the queue is back');
  } finally {
    clearTimeout(timer);
  }
  return result.value;
}
