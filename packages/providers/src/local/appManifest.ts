import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { formatPath } from '../accounts';
import { envVarName } from './settings';

/**
 * What an app folder runs, declared by the app itself in `gantry-app.json` and baked into its
 * image with the rest of the folder: `{"command": "node", "args": ["server.mjs"], "env": {…}}`.
 * The command comes from here, never from a pipeline, so whoever can edit a pipeline cannot make
 * this machine run a program of their choosing (unless the account allows pipeline commands).
 */
export const APP_MANIFEST = 'gantry-app.json';

export const appManifestSchema = z.strictObject({
  /** The program each instance runs (looked up on PATH), e.g. `node`. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** The app's own environment; a pipeline's settings.env is added on top. */
  env: z.record(envVarName, z.string()).default({}),
});

export type AppManifest = z.output<typeof appManifestSchema>;

/** The folder's manifest; null when it has none; an Error saying what is wrong with a broken one. */
export function readAppManifest(folder: string): AppManifest | null | Error {
  const file = join(folder, APP_MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return new Error(`${file}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = appManifestSchema.safeParse(document);
  if (parsed.success) return parsed.data;
  return new Error(`${file}: ${parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ')}`);
}

/**
 * Variables that make a program load code from elsewhere than its image (a preload, a search
 * path, an option that evaluates code): from a pipeline they would choose what runs as surely as
 * a command, so they are refused like one.
 */
const CODE_LOADING_ENV = /^(LD_.*|DYLD_.*|PATH|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|IFS|GCONV_PATH|PYTHON(STARTUP|PATH|HOME|INSPECT)|PERL5?(OPT|LIB)|RUBY(OPT|LIB)|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS)$/;

/** What a pipeline's deploy settings ask of the run; the rest of the settings is not about it. */
export interface PipelineRun {
  command?: string | undefined;
  args?: string[] | undefined;
  env: Record<string, string>;
}

/**
 * Why the account refuses what the pipeline asks to run (naming the setting and the account), or
 * undefined: without `allowPipelineCommands` a pipeline may add env but neither choose the
 * command nor set a variable that changes what the program loads.
 */
export function pipelineRunProblem(pipeline: PipelineRun, account: { name: string; allowPipelineCommands?: boolean | undefined }): string | undefined {
  if (account.allowPipelineCommands === true) return undefined;
  const refused = pipeline.command !== undefined ? 'settings.command' : pipeline.args !== undefined ? 'settings.args' : undefined;
  if (refused !== undefined) {
    return `${refused}: account ${account.name} runs only what the image declares in its ${APP_MANIFEST}; a pipeline may not choose the command (allowPipelineCommands: true on the account allows it)`;
  }
  const loader = Object.keys(pipeline.env).find((name) => CODE_LOADING_ENV.test(name));
  if (loader === undefined) return undefined;
  return `settings.env.${loader}: account ${account.name} does not let a pipeline set ${loader}, which changes what the program loads (allowPipelineCommands: true on the account allows it)`;
}

/**
 * The command an instance runs: the image's manifest with the pipeline's env on top, or the
 * pipeline's own command and args where pipelineRunProblem let them through. A string when there
 * is no command at all.
 */
export function runOf(manifest: AppManifest | null, pipeline: PipelineRun): AppManifest | string {
  const command = pipeline.command ?? manifest?.command;
  if (command === undefined) return `the image declares no command: add ${APP_MANIFEST} ({"command": …, "args": […]}) to the app folder and bake it again`;
  const args = pipeline.args ?? (pipeline.command === undefined ? manifest?.args : undefined) ?? [];
  return { command, args, env: { ...manifest?.env, ...pipeline.env } };
}
