import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Machine } from './result';

const run = promisify(execFile);

/** Results are only comparable on like machines, so each one records where it ran. */
export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

/** The commit measured; "unknown" outside a git checkout rather than failing the run. */
export async function gitCommit(): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: new URL('../..', import.meta.url) });
    return stdout.trim();
  } catch {
    return 'unknown';
  }
}
