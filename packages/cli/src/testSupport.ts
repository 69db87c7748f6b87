import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The installed `gantry` bin (node_modules/.bin/gantry), as a user runs it. */
const GANTRY_BIN = fileURLToPath(new URL('../../../node_modules/.bin/gantry', import.meta.url));

export interface GantryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The API token the test runs send (GANTRY_TOKEN): `asUser('cli-test')`'s in apps/api/src/testSupport.ts. */
export const CLI_TEST_TOKEN = 'gantry_test_cli-test';

/** Runs the real `gantry` bin with these arguments (and stdin), and collects what it printed. */
export function runGantry(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<GantryRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(GANTRY_BIN, [...args], { env: { ...process.env, GANTRY_TOKEN: CLI_TEST_TOKEN, ...options.env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
