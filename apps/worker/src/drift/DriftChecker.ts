import type { DriftSettings, DriftWatchSetting } from '@gantry/config';
import { driftOf, parseServerGroupName, readManifestFiles, serverGroupState, type DriftResourceId, type Manifest, type NotificationTarget, type SecretResolver } from '@gantry/core';
import { GitMirror, loadManifests } from '@gantry/providers';
import type { ApiResource, KubeJson, KubernetesManifests } from '@gantry/providers/kubernetes';
import type { ServerGroup } from '@gantry/providers';
import {
  clustersInFlight,
  forgetUnwatched,
  inTransaction,
  observationTime,
  recordDriftObservations,
  selectDeployedManifests,
  type DeployedManifest,
  type DriftChange,
  type DriftObservation,
} from '@gantry/store';
import type pg from 'pg';
import type { EngineLogger } from '../engine/EngineContext';
import type { ProviderDirectory } from '../tasks/Task';

/** One object that must run as `manifest` says, and where its desired state comes from. */
export interface DesiredObject extends DriftResourceId {
  apiVersion: string;
  resource: ApiResource;
  client: KubernetesManifests;
  manifest: Manifest;
  application: string;
  /** The drift watch it belongs to; none: Gantry deployed it. */
  watch?: string;
  targets: readonly NotificationTarget[];
}

/** Which objects a check or a sync is about: everything, one watch, one application's, or what Gantry deployed to one account (and namespace). */
export interface DriftScope {
  watch?: string;
  application?: string;
  account?: string;
  namespace?: string;
}

/**
 * Compares what runs with its desired state (docs/architecture.md "Drift"): the manifests Gantry
 * deployed (deployed_manifests) and the drift watches' manifests at their branch head (git wins
 * where both name one object), read live through each account's manifest client; and the AWS/GCP
 * server groups Gantry created (deployed_manifests' `ServerGroup` rows), read through each
 * account's CloudProvider. Never changes the cluster: converging is the syncManifests stage's.
 */
export class DriftChecker {
  private readonly mirrors = new Map<string, GitMirror>();

  constructor(
    private readonly deps: { pool: pg.Pool; providers: ProviderDirectory; settings: DriftSettings; secrets: SecretResolver; log: EngineLogger },
  ) {
    for (const watch of deps.settings.watches) {
      const password = watch.passwordSecret === undefined ? undefined : deps.secrets(watch.passwordSecret);
      this.mirrors.set(
        watch.name,
        new GitMirror({ url: watch.url, branch: watch.branch, ...(password === undefined ? {} : { credentials: { username: watch.username ?? 'git', password } }) }),
      );
    }
  }

  get settings(): DriftSettings {
    return this.deps.settings;
  }

  watch(name: string): DriftWatchSetting | undefined {
    return this.deps.settings.watches.find((candidate) => candidate.name === name);
  }

  /** The desired objects in scope. A watch whose files cannot be read, or an account that cannot be reached, is logged and left out. */
  async desired(scope: DriftScope = {}): Promise<DesiredObject[]> {
    const objects = new Map<string, DesiredObject>();
    const add = (object: DesiredObject) => objects.set(keyOf(object), object);
    if (scope.watch === undefined) {
      for (const row of await selectDeployedManifests(this.deps.pool, scope)) {
        const client = await this.clientOf(row.account);
        if (client === undefined) continue;
        try {
          const resource = await client.resourceFor(row.kind, row.apiVersion);
          add({ ...row, resource, client, manifest: row.manifest as Manifest, targets: this.deps.settings.notifications });
        } catch (error) {
          this.deps.log.warn({ err: error, account: row.account, kind: row.kind, name: row.name }, 'drift: a deployed object cannot be checked');
        }
      }
    }
    // An account scope is what Gantry deployed there (a syncManifests stage naming an account); watches are named.
    if (scope.account !== undefined) return [...objects.values()];
    for (const watch of this.deps.settings.watches) {
      if (scope.watch !== undefined && scope.watch !== watch.name) continue;
      if (scope.application !== undefined && scope.application !== watch.application) continue;
      for (const object of await this.watched(watch)) add(object);
    }
    return [...objects.values()];
  }

  private async watched(watch: DriftWatchSetting): Promise<DesiredObject[]> {
    const client = await this.clientOf(watch.account);
    const mirror = this.mirrors.get(watch.name);
    if (client === undefined || mirror === undefined) return [];
    try {
      const commit = await mirror.fetchHead();
      const { manifests, problems } = readManifestFiles(await mirror.pipelineFiles(commit, watch.path));
      if (problems.length > 0) this.deps.log.warn({ watch: watch.name, commit, problems }, 'drift: files of the watch cannot be read; their objects are not checked');
      const objects: DesiredObject[] = [];
      for (const manifest of manifests) {
        const resource = await client.resourceFor(manifest.kind, manifest.apiVersion);
        const namespace = resource.namespaced ? watch.namespace : '';
        objects.push({
          account: watch.account,
          namespace,
          kind: resource.kind,
          name: manifest.metadata.name,
          apiVersion: resource.apiVersion,
          resource,
          client,
          manifest: { ...manifest, metadata: { ...manifest.metadata, ...(namespace === '' ? {} : { namespace }) } },
          application: watch.application,
          watch: watch.name,
          targets: [...this.deps.settings.notifications, ...watch.notifications],
        });
      }
      return objects;
    } catch (error) {
      this.deps.log.warn({ err: error, watch: watch.name }, 'drift: the watch cannot be read; its objects are not checked this time');
      return [];
    }
  }

