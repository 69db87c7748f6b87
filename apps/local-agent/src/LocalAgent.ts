import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { capacityProblem, requestRoutingSchema, routeRequest, trafficPlan, weightsProblem, type Capacity, type RoutedRequest } from '@gantry/providers';
import { DEFAULT_PROXY_PORT_RANGE, freePort, type PortRange } from '@gantry/providers/local/ports';
import type { ClusterView, CreateServerGroupBody, ServerGroupView } from '@gantry/providers/local/protocol';
import { STATE_FILE, loadState, saveState, type AgentState, type PersistedCluster, type PersistedInstance } from '@gantry/providers/local/state';
import { RoundRobin, SmoothWeightedRoundRobin, asPercentages, routingWeights } from './balancer';
import { AgentError } from './errors';
import { Instance } from './instance';
import { ProxyMetrics } from './metrics';
import { ClusterProxy, type ClusterRouter, type Target } from './proxy';
import { failureOf, healthOf, lastExitOf, upInstances, type ServerGroupRuntime } from './serverGroup';

/** How long a retiring instance may finish the requests it has before it is stopped. */
const DRAIN_TIMEOUT_MS = 10_000;
const PROXY_LISTEN_ATTEMPTS = 10;

interface ClusterRuntime {
  record: PersistedCluster;
  proxy: ClusterProxy;
  proxyError?: string;
  picker: SmoothWeightedRoundRobin;
}

export interface LocalAgentOptions {
  dataDir: string;
  log?: (message: string) => void;
}

/**
 * The local cloud: server groups of supervised processes and a weighted proxy per cluster, with
 * every change persisted (state.json) so that a restarted agent re-adopts what runs and restores
 * each proxy on its port with its weights. Mutations are serialized; stopping instances (drain,
 * SIGTERM) happens outside that lock so that a destroy does not hold up a traffic switch.
 */
