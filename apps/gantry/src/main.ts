import { startApiServer } from '@gantry/api';
import { bootstrap, onShutdownSignal, runMain } from '@gantry/runtime';
import { startConfiguredWorker } from '@gantry/worker';

/** `npm start`: the API and a worker in one process, for a single machine. */
runMain('gantry', async () => {
  const { config, log, infra, providers, tracing } = await bootstrap('gantry');
  const app = await startApiServer(infra, config, providers);
  const worker = startConfiguredWorker(infra, config, log, providers);
  log.info(`gantry listening on http://${config.host}:${config.port} (docs at /docs)`);
  onShutdownSignal(async () => {
    // Stop taking requests and messages first; in-flight handlers finish before the pools close.
    await app.close();
    await worker.close();
    await infra.close();
    await tracing.shutdown();
  }, log);
});
