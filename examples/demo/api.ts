/** The few calls of Gantry's REST API the demo makes, as a user's script would make them. */

export interface Execution {
  id: string;
  status: string;
  stages: { refId: string; status: string; outputs: Record<string, unknown>; error?: { message?: string } | null }[];
}

export interface ServerGroupView {
  name: string;
  enabled: boolean;
  healthy: boolean;
  details?: Record<string, unknown>;
}

const DONE = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'FAILED_CONTINUE', 'SKIPPED']);

export class DemoApi {
  constructor(
    private readonly base: string,
    /** An API token (GANTRY_TOKEN, or the admin token Gantry's first start wrote to its data dir). */
    private readonly token: string | undefined,
  ) {}

  async ready(): Promise<void> {
    const ok = await fetch(`${this.base}/readyz`).then((response) => response.ok, () => false);
    if (!ok) throw new Error(`Gantry does not answer at ${this.base}/readyz: start it first (npm start), or pass --url`);
  }

  /** Saves the pipeline under its application and name: a new version when it exists. */
  async savePipeline(definition: { application: string; name: string }): Promise<string> {
    const listed = await this.call<{ pipelines: { id: string; name: string }[] }>('GET', `/pipelines?application=${definition.application}`);
    const existing = listed.pipelines.find((pipeline) => pipeline.name === definition.name);
    if (existing) return (await this.call<{ id: string }>('PUT', `/pipelines/${existing.id}`, definition)).id;
    return (await this.call<{ id: string }>('POST', '/pipelines', definition)).id;
  }

  async trigger(pipelineId: string, parameters: Record<string, unknown>): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/pipelines/${pipelineId}/executions`, { parameters })).id;
  }

  async rollback(application: string, cluster: string, reason: string): Promise<string> {
    return (await this.call<{ id: string }>('POST', `/applications/${application}/clusters/${cluster}/rollback`, { reason })).id;
  }

  async waitFor(executionId: string, timeoutMs = 300_000): Promise<Execution> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const execution = await this.call<Execution>('GET', `/executions/${executionId}`);
      if (DONE.has(execution.status)) return execution;
      if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status} after ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async serverGroups(application: string, cluster: string): Promise<ServerGroupView[]> {
    return (await this.call<{ serverGroups: ServerGroupView[] }>('GET', `/applications/${application}/clusters/${cluster}/serverGroups?account=local`)).serverGroups;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status === 401 && this.token === undefined) {
      throw new Error(`${method} ${path}: HTTP 401: no API token found; set GANTRY_TOKEN, or GANTRY_DATA_DIR to the data dir of the running Gantry`);
    }
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}
