import type { CompatibilityFinding, CompatibilityReport } from '@gantry/core';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { GantryClient } from '../gantryClient';
import { readInput, type CliIo } from '../io';
import { formatTable } from '../table';

export type ValidateFormat = 'json' | 'table';

/**
 * `gantry pipeline validate <file>`: asks the API (POST /pipelines/validate) what it makes of a
 * pipeline document, Spinnaker's or Gantry's, without saving it, and prints what loads, what is
 * ignored and what is unsupported with their paths. Exit 0 when saving it would succeed, 1 when
 * something is unsupported, 2 for a file that is not one JSON pipeline.
 */
export async function validatePipeline(client: GantryClient, file: string, options: { application?: string; format: ValidateFormat }, io: CliIo): Promise<ExitCode> {
  const document = withApplication(parseDocument(await readInput(file, io), file), options.application);
  const report = (await client.request('POST', '/pipelines/validate', document)) as CompatibilityReport;
  io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  return report.accepted ? EXIT.OK : EXIT.FAILED;
}

function parseDocument(text: string, file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file === '-' ? 'stdin' : file}: not JSON: ${(error as Error).message}`, EXIT.BAD_INPUT);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CliError(`${file === '-' ? 'stdin' : file}: expected one pipeline (a JSON object)`, EXIT.BAD_INPUT);
  }
  return json as Record<string, unknown>;
}

/** Exports from Spinnaker's pipeline JSON view have no application: --application gives it. */
function withApplication(document: Record<string, unknown>, application: string | undefined): Record<string, unknown> {
  if (application === undefined) {
    if (typeof document.application !== 'string') throw new CliError('the pipeline names no application: give --application', EXIT.BAD_INPUT);
    return document;
  }
  if (document.application !== undefined && document.application !== application) {
    throw new CliError(`--application ${application}: the pipeline names application ${JSON.stringify(document.application)}`, EXIT.BAD_INPUT);
  }
  return { ...document, application };
}

function describe(report: CompatibilityReport): string {
  const section = (title: string, findings: readonly CompatibilityFinding[]) =>
    findings.length === 0 ? `${title}: none\n` : `${title}:\n${formatTable(['path', 'what'], findings.map((finding) => [finding.pathString || '(document)', finding.message]))}\n`;
  const verdict = report.accepted ? 'accepted: saving this pipeline succeeds' : `refused: ${report.unsupported.length} unsupported (saving it fails)`;
  return [section('loads', report.loads), section('ignored (stored, no effect)', report.ignored), section('unsupported', report.unsupported), `${verdict}\n`].join('\n');
}
