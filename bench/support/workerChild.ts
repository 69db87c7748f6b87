import { startWorker } from '@gantry/worker';
import { createMessageBus, type QueueBackendConfig } from '@gantry/queue';
import { connectDatabase } from '@gantry/store';
import { WORKER_CONCURRENCY, benchLog } from '../lib/gantry';

/**
 * A worker alone in its process (as `npm run start:worker` runs it), so that its memory can be read
 * from /proc without the API, the load generator or the benchmark's own bookkeeping in it.
 */
const databaseUrl = process.env.DATABASE_URL;
const queueJson = process.env.GANTRY_BENCH_QUEUE;
if (!databaseUrl || !queueJson) throw new Error('DATABASE_URL and GANTRY_BENCH_QUEUE are required');
const queue = JSON.parse(queueJson) as QueueBackendConfig;
const db = connectDatabase(databaseUrl);
const bus = createMessageBus(queue);
const worker = startWorker({ db, bus, queue, log: benchLog, concurrency: Number(process.env.GANTRY_BENCH_CONCURRENCY ?? WORKER_CONCURRENCY) });
process.stdout.write('worker ready\n');

// The parent reads RSS from /proc; these lines say what the RSS is made of (V8 heap or buffers).
setInterval(() => process.stdout.write(`memory ${JSON.stringify(process.memoryUsage())}\n`), 250).unref();

process.once('SIGTERM', () => {
  void worker
    .close()
    .then(() => bus.close())
    .then(() => db.close())
    .finally(() => process.exit(0));
});
