import { parse as parseYaml } from 'yaml';

/**
 * What Gantry reads from Jenkins, pure: a job's path, its build's result as a stage status, its
 * build as Spinnaker's `buildInfo`, and a property file's keys. The HTTP calls are the provider
 * package's (`JenkinsClient`), the steps the worker's (`tasks/jenkins/`).
 */

/**
 * A job's URL path below the master: Jenkins nests every folder level as `/job/<name>`, so
 * `team/service/build` is `/job/team/job/service/job/build`. Each name is encoded on its own
 * (a job name may hold spaces or `#`); empty segments (`a//b`, a trailing `/`) are refused.
 */
export function jenkinsJobPath(job: string): string {
  const names = job.split('/');
  if (names.some((name) => name.trim() === '')) throw new Error(`job "${job}" has an empty folder or job name`);
  return names.map((name) => `/job/${encodeURIComponent(name)}`).join('');
}

/** A finished build's result as Jenkins reports it (`result` in `…/<n>/api/json`). */
export type JenkinsResult = 'SUCCESS' | 'UNSTABLE' | 'FAILURE' | 'ABORTED' | 'NOT_BUILT';

/**
 * How a finished build ends the stage. Orca maps SUCCESS to success and FAILURE and UNSTABLE to
 * failure (UNSTABLE succeeds with `markUnstableAsSuccessful`); a build aborted in Jenkins (orca:
 * CANCELED) fails the stage too, so the pipeline does not run on as if the build had happened. A
 * result Jenkins has not settled yet (null, or one this does not know) keeps the stage polling.
 */
export function jenkinsOutcome(result: unknown, markUnstableAsSuccessful: boolean): 'succeeded' | 'failed' | 'pending' {
  switch (result) {
    case 'SUCCESS':
      return 'succeeded';
    case 'UNSTABLE':
      return markUnstableAsSuccessful ? 'succeeded' : 'failed';
    case 'FAILURE':
    case 'ABORTED':
    case 'NOT_BUILT':
      return 'failed';
    default:
      return 'pending';
  }
}

/** One source revision as Spinnaker's igor reports it (`GenericGitRevision`). */
export interface ScmRevision {
  name: string;
  branch: string;
  sha1: string;
  remoteUrl?: string;
}

/** Spinnaker's `buildInfo` (igor's GenericBuild) read from a build's `api/json`. */
export interface BuildInfo {
  name: string;
  number: number;
  url: string;
  result: string | null;
  building: boolean;
  duration: number;
  timestamp: number;
  fullDisplayName: string;
  artifacts: { fileName: string; displayPath: string; relativePath: string }[];
  scm: ScmRevision[];
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The git revisions a build checked out: the Git plugin's `BuildData` action holds
 * `lastBuiltRevision.branch[]` (name and SHA1) and the `remoteUrls`; igor reports one revision per
 * branch, named after the branch without its remote (`origin/main` → `main`).
 */
function scmOf(actions: unknown[]): ScmRevision[] {
  const revisions: ScmRevision[] = [];
  for (const action of actions.map(record)) {
    const branches = list(record(action.lastBuiltRevision).branch).map(record);
    const remoteUrl = list(action.remoteUrls).map(text).find((url) => url !== '');
    for (const branch of branches) {
      const full = text(branch.name);
      revisions.push({
        name: full.split('/').pop() ?? full,
        branch: full,
        sha1: text(branch.SHA1),
        ...(remoteUrl === undefined ? {} : { remoteUrl }),
      });
    }
  }
  return revisions;
}

/** Reads a build's `api/json` into `buildInfo`; `jobName` is the stage's `job` (folders included). */
export function buildInfoOf(build: unknown, jobName: string): BuildInfo {
  const fields = record(build);
  return {
    name: jobName,
    number: typeof fields.number === 'number' ? fields.number : 0,
    url: text(fields.url),
    result: typeof fields.result === 'string' ? fields.result : null,
    building: fields.building === true,
    duration: typeof fields.duration === 'number' ? fields.duration : 0,
    timestamp: typeof fields.timestamp === 'number' ? fields.timestamp : 0,
    fullDisplayName: text(fields.fullDisplayName),
    artifacts: list(fields.artifacts)
      .map(record)
      .map((artifact) => ({ fileName: text(artifact.fileName), displayPath: text(artifact.displayPath), relativePath: text(artifact.relativePath) })),
    scm: scmOf(list(fields.actions)),
  };
}

/**
 * A `.properties` file as `java.util.Properties.load` reads it: `#`/`!` comments, `key=value`,
 * `key: value` or `key value`, leading blanks skipped, a line ending in an odd number of `\`
 * continued on the next (its leading blanks dropped), and the escapes `\t \n \r \f \uXXXX`
 * (any other escaped character stands for itself). Later keys win, as in Java.
 */
export function parseJavaProperties(content: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = content.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (endsInContinuation(line) && index + 1 < lines.length) {
      index++;
      line = line.slice(0, -1) + (lines[index] ?? '').replace(/^[ \t\f]+/, '');
    }
    if (endsInContinuation(line)) line = line.slice(0, -1);
    const [key, value] = splitKey(line);
    result[unescape(key)] = unescape(value);
  }
  return result;
}

function endsInContinuation(line: string): boolean {
  const backslashes = /\\*$/.exec(line)?.[0].length ?? 0;
  return backslashes % 2 === 1;
}

/** The key ends at the first unescaped `=`, `:` or blank; blanks, then one `=`/`:`, then blanks, separate it from the value. */
function splitKey(line: string): [string, string] {
  let end = 0;
  while (end < line.length) {
    const char = line[end];
    if (char === '\\') {
      end += 2;
      continue;
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') break;
    end++;
  }
  const key = line.slice(0, Math.min(end, line.length));
  const rest = /^[ \t\f]*[=:]?[ \t\f]*([\s\S]*)$/.exec(line.slice(end))?.[1] ?? '';
  return [key, rest];
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(value: string): string {
  return value.replace(/\\(u[0-9a-fA-F]{4}|[\s\S])/g, (_, escaped: string) =>
    escaped.length === 5 ? String.fromCharCode(parseInt(escaped.slice(1), 16)) : (ESCAPES[escaped] ?? escaped),
  );
}

/**
 * A build's property file, as igor reads it: YAML for `.yml`/`.yaml`, JSON for `.json`, Java
 * properties otherwise. The keys become top-level stage outputs, so a YAML or JSON file must hold
 * a map; anything else is refused with the file's name.
 */
export function parsePropertyFile(fileName: string, content: string): Record<string, unknown> {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.yml') || lower.endsWith('.yaml') || lower.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = lower.endsWith('.json') ? JSON.parse(content) : parseYaml(content);
    } catch (error) {
      throw new Error(`property file ${fileName} is not valid ${lower.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
    }
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`property file ${fileName} must hold a map of keys to values`);
    return parsed as Record<string, unknown>;
  }
  return parseJavaProperties(content);
}
