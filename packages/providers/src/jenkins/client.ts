import { jenkinsJobPath } from '@gantry/core';

/**
 * Jenkins's remote access API (`…/api/json`, `buildWithParameters`, the queue), as igor calls it
 * for Spinnaker's jenkins stage. Requests authenticate with HTTP Basic (user and API token); POSTs
 * carry a CSRF crumb from `/crumbIssuer/api/json` when the master issues one (with the session
 * cookie it came with, as Jenkins ties crumbs to the session).
 */
export interface JenkinsMaster {
  /** The name stages and triggers use (`master`). */
  name: string;
  /** `https://jenkins.example.com` (a path prefix such as `/jenkins` is kept). */
  address: string;
  username?: string;
  apiToken?: string;
}

export interface JenkinsClientOptions {
  master: JenkinsMaster;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A request Jenkins did not answer as asked. `transient`: worth asking again (5xx, network);
 * `fatal`: it will not change by itself (credentials refused, a request Jenkins rejects).
 */
export class JenkinsError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'fatal',
  ) {
    super(message);
    this.name = 'JenkinsError';
  }
}

export interface JenkinsParameterDefinition {
  name: string;
  type: string;
  choices?: string[];
}

export interface JenkinsJob {
  url: string;
  buildable: boolean;
  nextBuildNumber: number;
  parameterDefinitions: JenkinsParameterDefinition[];
}

/** A build's or queue item's parameters, by name (Jenkins's `ParametersAction`). */
export type JenkinsParameters = Record<string, string>;

export interface JenkinsQueueItem {
  id: number;
  /** The job's URL (`task.url`). */
  taskUrl: string;
  cancelled: boolean;
  /** Set once the item left the queue as a build. */
  buildNumber?: number;
  why?: string;
  parameters: JenkinsParameters;
}

export interface JenkinsBuildSummary {
  number: number;
  queueId?: number;
  parameters: JenkinsParameters;
}

const record = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
// A parameter's value is text, a number or a boolean (BooleanParameterValue); anything else reads as empty.
const scalarText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');

/** The parameters in an item's or build's `actions` (`ParametersAction.parameters[]`). */
function parametersOf(actions: unknown): JenkinsParameters {
  const parameters: JenkinsParameters = {};
  for (const action of list(actions).map(record)) {
    for (const parameter of list(action.parameters).map(record)) {
      if (typeof parameter.name === 'string') parameters[parameter.name] = scalarText(parameter.value);
    }
  }
  return parameters;
}

/** `http://jenkins/queue/item/42/` → 42, as igor takes the last path segment of `Location`. */
export function queueItemIdOf(location: string): number | undefined {
  const match = /\/queue\/item\/(\d+)\/?$/.exec(location);
  return match === null ? undefined : Number(match[1]);
}

export class JenkinsClient {
  private readonly fetch: typeof fetch;
  private readonly base: string;
  private readonly label: string;

  constructor(private readonly options: JenkinsClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.base = options.master.address.replace(/\/+$/, '');
    this.label = `Jenkins master ${options.master.name}`;
  }

  /** The job's buildability, next build number and parameter definitions; null when there is no such job. */
  async job(job: string): Promise<JenkinsJob | null> {
    const body = await this.getJson(`${jenkinsJobPath(job)}/api/json?tree=url,buildable,nextBuildNumber,property[parameterDefinitions[name,type,choices]]`, `job ${job}`);
    if (body === null) return null;
    const definitions = list(body.property).flatMap((property) => list(record(property).parameterDefinitions).map(record));
    return {
      url: typeof body.url === 'string' ? body.url : `${this.base}${jenkinsJobPath(job)}/`,
      buildable: body.buildable !== false,
      nextBuildNumber: typeof body.nextBuildNumber === 'number' ? body.nextBuildNumber : 1,
      parameterDefinitions: definitions.map((definition) => ({
        name: scalarText(definition.name),
        type: scalarText(definition.type),
        ...(Array.isArray(definition.choices) ? { choices: definition.choices.map(String) } : {}),
      })),
    };
  }

  /** The job's builds numbered `from` or later (Jenkins lists the newest first). */
  async buildsSince(job: string, from: number): Promise<JenkinsBuildSummary[]> {
    const body = await this.getJson(`${jenkinsJobPath(job)}/api/json?tree=builds[number,queueId,actions[parameters[name,value]]]{0,100}`, `job ${job}`);
    if (body === null) throw new JenkinsError(`${this.label} has no job ${job}`, 'fatal');
    return list(body.builds)
      .map(record)
      .filter((build) => typeof build.number === 'number' && build.number >= from)
      .map((build) => ({
        number: build.number as number,
        ...(typeof build.queueId === 'number' ? { queueId: build.queueId } : {}),
        parameters: parametersOf(build.actions),
      }));
  }

  /** Every item waiting in the master's queue. */
  async queue(): Promise<JenkinsQueueItem[]> {
    const body = await this.getJson('/queue/api/json?tree=items[id,cancelled,why,task[url],executable[number],actions[parameters[name,value]]]', 'the queue');
    return list(body?.items).map((item) => this.queueItemOf(record(item)));
  }

  /** One queue item; null once Jenkins forgot it (it keeps left items for about five minutes). */
  async queueItem(id: number): Promise<JenkinsQueueItem | null> {
    const body = await this.getJson(`/queue/item/${id}/api/json`, `queue item ${id}`);
    return body === null ? null : this.queueItemOf(body);
  }

