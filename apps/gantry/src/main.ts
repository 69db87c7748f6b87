import { buildApiServer } from '@gantry/api';
import { loadConfig, redactUrl } from '@gantry/config';
import { collectProcessMetrics, createLogger, onShutdownSignal, openInfrastructure, runMain } from '@gantry/runtime';
import { startWorker } from '@gantry/worker';

/** `npm start`: the API and a worker in one process, for a single machine. */
runMain('gantry', async () => {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, 'gantry');
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
  const app = buildApiServer(infra, config);
  await app.listen({ host: config.host, port: config.port });
  log.info(
    { database: redactUrl(config.databaseUrl), queue: `redis ${redactUrl(config.redisUrl)}`, port: config.port },
    `gantry listening on http://${config.host}:${config.port} (docs at /docs)`,
  );
  onShutdownSignal(async () => {
    // Stop taking requests and messages first; in-flight handlers finish before the pools close.
    await app.close();
    await worker.close();
    await infra.close();
  }, log);
});
