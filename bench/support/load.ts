import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadReportSchema, type LoadReport, type LoadSpec } from './loadSpec';

const CHILD = fileURLToPath(new URL('./loadChild.ts', import.meta.url));

/** Runs the load child to completion (bounded: duration + 30 s) and returns its report. */
export function runLoad(spec: LoadSpec): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (spec.durationSeconds + 30) * 1000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) {
        reject(new Error(`load generator exited with ${code ?? signal}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      try {
        resolve(loadReportSchema.parse(JSON.parse(stdout.trim().split('\n').pop() ?? '')));
      } catch (error) {
        reject(new Error(`load generator answered something unreadable: ${(error as Error).message}: ${stdout.slice(-500)}`));
      }
    });
  });
}