  /** A build's `api/json` (what `buildInfoOf` reads); null when there is no such build. */
  async build(job: string, number: number): Promise<Record<string, unknown> | null> {
    return this.getJson(`${jenkinsJobPath(job)}/${number}/api/json`, `build ${job} #${number}`);
  }

  /**
   * Queues a build: `buildWithParameters` when there are parameters, `build` otherwise. Jenkins
   * answers 201 with the queue item in `Location`; its id is returned.
   */
  async startBuild(job: string, parameters: JenkinsParameters | undefined): Promise<number> {
    const path = `${jenkinsJobPath(job)}/${parameters === undefined ? 'build' : 'buildWithParameters'}`;
    const response = await this.post(path, parameters === undefined ? undefined : new URLSearchParams(parameters));
    const what = `POST ${path}`;
    if (response.status === 404) throw new JenkinsError(`${this.label} has no job ${job}`, 'fatal');
    if (response.status !== 201) throw this.failure(response.status, what, await response.text().catch(() => ''));
    const location = response.headers.get('location');
    const id = location === null ? undefined : queueItemIdOf(new URL(location, this.base).pathname);
    if (id === undefined) throw new JenkinsError(`${this.label} queued ${job} but its Location header names no queue item (${location ?? 'none'})`, 'fatal');
    return id;
  }

  /** The build's archived artifact as text; null when the build archived no such file. */
  async artifact(job: string, number: number, relativePath: string): Promise<string | null> {
    const encoded = relativePath.split('/').map(encodeURIComponent).join('/');
    const response = await this.request(`${jenkinsJobPath(job)}/${number}/artifact/${encoded}`, { method: 'GET' });
    if (response.status === 404) return null;
    if (!response.ok) throw this.failure(response.status, `artifact ${relativePath} of ${job} #${number}`, await response.text().catch(() => ''));
    return response.text();
  }

  /** Stops a running build; stopping a finished one changes nothing (Jenkins answers as for a running one). */
  async stopBuild(job: string, number: number): Promise<void> {
    const response = await this.post(`${jenkinsJobPath(job)}/${number}/stop`);
    // Jenkins answers the stop with a redirect to the build page.
    if (response.status >= 400 && response.status !== 404) throw this.failure(response.status, `stop ${job} #${number}`, await response.text().catch(() => ''));
  }

  /** Takes an item out of the queue; an item already gone is fine (Jenkins may answer 404 either way). */
  async cancelQueueItem(id: number): Promise<void> {
    const response = await this.post(`/queue/cancelItem?id=${id}`);
    if (response.status >= 400 && response.status !== 404) throw this.failure(response.status, `cancel queue item ${id}`, await response.text().catch(() => ''));
  }

  private queueItemOf(item: Record<string, unknown>): JenkinsQueueItem {
    const executable = record(item.executable);
    return {
      id: typeof item.id === 'number' ? item.id : 0,
      taskUrl: typeof record(item.task).url === 'string' ? (record(item.task).url as string) : '',
      cancelled: item.cancelled === true,
      ...(typeof executable.number === 'number' ? { buildNumber: executable.number } : {}),
      ...(typeof item.why === 'string' ? { why: item.why } : {}),
      parameters: parametersOf(item.actions),
    };
  }

  private async getJson(path: string, what: string): Promise<Record<string, unknown> | null> {
    const response = await this.request(path, { method: 'GET', headers: { accept: 'application/json' } });
    if (response.status === 404) return null;
    const body = await response.text().catch(() => '');
    if (!response.ok) throw this.failure(response.status, what, body);
    try {
      return record(JSON.parse(body));
    } catch {
      throw new JenkinsError(`${this.label} answered ${what} with something other than JSON: ${body.slice(0, 200)}`, 'transient');
    }
  }

  /** A POST with the crumb, when the master issues crumbs (a 404 from the issuer: CSRF protection is off). */
  private async post(path: string, form?: URLSearchParams): Promise<Response> {
    const headers: Record<string, string> = {};
    const crumb = await this.request('/crumbIssuer/api/json', { method: 'GET', headers: { accept: 'application/json' } });
    if (crumb.ok) {
      const body = record(await crumb.json().catch(() => ({})));
      if (typeof body.crumbRequestField === 'string' && typeof body.crumb === 'string') headers[body.crumbRequestField] = body.crumb;
      const cookie = crumb.headers.get('set-cookie');
      if (cookie !== null) headers.cookie = cookie.split(';')[0] ?? '';
    } else if (crumb.status !== 404) {
      throw this.failure(crumb.status, 'GET /crumbIssuer/api/json', await crumb.text().catch(() => ''));
    }
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    return this.request(path, { method: 'POST', headers, ...(form === undefined ? {} : { body: form.toString() }) });
  }

  private async request(path: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Response> {
    const { username, apiToken } = this.options.master;
    const headers: Record<string, string> = { ...init.headers };
    if (username !== undefined && apiToken !== undefined) headers.authorization = `Basic ${Buffer.from(`${username}:${apiToken}`).toString('base64')}`;
    try {
      return await this.fetch(`${this.base}${path}`, {
        method: init.method,
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new JenkinsError(`${this.label} could not be reached (${init.method} ${path}): ${(error as Error).message}`, 'transient');
    }
  }

  private failure(status: number, what: string, body: string): JenkinsError {
    const detail = body.trim() === '' ? '' : `: ${body.trim().slice(0, 200)}`;
    if (status === 401 || status === 403) return new JenkinsError(`${this.label} refused the credentials for ${what} (${status})${detail}`, 'fatal');
    return new JenkinsError(`${this.label} answered ${status} to ${what}${detail}`, status >= 500 || status === 429 ? 'transient' : 'fatal');
  }
}
