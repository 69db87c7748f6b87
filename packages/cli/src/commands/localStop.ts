import { localDataDir, stopAgent } from '@gantry/providers/local';
import { EXIT, type ExitCode } from '../errors';
import type { CliIo } from '../io';

/**
 * `gantry local stop`: the local provider's agent outlives Gantry on purpose (traffic keeps flowing
 * while Gantry restarts); this is how a user ends it, and by default the apps it runs.
 */
export async function localStop(options: { dataDir?: string; keepInstances: boolean }, io: CliIo): Promise<ExitCode> {
  const dataDir = localDataDir(options.dataDir, io.env);
  if (await stopAgent(dataDir, !options.keepInstances)) {
    io.stdout(`stopped the local agent of ${dataDir}${options.keepInstances ? '; its instances keep running and the next agent adopts them' : ' and every instance it ran'}\n`);
  } else {
    io.stdout(`no local agent is running for ${dataDir}\n`);
  }
  return EXIT.OK;
}
