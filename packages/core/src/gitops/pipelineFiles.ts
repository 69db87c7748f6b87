import { parse as parseYaml } from 'yaml';
import { ValidationError, describeIssue } from '../errors';
import { parsePipelineDefinition, type PipelineDefinition } from '../pipeline';

/** A file of a pipelines repository at one commit, as git holds it. */
export interface RepositoryFile {
  path: string;
  text: string;
}

/** What one file of a commit amounts to: a pipeline to store, or the reasons it cannot be. */
export type PipelineFileReading =
  | { path: string; definition: PipelineDefinition }
  /** A file in error; `application` and `name` when it was read that far (a report shows it to who may read that application). */
  | { path: string; errors: string[]; application?: string; name?: string };

const PIPELINE_FILE = /\.(json|ya?ml)$/i;

/** Whether a repository path holds a pipeline: JSON or YAML, under the configured folder (`''` or `.`: the whole tree). */
export function isPipelineFile(path: string, folder: string): boolean {
  return PIPELINE_FILE.test(path) && path.startsWith(normalizeFolder(folder));
}

/** `pipelines`, `./pipelines/`, `/pipelines` → `pipelines/`; the root → ``. */
export function normalizeFolder(folder: string): string {
  const trimmed = folder.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return trimmed === '' || trimmed === '.' ? '' : `${trimmed}/`;
}

/**
 * Reads one pipeline document, JSON or YAML by its extension, in Gantry's or Spinnaker's shape (the
 * schema reads both). YAML anchors are capped, so a file cannot blow up into a huge document.
 */
export function readPipelineDocument(path: string, text: string): { document: Record<string, unknown> } | { errors: string[] } {
  let value: unknown;
  try {
    value = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text, { prettyErrors: false, maxAliasCount: 100 });
  } catch (error) {
    return { errors: [`not ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { errors: ['expected one pipeline (an object)'] };
  return { document: value as Record<string, unknown> };
}

/** One file read and checked as a save would check it; never throws for what the file holds. */
export function readPipelineFile(file: RepositoryFile): PipelineFileReading {
  const read = readPipelineDocument(file.path, file.text);
  if ('errors' in read) return { path: file.path, errors: read.errors };
  try {
    return { path: file.path, definition: parsePipelineDefinition(read.document) };
  } catch (error) {
    if (error instanceof ValidationError) return { path: file.path, errors: error.issues.map(describeIssue) };
    throw error;
  }
}

/**
 * Every pipeline file of a commit read, plus what only the commit as a whole shows: two files
 * defining the same pipeline (application and name) are both refused, since neither can win.
 */
export function readPipelineFiles(files: readonly RepositoryFile[]): PipelineFileReading[] {
  const readings = files.map(readPipelineFile);
  const owners = new Map<string, string[]>();
  for (const reading of readings) {
    if (!('definition' in reading)) continue;
    const key = pipelineKey(reading.definition);
    owners.set(key, [...(owners.get(key) ?? []), reading.path]);
  }
  return readings.map((reading) => {
    if (!('definition' in reading)) return reading;
    const paths = owners.get(pipelineKey(reading.definition)) ?? [];
    if (paths.length < 2) return reading;
    const others = paths.filter((path) => path !== reading.path).join(', ');
    const { application, name } = reading.definition;
    return { path: reading.path, errors: [`pipeline '${name}' of application '${application}' is also defined by ${others}`] };
  });
}

function pipelineKey(definition: PipelineDefinition): string {
  return JSON.stringify([definition.application, definition.name]);
}
