import type { MessageBus } from '@gantry/queue';
import type { CommandResult } from '@gantry/store';

/**
 * Sends the messages a committed state change decided on, then hands back its value. Every command
 * result goes through here: dropping its messages would leave the execution waiting forever.
 */
export async function dispatch<T>(bus: MessageBus, result: CommandResult<T>): Promise<T> {
  await bus.sendAll(result.messages.map((message) => ({ message })));
  return result.value;
}