  private async clientOf(account: string): Promise<KubernetesManifests | undefined> {
    try {
      return await loadManifests(this.deps.providers.forAccount(account).account);
    } catch (error) {
      this.deps.log.warn({ err: error, account }, 'drift: the account is not a configured kubernetes account');
      return undefined;
    }
  }

  /**
   * Observes the objects in scope and records what changed (audit event and notification per change
   * of state). A full check also forgets objects no longer desired. Any number of workers may check
   * at once: the store keeps the newest observation of each object.
   */
  async check(scope: DriftScope = {}, by?: { executionId: string }): Promise<{ observed: number; changes: DriftChange[] }> {
    const observedAt = await observationTime(this.deps.pool);
    const desired = await this.desired(scope);
    const serverGroups = await this.desiredServerGroups(scope);
    const observations = [...(await this.observe(desired)), ...(await this.observeServerGroups(serverGroups))];
    const changes = await recordDriftObservations(this.deps.pool, observations, observedAt, by);
    if (Object.keys(scope).length === 0) await inTransaction(this.deps.pool, (sql) => forgetUnwatched(sql, [...desired, ...serverGroups], observedAt));
    for (const change of changes) this.deps.log.info({ ...change }, change.event === 'DRIFT_DETECTED' ? 'drift detected' : 'drift cleared');
    return { observed: observations.length, changes };
  }

  /** The AWS/GCP server groups Gantry created, in scope (a watch has none). */
  private async desiredServerGroups(scope: DriftScope): Promise<DesiredServerGroup[]> {
    if (scope.watch !== undefined) return [];
    return selectDeployedManifests(this.deps.pool, { ...scope, serverGroups: true });
  }

  /**
   * Reads each group through its account's provider (one that cannot be read is left for the next
   * check). The clusters running stages act on are asked for after the reads: a group such a stage
   * may be changing right now is not judged, and one whose stage ended before has its desired
   * state re-based already (an observation older than that is dropped by the store).
   */
  private async observeServerGroups(groups: readonly DesiredServerGroup[]): Promise<DriftObservation[]> {
    const seen: { group: DesiredServerGroup; live: ServerGroup | null }[] = [];
    for (const group of groups) {
      try {
        const { provider } = this.deps.providers.forAccount(group.account);
        seen.push({ group, live: await provider.getServerGroup({ account: group.account, name: group.name, ...(group.namespace === '' ? {} : { location: group.namespace }) }) });
      } catch (error) {
        this.deps.log.warn({ err: error, account: group.account, location: group.namespace, name: group.name }, 'drift: the server group cannot be read; not checked this time');
      }
    }
    if (seen.length === 0) return [];
    const inFlight = await clustersInFlight(this.deps.pool);
    return seen
      .filter(({ group }) => !inFlight.has(parseServerGroupName(group.name)?.cluster ?? group.name))
      .map(({ group, live }) => ({
        account: group.account,
        namespace: group.namespace,
        kind: group.kind,
        name: group.name,
        apiVersion: group.apiVersion,
        application: group.application,
        ...driftOf(group.manifest, live === null ? null : serverGroupState(live)),
        targets: this.deps.settings.notifications,
      }));
  }

  async observe(objects: readonly DesiredObject[]): Promise<DriftObservation[]> {
    const observations: DriftObservation[] = [];
    for (const object of objects) {
      let live: KubeJson | null;
      try {
        live = await object.client.get(object.resource, object.namespace === '' ? undefined : object.namespace, object.name);
      } catch (error) {
        this.deps.log.warn({ err: error, account: object.account, kind: object.kind, name: object.name }, 'drift: the live object cannot be read; not checked this time');
        continue;
      }
      const { state, fields } = driftOf(object.manifest, live);
      observations.push({
        account: object.account,
        namespace: object.namespace,
        kind: object.kind,
        name: object.name,
        apiVersion: object.apiVersion,
        application: object.application,
        ...(object.watch === undefined ? {} : { watch: object.watch }),
        state,
        fields,
        targets: object.targets,
      });
    }
    return observations;
  }
}

/** A server group Gantry created, with its desired state (core's serverGroupState) in `manifest`. */
type DesiredServerGroup = DeployedManifest;

function keyOf(resource: DriftResourceId): string {
  return `${resource.account}\u0000${resource.namespace}\u0000${resource.kind}\u0000${resource.name}`;
}
