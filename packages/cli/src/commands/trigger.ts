import { CliError, EXIT, type ExitCode } from '../errors';
import type { GantryClient } from '../gantryClient';
import type { CliIo } from '../io';
import { reportCreatedExecution, type WaitOptions } from '../waitForExecution';

/** `-p key=value` pairs; the value is a string, as pipeline parameters are, and may contain '='. */
function parseParameters(pairs: readonly string[]): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`-p ${pair}: expected key=value`, EXIT.BAD_INPUT);
    parameters[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return parameters;
}

/** `gantry trigger`: POST /pipelines/:id/executions with the parameters. */
export async function trigger(client: GantryClient, pipelineId: string, pairs: readonly string[], io: CliIo, wait: WaitOptions): Promise<ExitCode> {
  const parameters = parseParameters(pairs);
  const path = `/pipelines/${encodeURIComponent(pipelineId)}/executions`;
  return reportCreatedExecution(client, await client.request('POST', path, { parameters }), `POST ${path}`, io, wait);
}
