import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { QueueBackendConfig } from '../../packages/queue/src';

const ENTRY = fileURLToPath(new URL('./workerProcess.ts', import.meta.url));

export interface ChildWorker {
  process: ChildProcess;
  ready: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A real worker in its own process, so tests can SIGKILL it at any instant. */
export function spawnWorker(databaseUrl: string, queue: QueueBackendConfig, env: Record<string, string> = {}): ChildWorker {
  // node itself, with tsx as a loader: the tsx CLI would put a wrapper process between us and the
  // worker, and SIGKILL of the wrapper would leave the real worker running.
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, DATABASE_URL: databaseUrl, GANTRY_TEST_QUEUE: JSON.stringify(queue), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    ready,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
