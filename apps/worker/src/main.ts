import { bootstrap, onShutdownSignal, runMain, startHealthServer } from '@gantry/runtime';
import { AuthStore } from '@gantry/store';
import { startConfiguredWorker } from './compose';

/** A worker alone (scale-out: many of these share one PostgreSQL and one Redis). */
runMain('gantry-worker', async () => {
  const { config, log, infra, providers, tracing } = await bootstrap('gantry-worker');
  // Probes first: a taken GANTRY_METRICS_PORT stops the worker before it takes any message.
  const health = await startHealthServer({
    host: config.host,
    port: config.metricsPort,
    readiness: () => infra.readiness(),
    metricsAuth: config.auth === 'off' ? 'off' : { tokens: new AuthStore(infra.db.pool) },
  }).catch(async (error: unknown) => {
    await infra.close();
    throw error;
  });
  const worker = startConfiguredWorker(infra, config, log, providers);
  log.info({ concurrency: config.workerConcurrency, metricsPort: health.port }, `worker started; /healthz, /readyz and /metrics on ${config.host}:${health.port}`);
  onShutdownSignal(async () => {
    await worker.close();
    await health.close();
    await infra.close();
    await tracing.shutdown();
  }, log);
});
