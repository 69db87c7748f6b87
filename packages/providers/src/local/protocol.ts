import { readFileSync } from 'node:fs';
import type { Capacity, Health, RequestRouting } from '../CloudProvider';
import type { PortRange } from './ports';

/**
 * The local agent's admin API (127.0.0.1, JSON, `Authorization: Bearer <token>`), shared by the
 * agent and the provider's client. Paths are under `/v1`; `/metrics` and `/samples` are read-only
 * and need no token so that Prometheus and the canary judge can read them.
 */

/** What an instance runs: the validated settings of its group, minus the bake-only ones. */
export interface InstanceCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  healthPath: string;
  startTimeoutSec: number;
}

/** What defines a server group, as created, stored and shown. */
export interface ServerGroupRecord {
  name: string;
  application: string;
  cluster: string;
  image: string;
  /** The folder instances run in (their cwd and GANTRY_IMAGE_DIR). */
  imageDir: string;
  capacity: Capacity;
  enabled: boolean;
  run: InstanceCommand;
  tags: Record<string, string>;
  createdAt: string;
}

/** `PUT /v1/serverGroups/:name`: idempotent by name (same image → the existing group). */
export interface CreateServerGroupBody extends Omit<ServerGroupRecord, 'name' | 'createdAt'> {
  /** Wanted proxy port of the cluster; undefined: keep the cluster's, or choose a free one. */
  proxyPort?: number;
  /** Ports for the instances and a new cluster's proxy (the account's portRange). */
  portRange?: PortRange;
}

/** `POST /v1/serverGroups/:name/kill`: SIGKILL these incarnations (a slot and its pid); others are left alone. */
export interface KillInstancesBody {
  instances: { id: string; pid: number }[];
}

export type InstanceState = 'starting' | 'up' | 'down' | 'stopping';

export interface ExitRecord {
  /** Null when the process was killed by a signal, or adopted (its code is unknown). */
  code: number | null;
  signal: string | null;
  /** The last lines the process wrote to stderr. */
  stderrTail: string[];
  at: string;
  /** Why the agent counted it as failed when it did not exit by itself (start timeout). */
  reason?: string;
}

export interface InstanceView {
  id: string;
  pid: number | null;
  port: number;
  state: InstanceState;
  restarts: number;
  startedAt: string;
  lastExit?: ExitRecord;
}

export interface ServerGroupView extends ServerGroupRecord {
  /** This group's share of the cluster's traffic in percent, as the proxy applies it now. */
  trafficWeight: number;
  health: Health;
  instances: InstanceView[];
  /** The newest instance exit, for the deploy's error message. */
  lastExit?: ExitRecord;
  /** Set when instances keep failing before they ever get healthy: it will not heal by waiting. */
  failure?: string;
  proxyPort: number;
  /** Why the cluster's proxy does not listen (its port was taken while the agent restarted). */
  proxyError?: string;
}

export interface ClusterView {
  name: string;
  proxyPort: number;
  /** Explicit weights by server group; null: enabled groups share by up instances. */
  weights: Record<string, number> | null;
  /** The A/B split by request the proxy applies before the weights, if any. */
  routing: RequestRouting | null;
  /** Whether the proxy listens (false when its port was taken after a restart). */
  listening: boolean;
  proxyError?: string;
}

export interface AgentInfo {
  pid: number;
  port: number;
  startedAt: string;
  dataDir: string;
}

/** `GET /samples`: one value per step, null for a step without requests. */
export const SAMPLE_METRICS = ['errorRate', 'latencyMean', 'latencyP50', 'latencyP95', 'latencyP99', 'requestRate'] as const;
export type SampleMetric = (typeof SAMPLE_METRICS)[number];

export interface SamplesAnswer {
  serverGroup: string;
  metric: SampleMetric;
  stepMs: number;
  values: (number | null)[];
}

/** The agent's error body: `{error: {code, message}}` with the HTTP status of the kind. */
export interface AgentErrorBody {
  error: { code: 'NotFound' | 'Conflict' | 'BadRequest' | 'Throttled' | 'Unavailable' | 'Internal'; message: string };
}

/** The file under the data dir that says where the live agent listens. */
export const AGENT_FILE = 'agent.json';
export interface AgentFile {
  pid: number;
  port: number;
  token: string;
  startedAt: string;
}

/** The agent file's content, or null when it is missing or unreadable (a half-written file is never seen: it is renamed into place). */
export function readAgentFile(file: string): AgentFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<AgentFile>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number' || typeof parsed.token !== 'string') return null;
    return { pid: parsed.pid, port: parsed.port, token: parsed.token, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return null;
  }
}
