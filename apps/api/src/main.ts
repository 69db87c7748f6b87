import { bootstrap, onShutdownSignal, runMain } from '@gantry/runtime';
import { startApiServer } from './compose';

/** The API alone (scale-out: workers run as separate processes). */
runMain('gantry-api', async () => {
  const { config, log, infra, providers, tracing } = await bootstrap('gantry-api');
  const app = await startApiServer(infra, config, providers);
  onShutdownSignal(async () => {
    await app.close();
    await infra.close();
    await tracing.shutdown();
  }, log);
});