export class LocalAgent {
  readonly metrics = new ProxyMetrics();
  private readonly groups = new Map<string, ServerGroupRuntime>();
  private readonly clusters = new Map<string, ClusterRuntime>();
  private readonly roundRobins = new Map<string, RoundRobin>();
  private readonly stateFile: string;
  private adminPort: number | null = null;
  /** Test fault injection: groups whose health checks fail. */
  readonly failingGroups = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalAgentOptions) {
    this.stateFile = join(options.dataDir, STATE_FILE);
  }

  /** The admin port the previous agent used, to try first; restore() has read it from the state file. */
  previousAdminPort(): number | null {
    return this.adminPort;
  }

  setAdminPort(port: number): void {
    this.adminPort = port;
    this.persist();
  }

  /** Brings back what the previous agent ran: proxies on their ports, instances adopted or restarted. */
  async restore(): Promise<void> {
    const state = loadState(this.stateFile);
    this.adminPort = state.adminPort;
    for (const record of Object.values(state.clusters)) {
      const cluster = this.newCluster(record);
      try {
        await listenWithRetries(cluster.proxy, record.proxyPort);
      } catch (error) {
        cluster.proxyError = `proxy port ${record.proxyPort} could not be bound again: ${(error as Error).message}`;
        this.log(`cluster ${record.name}: ${cluster.proxyError}`);
      }
    }
    const starts: Promise<void>[] = [];
    for (const persisted of Object.values(state.serverGroups)) {
      const { instances, retiring, ...record } = persisted;
      const group: ServerGroupRuntime = { record, instances: [], retiring: new Set() };
      group.instances = instances.map((instance) => this.newInstance(group, instance));
      for (const instance of retiring ?? []) group.retiring.add(this.newInstance(group, instance));
      this.groups.set(record.name, group);
      if (record.destroying) {
        void this.finishDestroy(group);
        continue;
      }
      for (const instance of group.retiring) void this.retire(group, instance);
      starts.push(...group.instances.map((instance) => instance.adoptOrLaunch()));
    }
    await Promise.all(starts);
    this.persist();
    this.log(`restored ${this.clusters.size} cluster(s) and ${this.groups.size} server group(s)`);
  }

  // --- admin operations ----------------------------------------------------------------------------

  create(name: string, body: CreateServerGroupBody): Promise<ServerGroupView> {
    return this.serial(async () => {
      const existing = this.groups.get(name);
      if (existing) {
        if (existing.record.destroying) throw new AgentError('Conflict', `server group ${name} is being destroyed`);
        if (existing.record.image !== body.image) {
          throw new AgentError('Conflict', `server group ${name} already exists with image ${existing.record.image}, not ${body.image}`);
        }
        return this.view(existing);
      }
      const problem = capacityProblem(body.capacity);
      if (problem !== undefined) throw new AgentError('BadRequest', `invalid capacity: ${problem}`);
      await this.ensureCluster(body.cluster, body.proxyPort, body.portRange);
      const group: ServerGroupRuntime = {
        record: {
          name,
          application: body.application,
          cluster: body.cluster,
          image: body.image,
          imageDir: body.imageDir,
          capacity: body.capacity,
          enabled: body.enabled,
          run: body.run,
          tags: body.tags,
          createdAt: new Date().toISOString(),
          ...(body.portRange ? { portRange: body.portRange } : {}),
        },
        instances: [],
        retiring: new Set(),
      };
      this.groups.set(name, group);
      if (body.enabled) this.clusterOf(body.cluster).record.weights = null;
      this.addInstances(group, body.capacity.desired);
      this.persist();
      this.log(`created ${name} (${body.capacity.desired} × ${body.run.command}, image ${body.image}, ${body.enabled ? 'enabled' : 'disabled'})`);
      await Promise.all(group.instances.map((instance) => instance.launch()));
      return this.view(group);
    });
  }

  get(name: string): ServerGroupView | null {
    const group = this.groups.get(name);
    return group && !group.record.destroying ? this.view(group) : null;
  }

  list(cluster: string | undefined): ServerGroupView[] {
    return [...this.groups.values()]
      .filter((group) => !group.record.destroying && (cluster === undefined || group.record.cluster === cluster))
      .map((group) => this.view(group))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  resize(name: string, capacity: Capacity): Promise<ServerGroupView> {
    return this.serial(async () => {
      const group = this.require(name);
      const problem = capacityProblem(capacity);
      if (problem !== undefined) throw new AgentError('BadRequest', `invalid capacity: ${problem}`);
      group.record.capacity = capacity;
      const surplus = group.instances.length - capacity.desired;
      const added = surplus < 0 ? this.addInstances(group, -surplus) : [];
      // The newest go first: the oldest have proven themselves longest.
      const removed = surplus > 0 ? group.instances.splice(capacity.desired) : [];
      for (const instance of removed) group.retiring.add(instance);
      this.persist();
      this.log(`resized ${name} to ${capacity.desired}`);
      for (const instance of removed) void this.retire(group, instance);
      await Promise.all(added.map((instance) => instance.launch()));
      return this.view(group);
    });
  }

  /** Chaos: kills these incarnations (`{id, pid}`) of the group's instances; the supervisor restarts them. */
  killInstances(name: string, targets: { id: string; pid: number }[]): { killed: string[] } {
    const group = this.require(name);
    const killed = targets.filter((target) => group.instances.find((instance) => instance.id === target.id)?.kill(target.pid) === true);
    for (const target of killed) this.log(`chaos: killed instance ${target.id} (pid ${target.pid}) of ${name}`);
    return { killed: killed.map((target) => target.id) };
  }

  /**
   * In or out of traffic. Either ends an explicit weighted split: afterwards every enabled group
   * takes traffic in proportion to its up instances, as behind a load balancer. Red/black (enable
   * the new group, disable the old) therefore ends with the new group at 100 %.
   */
  setEnabled(name: string, enabled: boolean): Promise<ServerGroupView> {
    return this.serial(async () => {
      const group = this.require(name);
      group.record.enabled = enabled;
      const cluster = this.clusterOf(group.record.cluster).record;
      cluster.weights = null;
      delete cluster.routing;
      this.persist();
      this.log(`${enabled ? 'enabled' : 'disabled'} ${name}`);
      return this.view(group);
    });
  }

  /** Exact weights over the whole cluster (summing to 100); groups left out or at 0 are disabled. */
  setWeights(clusterName: string, weights: Record<string, number>): Promise<ClusterView> {
    return this.serial(async () => {
      const cluster = this.clusters.get(clusterName);
      const groups = this.groupsOf(clusterName);
      if (!cluster || groups.length === 0) throw new AgentError('NotFound', `cluster ${clusterName} has no server groups`);
      const problem = weightsProblem(weights, groups.map((group) => group.record.name));
      if (problem !== undefined) throw new AgentError('BadRequest', problem);
      const plan = trafficPlan(weights, groups.map((group) => group.record.name));
      for (const group of groups) group.record.enabled = plan.enable.includes(group.record.name);
      cluster.record.weights = Object.fromEntries(Object.entries(weights).filter(([, weight]) => weight > 0));
      delete cluster.record.routing;
      this.persist();
      this.log(`weights of ${clusterName}: ${JSON.stringify(weights)}`);
      return this.clusterView(cluster);
    });
  }

  /**
   * An A/B split by request: control and variant in traffic, the cluster's other groups out; a
   * request the rules send to the variant goes there, every other one to the control (its weight
   * is 100). Setting the same routing again changes nothing; weights or enable/disable end it.
   */
  setRouting(clusterName: string, body: unknown): Promise<ClusterView> {
    return this.serial(async () => {
      const parsed = requestRoutingSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new AgentError('BadRequest', `routing.${issue.path.join('.')}: ${issue.message}`);
      }
      const routing = parsed.data;
      const cluster = this.clusters.get(clusterName);
      const groups = this.groupsOf(clusterName);
      if (!cluster || groups.length === 0) throw new AgentError('NotFound', `cluster ${clusterName} has no server groups`);
      for (const name of [routing.control, routing.variant]) {
        if (!groups.some((group) => group.record.name === name)) throw new AgentError('NotFound', `server group ${name} is not in cluster ${clusterName}`);
      }
      for (const group of groups) group.record.enabled = group.record.name === routing.control || group.record.name === routing.variant;
      cluster.record.weights = { [routing.control]: 100 };
      cluster.record.routing = routing;
      this.persist();
      this.log(`routing of ${clusterName}: ${JSON.stringify(routing)}`);
      return this.clusterView(cluster);
    });
  }

  /** Out of traffic at once; instances drain and stop; the record goes when they are gone. */
  async destroy(name: string): Promise<void> {
    const group = await this.serial(async () => {
      const found = this.groups.get(name);
      if (!found) throw new AgentError('NotFound', `server group ${name} does not exist`);
      found.record.destroying = true;
      // A split naming a group that leaves ends with it (the other side keeps its weight).
      const cluster = this.clusters.get(found.record.cluster)?.record;
      if (cluster?.routing !== undefined && [cluster.routing.control, cluster.routing.variant].includes(name)) delete cluster.routing;
      for (const instance of found.instances.splice(0)) found.retiring.add(instance);
      this.persist();
      this.log(`destroying ${name}`);
      return found;
    });
    await this.finishDestroy(group);
  }

  cluster(name: string): ClusterView {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new AgentError('NotFound', `cluster ${name} does not exist`);
    return this.clusterView(cluster);
  }

  /** Closes the proxies; with `stopInstances`, stops every instance too (their records stay). */
  async close(stopInstances: boolean): Promise<void> {
    await Promise.all([...this.clusters.values()].map((cluster) => cluster.proxy.close()));
    if (!stopInstances) return;
    const all = [...this.groups.values()].flatMap((group) => [...group.instances, ...group.retiring]);
    await Promise.all(all.map((instance) => instance.stop()));
    this.persist();
  }

  // --- internals -----------------------------------------------------------------------------------

  private async ensureCluster(name: string, wantedPort: number | undefined, portRange: PortRange | undefined): Promise<ClusterRuntime> {
    const existing = this.clusters.get(name);
    if (existing) {
      if (wantedPort !== undefined && wantedPort !== existing.record.proxyPort) {
        throw new AgentError('Conflict', `cluster ${name} already has its proxy on port ${existing.record.proxyPort}, not ${wantedPort} (a cluster's proxy port is fixed by its first server group)`);
      }
      if (!existing.proxy.listening) await this.listenOrConflict(existing, existing.record.proxyPort);
      return existing;
    }
    const port = wantedPort ?? (await freePort(portRange ?? DEFAULT_PROXY_PORT_RANGE, this.portsInUse()));
    const cluster = this.newCluster({ name, proxyPort: port, weights: null });
    try {
      await this.listenOrConflict(cluster, port);
    } catch (error) {
      this.clusters.delete(name);
      throw error;
    }
    this.persist();
    return cluster;
  }

  private async listenOrConflict(cluster: ClusterRuntime, port: number): Promise<void> {
    try {
      await cluster.proxy.listen(port);
      delete cluster.proxyError;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'is in use by another process' : `cannot be bound (${code ?? (error as Error).message})`;
      throw new AgentError('Conflict', `proxy port ${port} of cluster ${cluster.record.name} ${why}; choose another settings.proxyPort`);
    }
  }

  private newCluster(record: PersistedCluster): ClusterRuntime {
    const router: ClusterRouter = { pick: (request) => this.pick(record.name, request), alternative: (failed) => this.alternative(record.name, failed) };
    const cluster: ClusterRuntime = { record, proxy: new ClusterProxy(record.name, router, this.metrics), picker: new SmoothWeightedRoundRobin() };
    this.clusters.set(record.name, cluster);
    return cluster;
  }

  private clusterOf(name: string): ClusterRuntime {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new AgentError('Internal', `cluster ${name} is missing`);
    return cluster;
  }

  private groupsOf(cluster: string): ServerGroupRuntime[] {
    return [...this.groups.values()].filter((group) => group.record.cluster === cluster && !group.record.destroying);
  }

  private weightsOf(cluster: ClusterRuntime): Map<string, number> {
    const routable = this.groupsOf(cluster.record.name).map((group) => ({ name: group.record.name, enabled: group.record.enabled, upInstances: upInstances(group).length }));
    return routingWeights(routable, cluster.record.weights);
  }

  /**
   * The variant takes the requests its rules match while it has an up instance (else the control
   * takes them, as the weights say); everything else follows the weights.
   */
  private pick(clusterName: string, request: RoutedRequest): Target | undefined {
    const cluster = this.clusters.get(clusterName);
    if (!cluster) return undefined;
    const routing = cluster.record.routing;
    if (routing !== undefined && routeRequest(routing, request) === 'variant') {
      const variant = this.groups.get(routing.variant);
      const target = variant && !variant.record.destroying ? this.instanceOf(variant) : undefined;
      if (target) return target;
    }
    const name = cluster.picker.next(this.weightsOf(cluster));
    const group = name === undefined ? undefined : this.groups.get(name);
    return group ? this.instanceOf(group) : undefined;
  }

  private alternative(clusterName: string, failed: Target): Target | undefined {
    const group = this.groups.get(failed.serverGroup);
    const others = group ? upInstances(group).filter((instance) => instance !== failed.instance) : [];
    if (group && others.length > 0) return { serverGroup: group.record.name, instance: others[this.roundRobinOf(group).next(others.length)]! };
    const cluster = this.clusters.get(clusterName);
    if (!cluster) return undefined;
    for (const name of this.weightsOf(cluster).keys()) {
      const candidate = this.groups.get(name);
      if (name !== failed.serverGroup && candidate) return this.instanceOf(candidate);
    }
    return undefined;
  }

  private instanceOf(group: ServerGroupRuntime): Target | undefined {
    const up = upInstances(group);
    const instance = up[this.roundRobinOf(group).next(up.length)];
    return instance ? { serverGroup: group.record.name, instance } : undefined;
  }

  private roundRobinOf(group: ServerGroupRuntime): RoundRobin {
    let roundRobin = this.roundRobins.get(group.record.name);
    if (!roundRobin) {
      roundRobin = new RoundRobin();
      this.roundRobins.set(group.record.name, roundRobin);
    }
    return roundRobin;
  }

  private addInstances(group: ServerGroupRuntime, count: number): Instance[] {
    const added = Array.from({ length: count }, () =>
      this.newInstance(group, { id: `${group.record.name}-${randomBytes(4).toString('hex')}`, pid: null, port: 0, startedAt: new Date().toISOString(), restarts: 0 }),
    );
    group.instances.push(...added);
    return added;
  }

  private newInstance(group: ServerGroupRuntime, record: PersistedInstance): Instance {
    return new Instance(
      {
        serverGroup: group.record.name,
        imageDir: group.record.imageDir,
        run: group.record.run,
        logDir: join(this.options.dataDir, 'logs', group.record.name),
        pickPort: () => freePort(group.record.portRange, this.portsInUse()),
        changed: () => this.persist(),
        failing: () => this.failingGroups.has(group.record.name),
        log: (message) => this.log(message),
      },
      record,
    );
  }

  private portsInUse(): Set<number> {
    const ports = new Set<number>([...this.clusters.values()].map((cluster) => cluster.record.proxyPort));
    for (const group of this.groups.values()) for (const instance of [...group.instances, ...group.retiring]) ports.add(instance.port);
    if (this.adminPort !== null) ports.add(this.adminPort);
    return ports;
  }

  /** Drains (requests in flight finish), then stops; the instance leaves the record when it is gone. */
  private async retire(group: ServerGroupRuntime, instance: Instance): Promise<void> {
    await instance.idle(DRAIN_TIMEOUT_MS);
    await instance.stop();
    group.retiring.delete(instance);
    this.persist();
  }

  private async finishDestroy(group: ServerGroupRuntime): Promise<void> {
    await Promise.all([...group.retiring].map((instance) => this.retire(group, instance)));
    if (this.groups.get(group.record.name) !== group) return;
    this.groups.delete(group.record.name);
    this.roundRobins.delete(group.record.name);
    this.metrics.forget(group.record.cluster, group.record.name);
    const cluster = this.clusters.get(group.record.cluster);
    if (cluster?.record.weights) delete cluster.record.weights[group.record.name];
    this.persist();
  }

  private require(name: string): ServerGroupRuntime {
    const group = this.groups.get(name);
    if (!group || group.record.destroying) throw new AgentError('NotFound', `server group ${name} does not exist`);
    return group;
  }

  private view(group: ServerGroupRuntime): ServerGroupView {
    const cluster = this.clusterOf(group.record.cluster);
    const { destroying: _destroying, portRange: _portRange, ...record } = group.record;
    const lastExit = lastExitOf(group);
    const failure = failureOf(group);
    return {
      ...record,
      trafficWeight: asPercentages(this.weightsOf(cluster)).get(group.record.name) ?? 0,
      health: healthOf(group),
      instances: group.instances.map((instance) => instance.view()),
      proxyPort: cluster.record.proxyPort,
      ...(cluster.proxyError ? { proxyError: cluster.proxyError } : {}),
      ...(lastExit ? { lastExit } : {}),
      ...(failure ? { failure } : {}),
    };
  }

  private clusterView(cluster: ClusterRuntime): ClusterView {
    return {
      name: cluster.record.name,
      proxyPort: cluster.record.proxyPort,
      weights: cluster.record.weights,
      routing: cluster.record.routing ?? null,
      listening: cluster.proxy.listening,
      ...(cluster.proxyError ? { proxyError: cluster.proxyError } : {}),
    };
  }

  private persist(): void {
    const state: AgentState = { version: 1, adminPort: this.adminPort, clusters: {}, serverGroups: {} };
    for (const [name, cluster] of this.clusters) state.clusters[name] = cluster.record;
    for (const [name, group] of this.groups) {
      state.serverGroups[name] = {
        ...group.record,
        instances: group.instances.map((instance) => instance.toRecord()),
        ...(group.retiring.size > 0 ? { retiring: [...group.retiring].map((instance) => instance.toRecord()) } : {}),
      };
    }
    saveState(this.stateFile, state);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}

/** The previous agent's sockets may take a moment to close after it died. */
async function listenWithRetries(proxy: ClusterProxy, port: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await proxy.listen(port);
      return;
    } catch (error) {
      if (attempt >= PROXY_LISTEN_ATTEMPTS || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
