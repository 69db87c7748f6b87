import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The processes Gantry ships: `npm start` (API and worker in one), `start:api`, `start:worker`. */
const MAINS = {
  gantry: fileURLToPath(new URL('../../apps/gantry/src/main.ts', import.meta.url)),
  api: fileURLToPath(new URL('../../apps/api/src/main.ts', import.meta.url)),
  worker: fileURLToPath(new URL('../../apps/worker/src/main.ts', import.meta.url)),
};
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GantryProcess {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** The admin token a spawned Gantry gets through GANTRY_ADMIN_TOKEN unless `env` names its own (or unsets it). */
export const PROCESS_ADMIN_TOKEN = 'gantry_test_process-admin-token';
/** The Authorization header of PROCESS_ADMIN_TOKEN. */
export const processAuth = { authorization: `Bearer ${PROCESS_ADMIN_TOKEN}` } as const;

/** `npm start` (or the API or a worker alone) as a real process (node + tsx loader, so a signal reaches Gantry itself). */
export function spawnGantry(env: Record<string, string | undefined>, main: keyof typeof MAINS = 'gantry'): GantryProcess {
  const merged: Record<string, string> = {};
  // Tests run several workers on one machine: each takes a free probe port unless the test names one.
  const defaults = { GANTRY_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN, ...(main === 'worker' ? { GANTRY_METRICS_PORT: '0' } : {}) };
  for (const [key, value] of Object.entries({ ...defaults, ...process.env, ...env })) if (value !== undefined) merged[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', MAINS[main]], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitForReady(baseUrl: string, gantry: GantryProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gantry.process.exitCode !== null) throw new Error(`gantry exited: ${gantry.output()}`);
    const ready = await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gantry did not become ready: ${gantry.output()}`);
}

/** Waits until the process has written `text` (e.g. "worker started"); fails if it exits first. */
export async function waitForOutput(gantry: GantryProcess, text: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!gantry.output().includes(text)) {
    if (gantry.process.exitCode !== null) throw new Error(`process exited: ${gantry.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" in: ${gantry.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
