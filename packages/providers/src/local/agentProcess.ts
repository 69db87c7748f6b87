import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAlive, tailLines } from './processes';
import { AGENT_FILE, readAgentFile, type AgentFile } from './protocol';

/**
 * The agent is its own program (apps/local-agent), started by path rather than imported: a package
 * never depends on an app, and the agent must outlive the process that starts it.
 */
const AGENT_MAIN = fileURLToPath(new URL('../../../../apps/local-agent/src/main.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;
/** A start lock older than this was left by a process that died while starting the agent. */
const STALE_LOCK_MS = START_TIMEOUT_MS + 5_000;
const PROBE_TIMEOUT_MS = 2_000;
/** A destroy drains for up to 10 s and stops for up to 10 s: an agent stopping everything may take that. */
const STOP_TIMEOUT_MS = 30_000;

export interface AgentStartOptions {
  /** Lets tests inject faults through the admin API (GANTRY_LOCAL_AGENT_FAULTS=1). */
  faultInjection?: boolean;
}

/** Whether the agent of this file answers its health endpoint as the same process. */
export async function agentAnswers(agent: AgentFile): Promise<boolean> {
  if (!isAlive(agent.pid)) return false;
  try {
    const response = await fetch(`http://127.0.0.1:${agent.port}/v1/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return response.ok && ((await response.json()) as { pid?: number }).pid === agent.pid;
  } catch {
    return false;
  }
}

/**
 * The live agent of `dataDir`, started if there is none: detached in its own process group, so it
 * survives the Gantry process; a stale agent file (dead pid, or a pid that is no agent) is
 * replaced. A lock file keeps two Gantry processes from starting two agents at once.
 */
export async function ensureAgent(dataDir: string, options: AgentStartOptions = {}): Promise<AgentFile> {
  const file = join(dataDir, AGENT_FILE);
  const deadline = Date.now() + START_TIMEOUT_MS * 2;
  for (;;) {
    const current = readAgentFile(file);
    if (current && (await agentAnswers(current))) return current;
    if (takeLock(dataDir)) {
      try {
        const again = readAgentFile(file);
        if (again && (await agentAnswers(again))) return again;
        rmSync(file, { force: true });
        return await startAgent(dataDir, file, options);
      } finally {
        rmSync(lockFile(dataDir), { force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`the local agent of ${dataDir} did not start (another process holds ${lockFile(dataDir)})`);
    await sleep(100);
  }
}

async function startAgent(dataDir: string, file: string, options: AgentStartOptions): Promise<AgentFile> {
  const logFile = join(dataDir, 'agent.log');
  const log = openSync(logFile, 'a');
  let exit: string | undefined;
  try {
    const child = spawn(process.execPath, ['--import', tsxLoader(), AGENT_MAIN, '--data-dir', dataDir], {
      cwd: dataDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...agentEnvironment(process.env), GANTRY_LOCAL_AGENT_FAULTS: options.faultInjection ? '1' : '0' },
    });
    child.once('exit', (code, signal) => {
      exit = `exited with ${code === null ? `signal ${signal ?? '?'}` : `code ${code}`}`;
    });
    child.unref();
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline && exit === undefined) {
      const agent = readAgentFile(file);
      if (agent && agent.pid === child.pid && (await agentAnswers(agent))) return agent;
      await sleep(50);
    }
    if (exit === undefined) child.kill('SIGKILL');
  } finally {
    closeSync(log);
  }
  const tail = tailLines(logFile, 5).join(' | ');
  throw new Error(`the local agent did not start within ${START_TIMEOUT_MS / 1000} s${exit ? ` (${exit})` : ''}; ${logFile}: ${tail || '(empty)'}`);
}

/**
 * Stops the data dir's agent if one runs (never starts one), with every instance when asked, and
 * waits until it has exited. False when no agent was running.
 */
export async function stopAgent(dataDir: string, stopInstances: boolean): Promise<boolean> {
  const agent = readAgentFile(join(dataDir, AGENT_FILE));
  if (!agent || !(await agentAnswers(agent))) return false;
  const response = await fetch(`http://127.0.0.1:${agent.port}/v1/shutdown`, {
    method: 'POST',
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ stopInstances }),
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`the local agent ${agent.pid} refused to stop: HTTP ${response.status} ${await response.text()}`);
  // Instances get the agent's own grace to stop before it exits.
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(agent.pid)) {
    if (Date.now() > deadline) throw new Error(`the local agent ${agent.pid} did not exit within ${STOP_TIMEOUT_MS / 1000} s`);
    await sleep(100);
  }
  return true;
}

/**
 * What the agent (and so every instance) inherits from Gantry: what programs need to run, not
 * Gantry's own settings and secrets (DATABASE_URL, tokens). Apps get their settings.env on top.
 */
const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'];

export function agentEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(INHERITED.filter((name) => env[name] !== undefined).map((name) => [name, env[name]]));
}

function lockFile(dataDir: string): string {
  return join(dataDir, 'agent.lock');
}

function takeLock(dataDir: string): boolean {
  mkdirSync(dataDir, { recursive: true });
  const lock = lockFile(dataDir);
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { force: true });
  } catch {
    // Removed meanwhile by its owner: the next round takes it.
  }
  return false;
}

/** tsx's ESM loader, by path, so that the agent starts whatever the current directory is. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
