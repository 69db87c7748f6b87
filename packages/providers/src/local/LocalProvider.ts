import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseServerGroupName } from '@gantry/core';
import type { BakeRequest, Capacity, CloudProvider, ClusterRef, Health, Image, RequestRouting, ServerGroup, ServerGroupInstance, ServerGroupRef, ServerGroupSpec } from '../CloudProvider';
import type { LocalAccountConfig } from './account';
import { serverGroupSpecProblem, settingsProblems } from '../validation';
import { OperationScopes } from '../operationScopes';
import { releaseStem } from '../bakeScript';
import type { CreateServerGroupBody, KillInstancesBody, ServerGroupView } from './protocol';
import { AgentClient, type Scope } from './agentClient';
import { APP_MANIFEST, pipelineRunProblem, readAppManifest, runOf } from './appManifest';
import { IMAGE_ID, bakeFolder } from './bake';
import { localDataDir } from './dataDir';
import { localBakeSettingsSchema, localServerGroupSettingsSchema } from './settings';

export interface LocalProviderOptions {
  /** Where GANTRY_DATA_DIR is read. */
  env?: NodeJS.ProcessEnv;
  /** Relative folders (appDir, image paths, dataDir) are resolved here. Default: the current directory. */
  cwd?: string;
  /** Tests: start the agent with its fault-injection endpoint. */
  faultInjection?: boolean;
  requestTimeoutMs?: number;
}

/**
 * Server groups as processes on this machine (docs/architecture.md "Providers"): a detached local agent (one
 * per data dir, apps/local-agent) runs N instances of the group's command and a weighted reverse proxy
 * per cluster; this provider is its client. Because the agent is its own process, the proxies keep
 * serving while Gantry restarts. Bake copies a folder to a content-addressed image.
 */
export class LocalProvider implements CloudProvider {
  readonly kind = 'local' as const;
  readonly dataDir: string;
  private readonly agent: AgentClient;
  private readonly scopes: OperationScopes<Scope>;
  private readonly cwd: string;

