import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RequestRouting } from '@gantry/core';
import type { PortRange } from './ports';
import type { ExitRecord, ServerGroupRecord } from './protocol';

/**
 * What the agent must remember across its own restarts: the groups, their instances' pids and
 * ports, and each cluster's proxy port and weights, so that a new agent re-adopts running
 * instances and serves the same traffic split on the same port. Only the agent (apps/local-agent)
 * writes it; it lives beside the protocol because test support reads it from outside to find
 * every process the agent runs.
 */

/** The state's file in the data dir. */
export const STATE_FILE = 'state.json';

export interface PersistedInstance {
  id: string;
  pid: number | null;
  port: number;
  startedAt: string;
  restarts: number;
  lastExit?: ExitRecord;
}

export interface PersistedServerGroup extends ServerGroupRecord {
  /** Being destroyed: out of traffic and listings; a restarted agent finishes stopping it. */
  destroying?: boolean;
  /** Where its instances' ports come from (the account's portRange); unset: any free port. */
  portRange?: PortRange;
  instances: PersistedInstance[];
  /** Out of traffic, draining or stopping (scale-down): a restarted agent finishes stopping them. */
  retiring?: PersistedInstance[];
}

export interface PersistedCluster {
  name: string;
  proxyPort: number;
  weights: Record<string, number> | null;
  /** An A/B split by request, evaluated before the weights; absent: weights alone. */
  routing?: RequestRouting;
}

export interface AgentState {
  version: 1;
  /** The admin port, reused by the next agent so that metricsUrl/samplesUrl stay valid. */
  adminPort: number | null;
  clusters: Record<string, PersistedCluster>;
  serverGroups: Record<string, PersistedServerGroup>;
}

export function emptyState(): AgentState {
  return { version: 1, adminPort: null, clusters: {}, serverGroups: {} };
}

export function loadState(file: string): AgentState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  const parsed = JSON.parse(text) as AgentState;
  if (parsed.version !== 1) throw new Error(`${file}: unknown state version ${String(parsed.version)}`);
  return parsed;
}

/** Write then rename: a kill at any instant leaves either the old or the new state, never half of one. */
export function saveState(file: string, state: AgentState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}
