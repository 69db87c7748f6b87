import { bootstrap, onShutdownSignal, runMain } from '@gantry/runtime';
import { startConfiguredWorker } from './compose';

/** A worker alone (scale-out: many of these share one PostgreSQL and one Redis). */
runMain('gantry-worker', async () => {
  const { config, log, infra, providers } = await bootstrap('gantry-worker');
  const worker = startConfiguredWorker(infra, config, log, providers);
  log.info({ concurrency: config.workerConcurrency }, 'worker started');
  onShutdownSignal(async () => {
    await worker.close();
    await infra.close();
  }, log);
});
