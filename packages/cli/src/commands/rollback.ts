import type { ExitCode } from '../errors';
import type { GantryClient } from '../gantryClient';
import type { CliIo } from '../io';
import { reportCreatedExecution, type WaitOptions } from '../waitForExecution';

export interface RollbackOptions {
  account?: string;
  location?: string;
  serverGroup?: string;
  reason?: string;
}

/** `gantry rollback`: POST /applications/:app/clusters/:cluster/rollback, an audited rollback execution. */
export async function rollback(
  client: GantryClient,
  application: string,
  cluster: string,
  options: RollbackOptions,
  io: CliIo,
  wait: WaitOptions,
): Promise<ExitCode> {
  const body = {
    ...(options.account === undefined ? {} : { account: options.account }),
    ...(options.location === undefined ? {} : { location: options.location }),
    ...(options.serverGroup === undefined ? {} : { serverGroupName: options.serverGroup }),
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
  const path = `/applications/${encodeURIComponent(application)}/clusters/${encodeURIComponent(cluster)}/rollback`;
  return reportCreatedExecution(client, await client.request('POST', path, body), `POST ${path}`, io, wait);
}
