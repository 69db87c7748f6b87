import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isPipelineFile, readPipelineDocument, type CompatibilityFinding, type CompatibilityReport } from '@gantry/core';
import { CliError, EXIT, type ExitCode } from '../errors';
import type { GantryClient } from '../gantryClient';
import { readInput, type CliIo } from '../io';
import { formatTable } from '../table';

export type ValidateFormat = 'json' | 'table';

/**
 * `gantry pipeline validate <file|dir>...`: asks the API (POST /pipelines/validate) what it makes
 * of pipeline documents, Spinnaker's or Gantry's, JSON or YAML, without saving them, and prints what
 * loads, what is ignored and what is unsupported with their paths. A directory is read as a
 * pipelines repository's folder is synced (every .json, .yaml, .yml under it), so CI can check a
 * pull request's files before merge. Exit 0 when saving all would succeed, 1 when something is
 * unsupported, 2 for a file that is not one pipeline document (every file is still checked).
 */
export async function validatePipeline(
  client: GantryClient,
  inputs: string | readonly string[],
  options: { application?: string; format: ValidateFormat },
  io: CliIo,
): Promise<ExitCode> {
  const files = await expand(typeof inputs === 'string' ? [inputs] : inputs);
  if (files.length === 1 && files[0] !== undefined) {
    const report = await validateOne(client, files[0], options.application, io);
    io.stdout(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
    return report.accepted ? EXIT.OK : EXIT.FAILED;
  }
  let exit: ExitCode = EXIT.OK;
  const results: { file: string; report?: CompatibilityReport; error?: string }[] = [];
  for (const file of files) {
    try {
      const report = await validateOne(client, file, options.application, io);
      results.push({ file, report });
      if (!report.accepted && exit === EXIT.OK) exit = EXIT.FAILED;
    } catch (error) {
      // A file that is not a pipeline is this file's problem: the others are still checked.
      if (!(error instanceof CliError) || error.exitCode !== EXIT.BAD_INPUT) throw error;
      results.push({ file, error: error.message });
      exit = EXIT.BAD_INPUT;
    }
  }
  if (options.format === 'json') io.stdout(`${JSON.stringify({ files: results }, null, 2)}\n`);
  else io.stdout(results.map((result) => `== ${result.file}\n${result.report === undefined ? `error: ${result.error ?? ''}\n` : describe(result.report)}`).join('\n'));
  return exit;
}

async function validateOne(client: GantryClient, file: string, application: string | undefined, io: CliIo): Promise<CompatibilityReport> {
  const document = withApplication(parseDocument(await readInput(file, io), file), application);
  return (await client.request('POST', '/pipelines/validate', document)) as CompatibilityReport;
}

/** Files as given; directories replaced by their pipeline files, sorted, as a repository sync finds them. */
async function expand(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const isDirectory = input !== '-' && (await stat(input).catch(() => undefined))?.isDirectory() === true;
    if (!isDirectory) {
      files.push(input);
      continue;
    }
    const entries = await readdir(input, { recursive: true, withFileTypes: true });
    files.push(...entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).filter((path) => isPipelineFile(path, '')).sort());
  }
  if (files.length === 0) throw new CliError(`no pipeline files (.json, .yaml, .yml) in ${inputs.join(', ')}`, EXIT.BAD_INPUT);
  return files;
}

function parseDocument(text: string, file: string): Record<string, unknown> {
  const name = file === '-' ? 'stdin' : file;
  // stdin is JSON, as before YAML was read; a file is read by its extension, as a repository sync reads it.
  const read = readPipelineDocument(file === '-' ? 'stdin.json' : file, text);
  if ('errors' in read) throw new CliError(`${name}: ${read.errors.join('; ')}`, EXIT.BAD_INPUT);
  return read.document;
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
