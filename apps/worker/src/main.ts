import { loadConfig } from '@gantry/config';
import { collectProcessMetrics, createLogger, onShutdownSignal, openInfrastructure, runMain } from '@gantry/runtime';
import { startWorker } from './WorkerRuntime';

/** A worker alone (scale-out: many of these share one PostgreSQL and one Redis). */
runMain('gantry-worker', async () => {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, 'gantry-worker');
  const infra = await openInfrastructure(config, log);
  log.info(infra.description);
  const worker = startWorker({
    db: infra.db,
    bus: infra.bus,
    queue: infra.queue,
    log,
    concurrency: config.workerConcurrency,
    lockDurationMs: config.lockDurationMs,
    webhook: { allowedHosts: config.webhookAllowedHosts, timeoutMs: config.webhookTimeoutMs },
  });
  log.info({ concurrency: config.workerConcurrency }, 'worker started');
  onShutdownSignal(async () => {
    await worker.close();
    await infra.close();
  }, log);
});
