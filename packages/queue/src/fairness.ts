import type { OutgoingMessage } from './messages';

/** A fan-out up to this many messages of one execution is queued like any single message. */
export const FAN_OUT_WITHOUT_PRIORITY = 10;

/** BullMQ's lowest priority (2^21); larger values are refused. */
const LOWEST_PRIORITY = 2 ** 21;

/**
 * The BullMQ priority of each message in one send, so that a huge execution cannot starve the others.
 * Both backends take unprioritised jobs first (FIFO), then prioritised ones by priority (1 first).
 * A big fan-out (an execution starting hundreds of stages at once) is queued at a priority equal to
 * its size: each stage it starts then runs its chain of single messages at no priority, side by side
 * with every other execution's messages, instead of a later execution waiting behind the whole
 * fan-out. The priority lives in the job itself, so nothing is lost on a crash or a redelivery.
 * Messages are counted per execution, so a batch that mixes executions (a relay) ranks each on its own.
 */
export function fanOutPriorities(messages: readonly OutgoingMessage[]): (number | undefined)[] {
  const perExecution = new Map<string, number>();
  for (const { message } of messages) {
    if ('executionId' in message) perExecution.set(message.executionId, (perExecution.get(message.executionId) ?? 0) + 1);
  }
  return messages.map(({ message }) => fanOutPriority('executionId' in message ? perExecution.get(message.executionId)! : 1));
}

/** The priority of each message of a fan-out this big (undefined: none). */
export function fanOutPriority(fanOut: number): number | undefined {
  return fanOut > FAN_OUT_WITHOUT_PRIORITY ? Math.min(fanOut, LOWEST_PRIORITY) : undefined;
}
