import { createMessageBus, openQueue, type MessageBus, type QueueBackendConfig } from '@gantry/queue';
import { runEngineChains } from '../benchmarks/engineVsBullmq/engineChains';
import { createBenchDatabase } from '../lib/database';
import { WORKER_CONCURRENCY } from '../lib/gantry';
import { benchQueue, type BackendKind } from '../lib/queues';

/**
 * Engine throughput with the current MessageBus (sendAll → queue.addBulk) against a variant that
 * sends each message with queue.add. On BullMQ's PostgreSQL backend, addBulk runs add_jobs_bulk,
 * which creates and drops two temporary tables per call; even for one message it costs ~10× the
 * PostgreSQL CPU of add_job. Rounds alternate so that a change in machine load hits both variants.
 *
 *   npx tsx bench/tools/busVariants.ts postgres [rounds]
 */
function addPerMessageBus(config: QueueBackendConfig): MessageBus {
  const current = createMessageBus(config);
  const { queue, close } = openQueue(config);
  return {
    ...current,
    async sendAll(messages) {
      await Promise.all(messages.map(({ message, delayMs }) => queue.add(message.type, message, delayMs ? { delay: Math.ceil(delayMs) } : undefined)));
    },
    async close() {
      await close();
      await current.close();
    },
  };
}

const VARIANTS = { 'addBulk (current)': createMessageBus, 'add per message': addPerMessageBus } as const;

const kind: BackendKind = process.argv[2] === 'redis' ? 'redis' : 'postgres';
const rounds = Number(process.argv[3] ?? 2);
for (let round = 0; round < rounds; round++) {
  for (const [label, createBus] of Object.entries(VARIANTS)) {
    const database = await createBenchDatabase();
    const queue = benchQueue(kind, database.url, 'variant');
    try {
      const result = await runEngineChains(database.db, queue.config, {
        executions: 50,
        stages: 20,
        concurrency: WORKER_CONCURRENCY,
        timeoutMs: 180_000,
        createBus,
      });
      const perTransition = (seconds: number | null) => (seconds === null ? '-' : ((seconds * 1000) / result.transitions).toFixed(2));
      process.stdout.write(
        `${kind} ${label.padEnd(18)} ${String(result.transitionsPerSecond).padStart(7)} transitions/s  ` +
          `CPU ms/transition node ${perTransition(result.cpu.nodeSeconds)} postgres ${perTransition(result.cpu.postgresSeconds)} ` +
          `(machine busy ${result.cpu.machineBusySeconds} s in ${result.cpu.wallSeconds} s)\n`,
      );
    } finally {
      await queue.cleanup().catch(() => undefined);
      await database.drop();
    }
  }
}
process.exit(0);
