import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerGroupSpec } from '@gantry/providers';
import { LocalProvider, type LocalProviderOptions } from '@gantry/providers/local';
import { isAlive, signal } from '@gantry/providers/local/processes';
import { AGENT_FILE, readAgentFile } from '@gantry/providers/local/protocol';
import { STATE_FILE, loadState, type AgentState } from '@gantry/providers/local/state';

/** Test support: a local provider on its own temporary data dir, and a cleanup that leaves no process behind. */

export const EXAMPLE_APP_DIR = fileURLToPath(new URL('../../examples/app', import.meta.url));

export interface LocalTestBed {
  dataDir: string;
  provider: LocalProvider;
  /** A runnable spec of the example app in `cluster` (`<cluster>-vNNN`). */
  spec(cluster: string, sequence: number, overrides?: Partial<ServerGroupSpec>, env?: Record<string, string>): ServerGroupSpec;
  /** Every pid the data dir's state knows (agent and instances). */
  pids(): number[];
  /** Stops the agent and every instance, then SIGKILLs whatever is left, and removes the data dir. */
  close(): Promise<void>;
}

/** `allowPipelineCommands`: specs may give their own settings.command (see the account's flag). */
export function localTestBed(options: LocalProviderOptions & { account?: string; portRange?: { from: number; to: number }; allowPipelineCommands?: boolean } = {}): LocalTestBed {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-local-test-'));
  const name = options.account ?? 'local-test';
  const account = {
    name,
    provider: 'local' as const,
    dataDir,
    ...(options.portRange ? { portRange: options.portRange } : {}),
    ...(options.allowPipelineCommands === undefined ? {} : { allowPipelineCommands: options.allowPipelineCommands }),
  };
  const provider = new LocalProvider(account, { faultInjection: true, ...options });
  const pids = () => instancePids(dataDir).concat(readAgentFile(join(dataDir, AGENT_FILE))?.pid ?? []);
  return {
    dataDir,
    provider,
    spec: (cluster, sequence, overrides = {}, env = {}) => ({
      account: name,
      application: cluster.split('-')[0]!,
      cluster,
      name: `${cluster}-v${String(sequence).padStart(3, '0')}`,
      image: EXAMPLE_APP_DIR,
      capacity: { min: 1, max: 1, desired: 1 },
      enabled: false,
      // What runs comes from examples/app/gantry-app.json (node server.mjs), as for a pipeline.
      settings: { env: { APP_VERSION: `v${sequence}`, ...env }, startTimeoutSec: 20 },
      ...overrides,
    }),
    pids,
    close: async () => {
      await stopAgentAndInstances(dataDir, { provider, pids });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const STOP_GRACE_MS = 15_000;

/**
 * Stops the data dir's agent and every instance it runs (the agent's own grace first), then
 * SIGKILLs whatever is left. `provider` defaults to one for the data dir; `pids` to its instances.
 */
export async function stopAgentAndInstances(dataDir: string, options: { provider?: LocalProvider; pids?: () => number[] } = {}): Promise<void> {
  const provider = options.provider ?? new LocalProvider({ name: 'local', provider: 'local', dataDir });
  const pids = options.pids ?? (() => instancePids(dataDir));
  const known = pids();
  await provider.shutdownAgent(true).catch(() => undefined);
  const deadline = Date.now() + STOP_GRACE_MS;
  while (known.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  // Whatever ignored the agent's stop (or was started after the first look) must not outlive the run.
  for (const pid of known.concat(pids())) if (isAlive(pid)) signal(pid, 'SIGKILL');
}

/** A GET of the data dir's agent admin API, as an outside observer (the token from its agent file). */
export async function agentGet(dataDir: string, path: string): Promise<{ status: number; body: unknown }> {
  const agent = readAgentFile(join(dataDir, AGENT_FILE));
  if (!agent) throw new Error(`no agent file in ${dataDir}`);
  const response = await fetch(`http://127.0.0.1:${agent.port}${path}`, { headers: { authorization: `Bearer ${agent.token}` } });
  return { status: response.status, body: await response.json() };
}

/** The server groups answering `requests` requests through the cluster's proxy (none when it has no proxy yet). */
export async function groupsAnsweringThroughProxy(dataDir: string, cluster: string, requests = 10): Promise<string[]> {
  const found = await agentGet(dataDir, `/v1/clusters/${encodeURIComponent(cluster)}`);
  if (found.status === 404) return [];
  const { proxyPort } = found.body as { proxyPort: number };
  const answered = new Set<string>();
  for (let i = 0; i < requests; i++) {
    const response = await fetch(`http://127.0.0.1:${proxyPort}/`);
    const body = (await response.json()) as { serverGroup?: string };
    if (response.status === 200 && body.serverGroup) answered.add(body.serverGroup);
  }
  return [...answered].sort();
}

/** Processes and records backing a group per the agent's state file: 0 once it is destroyed. */
export function resourcesOf(dataDir: string, serverGroup: string): number {
  const group = readState(dataDir).serverGroups[serverGroup];
  if (!group) return 0;
  const pids = [...group.instances, ...(group.retiring ?? [])].map((instance) => instance.pid).filter((pid): pid is number => pid !== null);
  return 1 + pids.filter(isAlive).length;
}

function readState(dataDir: string): AgentState {
  return loadState(join(dataDir, STATE_FILE));
}

/** The pids of every instance the agent's state records, retiring ones included. */
export function instancePids(dataDir: string): number[] {
  return Object.values(readState(dataDir).serverGroups)
    .flatMap((group) => [...group.instances, ...(group.retiring ?? [])])
    .map((instance) => instance.pid)
    .filter((pid): pid is number => pid !== null);
}
