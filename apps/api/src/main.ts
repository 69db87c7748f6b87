import { loadConfig } from '@gantry/config';
import { collectProcessMetrics, createLogger, onShutdownSignal, openInfrastructure, runMain } from '@gantry/runtime';
import { buildApiServer } from './compose';

/** The API alone (scale-out: workers run as separate processes). */
runMain('gantry-api', async () => {
  const config = loadConfig();
  collectProcessMetrics();
  const log = createLogger(config, 'gantry-api');
  const infra = await openInfrastructure(config);
  const app = buildApiServer(infra, config);
  await app.listen({ host: config.host, port: config.port });
  onShutdownSignal(async () => {
    await app.close();
    await infra.close();
  }, log);
});
