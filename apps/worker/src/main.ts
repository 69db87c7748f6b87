import { ConfigError, loadConfig } from '@gantry/config';
import { StartupError, createLogger, onShutdownSignal, openInfrastructure } from '@gantry/runtime';
import { startWorker } from './WorkerRuntime';

/** Runs a worker alone (scale-out: many of these share one PostgreSQL and one Redis). */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'gantry-worker');
  const infra = await openInfrastructure(config);
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
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`gantry-worker: ${error.message}\n`);
  } else {
    process.stderr.write(`gantry-worker: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