  constructor(
    readonly account: LocalAccountConfig,
    options: LocalProviderOptions = {},
  ) {
    this.cwd = options.cwd ?? process.cwd();
    this.dataDir = localDataDir(account.dataDir, options.env ?? process.env, this.cwd);
    this.agent = new AgentClient(this.dataDir, account.name, {
      ...(options.faultInjection === undefined ? {} : { faultInjection: options.faultInjection }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
    this.scopes = new OperationScopes<Scope>({
      account: account.name,
      serverGroupType: 'serverGroup',
      at: (_location, operation) => ({ operation }),
      error: (kind, scope, reason) => this.agent.error(kind, scope, reason),
    });
  }

  /** Synchronous and idempotent: the image is available when this returns. */
  async bake(request: BakeRequest): Promise<Image> {
    const scope: Scope = { operation: 'bake', resource: { type: 'image', name: request.package === undefined ? releaseStem(request) : `${request.package}:${request.version}` } };
    this.scopes.check(request.account, scope);
    const settings = localBakeSettingsSchema.safeParse(request.settings ?? {});
    if (!settings.success) throw this.scopes.fatal(scope, `invalid settings: ${settingsProblems(settings.error)}`);
    const folder = settings.data.appDir ?? request.baseImage;
    if (folder === undefined) throw this.scopes.fatal(scope, 'settings.appDir (or baseImage) must name the folder to bake');
    const source = resolve(this.cwd, folder);
    if (!isDirectory(source)) throw this.scopes.fatal(scope, `settings.appDir: ${source} is not a folder`);
    // The image must say what it runs (a deploy takes its command from nowhere else), so a folder
    // that cannot is refused here rather than at every deploy of its image.
    const manifest = readAppManifest(source);
    if (manifest instanceof Error) throw this.scopes.fatal(scope, `settings.appDir: ${manifest.message}`);
    if (manifest === null && this.account.allowPipelineCommands !== true) {
      throw this.scopes.fatal(scope, `settings.appDir: ${source} has no ${APP_MANIFEST} declaring what the app runs ({"command": …, "args": […], "env": {…}})`);
    }
    const baked = bakeFolder(source, join(this.dataDir, 'images'));
    return {
      id: baked.id,
      name: request.package === undefined ? releaseStem(request) : `${request.package}-${request.version}`,
      reused: baked.reused,
      state: 'available',
      details: { path: baked.path, source },
    };
  }

  async createServerGroup(spec: ServerGroupSpec): Promise<ServerGroup> {
    const scope = this.scopes.forServerGroup(spec, 'createServerGroup');
    const problem = serverGroupSpecProblem(spec);
    if (problem !== undefined) throw this.scopes.fatal(scope, problem);
    const parsed = localServerGroupSettingsSchema.safeParse(spec.settings ?? {});
    if (!parsed.success) throw this.scopes.fatal(scope, `invalid settings: ${settingsProblems(parsed.error)}`);
    const { appDir: _appDir, proxyPort, command, args, env, ...health } = parsed.data;
    const pipeline = { command, args, env };
    // Refused before anything else is looked at: the pipeline asked for what the account forbids.
    const refused = pipelineRunProblem(pipeline, this.account);
    if (refused !== undefined) throw this.scopes.fatal(scope, refused);
    const imageDir = this.imageDir(spec.image, scope);
    const manifest = readAppManifest(imageDir);
    if (manifest instanceof Error) throw this.scopes.fatal(scope, `image ${spec.image}: ${manifest.message}`);
    const run = runOf(manifest, pipeline);
    if (typeof run === 'string') throw this.scopes.fatal(scope, `image ${spec.image}: ${run}`);
    const wantedPort = proxyPort ?? this.account.proxyPorts?.[spec.cluster];
    const body: CreateServerGroupBody = {
      application: spec.application,
      cluster: spec.cluster,
      image: spec.image,
      imageDir,
      capacity: spec.capacity,
      enabled: spec.enabled ?? false,
      run: { ...run, ...health },
      tags: spec.tags ?? {},
      ...(wantedPort === undefined ? {} : { proxyPort: wantedPort }),
      ...(this.account.portRange ? { portRange: this.account.portRange } : {}),
    };
    const view = await this.agent.call<ServerGroupView>(scope, 'PUT', `/v1/serverGroups/${encodeURIComponent(spec.name)}`, body);
    return this.toServerGroup(view);
  }

  async getServerGroup(ref: ServerGroupRef): Promise<ServerGroup | null> {
    const scope = this.scopes.forServerGroup(ref, 'getServerGroup');
    const view = await this.agent.find<ServerGroupView>(scope, 'GET', `/v1/serverGroups/${encodeURIComponent(ref.name)}`);
    return view === null ? null : this.toServerGroup(view);
  }

  async listServerGroups(cluster: ClusterRef): Promise<ServerGroup[]> {
    const scope = this.scopes.forCluster(cluster, 'listServerGroups');
    const views = await this.agent.call<ServerGroupView[]>(scope, 'GET', `/v1/serverGroups?cluster=${encodeURIComponent(cluster.cluster)}`);
    return Promise.all(views.map((view) => this.toServerGroup(view)));
  }

  async resize(ref: ServerGroupRef, capacity: Capacity): Promise<void> {
    await this.agent.call(this.scopes.forServerGroup(ref, 'resize'), 'POST', `/v1/serverGroups/${encodeURIComponent(ref.name)}/resize`, { capacity });
  }

  async enable(ref: ServerGroupRef): Promise<void> {
    await this.agent.call(this.scopes.forServerGroup(ref, 'enable'), 'POST', `/v1/serverGroups/${encodeURIComponent(ref.name)}/enable`);
  }

  async disable(ref: ServerGroupRef): Promise<void> {
    await this.agent.call(this.scopes.forServerGroup(ref, 'disable'), 'POST', `/v1/serverGroups/${encodeURIComponent(ref.name)}/disable`);
  }

  async setTrafficWeights(cluster: ClusterRef, weights: Record<string, number>): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setTrafficWeights');
    await this.agent.call(scope, 'PUT', `/v1/clusters/${encodeURIComponent(cluster.cluster)}/weights`, { weights });
  }

  /** The cluster's proxy evaluates the rules per request, before weights (core's routeRequest). */
  async setRequestRouting(cluster: ClusterRef, routing: RequestRouting): Promise<void> {
    const scope = this.scopes.forCluster(cluster, 'setRequestRouting');
    await this.agent.call(scope, 'PUT', `/v1/clusters/${encodeURIComponent(cluster.cluster)}/routing`, { routing });
  }

  /** Out of traffic at once; requests in flight finish (up to 10 s), then the processes stop. Already gone: done. */
  async destroy(ref: ServerGroupRef): Promise<void> {
    await this.agent.find(this.scopes.forServerGroup(ref, 'destroy'), 'DELETE', `/v1/serverGroups/${encodeURIComponent(ref.name)}`);
  }

  async health(ref: ServerGroupRef): Promise<Health> {
    const view = await this.agent.call<ServerGroupView>(this.scopes.forServerGroup(ref, 'health'), 'GET', `/v1/serverGroups/${encodeURIComponent(ref.name)}`);
    return view.health;
  }

  /** An instance is a process: its id is `<slot>:<pid>`, so the restarted process of a slot is another instance. */
  async listInstances(ref: ServerGroupRef): Promise<ServerGroupInstance[]> {
    const view = await this.agent.call<ServerGroupView>(this.scopes.forServerGroup(ref, 'listInstances'), 'GET', `/v1/serverGroups/${encodeURIComponent(ref.name)}`);
    return view.instances.flatMap((instance) => (instance.pid === null || instance.state === 'stopping' ? [] : [{ id: `${instance.id}:${instance.pid}`, healthy: instance.state === 'up' }]));
  }

  /** SIGKILL, as a crash: the agent's supervisor restarts the slot. A pid already replaced is left alone. */
  async terminateInstances(ref: ServerGroupRef, instanceIds: readonly string[]): Promise<void> {
    const scope = this.scopes.forServerGroup(ref, 'terminateInstances');
    const instances = instanceIds.map((id) => {
      const match = /^(?<slot>.+):(?<pid>\d+)$/.exec(id);
      if (match?.groups === undefined) throw this.scopes.fatal(scope, `instance id ${id} is not <slot>:<pid> (ids come from listInstances)`);
      return { id: match.groups.slot ?? '', pid: Number(match.groups.pid) };
    });
    const body: KillInstancesBody = { instances };
    await this.agent.call(scope, 'POST', `/v1/serverGroups/${encodeURIComponent(ref.name)}/kill`, body);
  }

  /** Stops the agent (started first if none runs); with `stopInstances`, every instance of every group too (tests). */
  async shutdownAgent(stopInstances: boolean): Promise<void> {
    await this.agent.call({ operation: 'shutdownAgent' }, 'POST', '/v1/shutdown', { stopInstances });
  }

  /**
   * Test-only: the agent answers a share of calls with 429, fails one call after `interruptAfter`
   * more, or fails the health checks of the `failInstances` groups.
   */
  async injectFaults(faults: { throttleRate?: number; interruptAfter?: number | null; failInstances?: string[] }): Promise<void> {
    await this.agent.call({ operation: 'injectFaults' }, 'POST', '/v1/faults', faults);
  }

  /** The admin API's base URL (starting the agent if needed). */
  agentUrl(): Promise<string> {
    return this.agent.baseUrl();
  }

  // --- helpers -------------------------------------------------------------------------------------

  /** An image id from bake (under the data dir's images), or a folder path (relative to cwd). */
  private imageDir(image: string, scope: Scope): string {
    if (IMAGE_ID.test(image)) {
      const baked = join(this.dataDir, 'images', image);
      if (isDirectory(baked)) return baked;
    }
    const folder = isAbsolute(image) ? image : resolve(this.cwd, image);
    if (isDirectory(folder)) return folder;
    throw this.scopes.fatal(scope, `image ${image} is neither a baked image (${join(this.dataDir, 'images', image)}) nor a folder`);
  }

  private async toServerGroup(view: ServerGroupView): Promise<ServerGroup> {
    const base = await this.agent.baseUrl();
    return {
      account: this.account.name,
      application: view.application,
      cluster: view.cluster,
      name: view.name,
      sequence: parseServerGroupName(view.name)?.sequence ?? 0,
      image: view.image,
      capacity: view.capacity,
      enabled: view.enabled,
      createdAt: new Date(view.createdAt),
      health: view.health,
      ...(view.failure === undefined ? {} : { failure: view.failure }),
      details: {
        proxyUrl: `http://127.0.0.1:${view.proxyPort}`,
        metricsUrl: `${base}/metrics`,
        samplesUrl: `${base}/samples`,
        trafficWeight: view.trafficWeight,
        imageDir: view.imageDir,
        command: [view.run.command, ...view.run.args].join(' '),
        instances: view.instances,
        ...(view.lastExit === undefined ? {} : { lastExit: view.lastExit }),
        ...(view.proxyError === undefined ? {} : { proxyError: view.proxyError }),
      },
    };
  }
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
