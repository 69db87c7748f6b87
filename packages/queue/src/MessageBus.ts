import type { JobsOptions } from 'bullmq';
import { currentTrace } from '@gantry/telemetry';
import { openQueue, type QueueBackendConfig } from './backend';
import { seal } from './envelope';
import { fanOutPriorities } from './fairness';
import type { MessageBus, OutgoingMessage } from './messages';

export function createMessageBus(config: QueueBackendConfig): MessageBus {
  const { queue, close } = openQueue(config);
  return {
    async send(message, options) {
      await queue.add(message.type, seal(message, currentTrace()), jobOptions({ message, ...options }));
    },
    async sendAll(messages: OutgoingMessage[]) {
      // Most handlers send one message; a bulk add costs far more than add for one job on the
      // PostgreSQL backend (it builds temporary tables per call).
      if (messages.length === 0) return;
      if (messages.length === 1) {
        const [only] = messages as [OutgoingMessage];
        await queue.add(only.message.type, seal(only.message, only.trace ?? currentTrace()), jobOptions(only));
        return;
      }
      const priorities = fanOutPriorities(messages);
      const trace = currentTrace();
      await queue.addBulk(
        messages.map((outgoing, i) => ({
          name: outgoing.message.type,
          data: seal(outgoing.message, outgoing.trace ?? trace),
          opts: jobOptions(outgoing, priorities[i]),
        })),
      );
    },
    async inFlight(limit) {
      const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized'], 0, limit - 1);
      return jobs.flatMap((job) => (job?.data ? [job.data] : []));
    },
    close,
  };
}

function jobOptions({ delayMs, outboxId }: OutgoingMessage, priority?: number): JobsOptions | undefined {
  if (!delayMs && outboxId === undefined && priority === undefined) return undefined;
  return {
    ...(delayMs ? { delay: Math.ceil(delayMs) } : {}),
    // BullMQ refuses a custom id that parses as an integer; a prefix keeps it a name.
    ...(outboxId === undefined ? {} : { jobId: `outbox-${outboxId}` }),
    ...(priority === undefined ? {} : { priority }),
  };
}
