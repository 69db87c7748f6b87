import { openQueue, type QueueBackendConfig } from './backend';
import type { EngineMessage, MessageBus, OutgoingMessage } from './messages';

export function createMessageBus(config: QueueBackendConfig): MessageBus {
  const { queue, close } = openQueue(config);
  return {
    async send(message: EngineMessage, options?: { delayMs?: number }) {
      await queue.add(message.type, message, options?.delayMs ? { delay: Math.ceil(options.delayMs) } : undefined);
    },
    async sendAll(messages: OutgoingMessage[]) {
      if (messages.length === 0) return;
      await queue.addBulk(
        messages.map(({ message, delayMs }) => ({
          name: message.type,
          data: message,
          opts: delayMs ? { delay: Math.ceil(delayMs) } : undefined,
        })),
      );
    },
    close,
  };
}
