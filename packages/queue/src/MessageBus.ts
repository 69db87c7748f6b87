import { openQueue, type QueueBackendConfig } from './backend';
import { fanOutPriorities } from './fairness';
import type { EngineMessage, MessageBus, OutgoingMessage } from './messages';

export function createMessageBus(config: QueueBackendConfig): MessageBus {
  const { queue, close } = openQueue(config);
  const send = async (message: EngineMessage, options?: { delayMs?: number }) => {
    await queue.add(message.type, message, options?.delayMs ? { delay: Math.ceil(options.delayMs) } : undefined);
  };
  return {
    send,
    async sendAll(messages: OutgoingMessage[]) {
      // Most handlers send one message; a bulk add costs far more than add for one job on the
      // PostgreSQL backend (it builds temporary tables per call).
      if (messages.length === 0) return;
      if (messages.length === 1) return send(messages[0]!.message, messages[0]);
      const priorities = fanOutPriorities(messages);
      await queue.addBulk(
        messages.map(({ message, delayMs }, i) => ({
          name: message.type,
          data: message,
          opts: { ...(delayMs ? { delay: Math.ceil(delayMs) } : {}), ...(priorities[i] ? { priority: priorities[i] } : {}) },
        })),
      );
    },
    close,
  };
}
