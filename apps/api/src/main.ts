import { bootstrap, onShutdownSignal, runMain } from '@gantry/runtime';
import { buildApiServer, listen } from './compose';

/** The API alone (scale-out: workers run as separate processes). */
runMain('gantry-api', async () => {
  const { config, log, infra, providers } = await bootstrap('gantry-api');
  const app = buildApiServer(infra, config, providers);
  try {
    await listen(app, config);
  } catch (error) {
    await infra.close();
    throw error;
  }
  onShutdownSignal(async () => {
    await app.close();
    await infra.close();
  }, log);
});
