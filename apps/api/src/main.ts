import { loadConfig } from '@gantry/config';
import { collectProcessMetrics, createLogger, onShutdownSignal, openInfrastructure, runMain } from '@gantry/runtime';
import { buildApiServer, listen } from './compose';

/** The API alone (scale-out: workers run as separate processes). */
runMain('gantry-api', async () => {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, 'gantry-api');
  const infra = await openInfrastructure(config, log);
  log.info(infra.description);
  const app = buildApiServer(infra, config);
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
