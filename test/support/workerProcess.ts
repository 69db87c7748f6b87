import { startWorker, type WorkerNotificationSettings } from '../../apps/worker/src';
import { createMessageBus, type QueueBackendConfig } from '../../packages/queue/src';
import { openProviderRegistry } from '../../packages/runtime/src';
import { connectDatabase } from '../../packages/store/src';
import { recordEffectTask, registerEffectStage } from './effectStage';

/** Entry point of a worker child process for the kill/concurrency tests. */
const databaseUrl = process.env.DATABASE_URL;
const queueJson = process.env.GANTRY_TEST_QUEUE;
if (!databaseUrl || !queueJson) throw new Error('DATABASE_URL and GANTRY_TEST_QUEUE are required');
const queue = JSON.parse(queueJson) as QueueBackendConfig;
registerEffectStage();
const db = connectDatabase(databaseUrl);
const bus = createMessageBus(queue);
const log = {
  info: () => undefined,
  warn: () => undefined,
  error: (object: object, message?: string) => process.stderr.write(`${message ?? ''} ${JSON.stringify(object)}\n`),
};
const worker = startWorker({
  db,
  bus,
  queue,
  log,
  concurrency: Number(process.env.GANTRY_WORKER_CONCURRENCY ?? 10),
  lockDurationMs: Number(process.env.GANTRY_LOCK_DURATION_MS ?? 2000),
  extraTasks: [recordEffectTask],
  // The server group tests hand their accounts over the way production does: GANTRY_ACCOUNTS_FILE.
  providers: openProviderRegistry({}),
  // The notification tests hand over their channels (fakes) as the configuration would.
  ...(process.env.GANTRY_TEST_NOTIFICATIONS === undefined ? {} : { notifications: JSON.parse(process.env.GANTRY_TEST_NOTIFICATIONS) as WorkerNotificationSettings }),
});
process.stdout.write('worker ready\n');
process.on('SIGTERM', () => {
  void worker
    .close()
    .then(() => bus.close())
    .then(() => db.close())
    .then(() => process.exit(0));
});
