/** A fake cloud run standalone as a user runs it (`npm run fake -- <fake> --port N`), for tests of real CLIs against what Gantry made. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForOutput } from '../fakes/cliProcess';
import { freePort } from '../../packages/providers/src/local/ports';

export { freePort };

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface StandaloneFake {
  url: string;
  /** Stops npm and the fake under it (SIGTERM to the process group, SIGKILL if it lingers). */
  stop(): Promise<void>;
}

export async function startStandaloneFake(fake: string, args: string[] = []): Promise<StandaloneFake> {
  const port = await freePort();
  // Its own process group: npm starts a shell that starts tsx that starts node, and all of them must go.
  const child = spawn('npm', ['run', '--silent', 'fake', '--', fake, '--port', String(port), ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, name);
  };
  const stop = async () => {
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  try {
    const [, url] = await waitForOutput(() => output, new RegExp(`fake ${fake} listening on (http://127\\.0\\.0\\.1:${port})`));
    return { url: url ?? '', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
