import { buildApiServer, listen } from '@gantry/api';
import { loadConfig } from '@gantry/config';
import { collectProcessMetrics, createLogger, onShutdownSignal, openInfrastructure, runMain } from '@gantry/runtime';
import { startWorker } from '@gantry/worker';

/** `npm start`: the API and a worker in one process, for a single machine. */
runMain('gantry', async () => {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, 'gantry');
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
  const app = buildApiServer(infra, config);
  try {
    await listen(app, config);
  } catch (error) {
    await worker.close();
    await infra.close();
    throw error;
  }
  log.info(`gantry listening on http://${config.host}:${config.port} (docs at /docs)`);
  onShutdownSignal(async () => {
    // Stop taking requests and messages first; in-flight handlers finish before the pools close.
    await app.close();
    await worker.close();
    await infra.close();
  }, log);
});
