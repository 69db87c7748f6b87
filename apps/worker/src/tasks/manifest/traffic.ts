import {
  MONIKER_ANNOTATIONS,
  ManifestProblem,
  annotationsOf,
  attachService,
  checkRolloutStrategy,
  deployManifestFieldsSchema,
  describeManifest,
  isPlainObject,
  loadBalancersOf,
  oldReplicaSetAction,
  podLabelsOf,
  receivesTraffic,
  serviceSelectorOf,
  sharedSelectorKeys,
  stabilityOf,
  stageTraffic,
  templateLabelsOf,
  trafficLabelPatch,
  withLoadBalancers,
  type Manifest,
  type StageTraffic,
  type TrafficAction,
} from '@gantry/core';
import type { KubeJson, KubernetesManifests } from '@gantry/providers/kubernetes';
import { readFields } from '../readFields';
import { failOn, manifestTask, manifestsOf, recordedRefs, refOf, spinnakerName, type ManifestRef } from './context';

/** The pods a ReplicaSet controls: those its selector matches and it owns (as `kubectl get pods -l` then the owner). */
async function podsOf(client: KubernetesManifests, ref: ManifestRef, replicaSet: KubeJson): Promise<KubeJson[]> {
  const uid = isPlainObject(replicaSet.metadata) ? replicaSet.metadata.uid : undefined;
  const matchLabels = isPlainObject(replicaSet.spec) && isPlainObject(replicaSet.spec.selector) && isPlainObject(replicaSet.spec.selector.matchLabels) ? replicaSet.spec.selector.matchLabels : {};
  const selector = Object.entries(matchLabels).map(([key, value]) => `${key}=${String(value)}`).join(',');
  const pods = await client.list(await client.resourceFor('Pod', 'v1'), ref.namespace, selector === '' ? undefined : selector);
  return pods.filter((pod) => isPlainObject(pod.metadata) && Array.isArray(pod.metadata.ownerReferences) && pod.metadata.ownerReferences.some((owner) => isPlainObject(owner) && owner.uid === uid));
}

/**
 * clouddriver's enable/disable of a ReplicaSet: JSON patches add (enable) or remove (disable) the
 * selector labels of its Services on the pod template, so future pods follow, and on the pods it
 * has now. Each patch is computed from the live labels, so a re-run after a crash patches only
 * what is left. Answers how many pods were patched.
 */
export async function setTraffic(client: KubernetesManifests, ref: ManifestRef, live: KubeJson, serviceNames: readonly string[], action: TrafficAction): Promise<number> {
  const serviceResource = await client.resourceFor('Service', 'v1');
  const selectors: Record<string, string>[] = [];
  for (const serviceName of serviceNames) {
    const service = await client.get(serviceResource, ref.namespace, serviceName);
    if (service === null) throw failOn(ref, `its Service ${serviceName} does not exist`);
    const shared = sharedSelectorKeys(service, live);
    if (shared.length > 0) throw failOn(ref, `Service ${serviceName} selects by ${shared.join(', ')}, which the ReplicaSet's own selector uses: removing it would orphan the pods (give the Service a label of its own)`);
    selectors.push(serviceSelectorOf(service));
  }
  const selector = Object.assign({}, ...selectors) as Record<string, string>;
  const templatePatch = trafficLabelPatch(templateLabelsOf(live), '/spec/template/metadata/labels', selector, action);
  if (templatePatch.length > 0) await client.patch(await client.resourceFor(ref.kind, ref.apiVersion), ref.namespace, ref.name, 'json', templatePatch);
  const podResource = await client.resourceFor('Pod', 'v1');
  let patchedPods = 0;
  for (const pod of await podsOf(client, ref, live)) {
    const podPatch = trafficLabelPatch(podLabelsOf(pod), '/metadata/labels', selector, action);
    if (podPatch.length === 0 || !isPlainObject(pod.metadata) || typeof pod.metadata.name !== 'string') continue;
    await client.patch(podResource, ref.namespace, pod.metadata.name, 'json', podPatch);
    patchedPods++;
  }
  return patchedPods;
}

/** A manifest of the stage as deployManifest resolved it: where it goes. */
interface Placed {
  index: number;
  manifest: Manifest;
  namespace: string | undefined;
}

/**
 * clouddriver's traffic step of a deploy, for each ReplicaSet: the stage's services go into its
 * load-balancers annotation and, when traffic is enabled, each Service's selector into its pod
 * template (the Service from the same stage, else the live one). A bad request fails naming the
 * manifest. The result is what gets versioned and hashed, so a repeat is the same version.
 */
export async function withStageTraffic<T extends Placed>(client: KubernetesManifests, items: readonly T[], traffic: StageTraffic): Promise<(T & { services: string[] })[]> {
  const serviceResource = await client.resourceFor('Service', 'v1');
  const serviceOf = async (name: string, namespace: string | undefined) => {
    const own = items.find((item) => item.manifest.kind === 'Service' && item.manifest.metadata.name === name && item.namespace === namespace);
    return own?.manifest ?? (await client.get(serviceResource, namespace, name));
  };
  const result: (T & { services: string[] })[] = [];
  for (const item of items) {
    if (!receivesTraffic(item.manifest.kind)) {
      result.push({ ...item, services: [] });
      continue;
    }
    try {
      checkRolloutStrategy(item.manifest, traffic.strategy);
      const annotated = withLoadBalancers(item.manifest, traffic);
      const { services } = annotated;
      let { manifest } = annotated;
      if (traffic.enableTraffic) {
        for (const name of services) {
          const service = await serviceOf(name, item.namespace);
          if (service === null) throw new ManifestProblem(`its Service ${name} does not exist${item.namespace === undefined ? '' : ` in ${item.namespace}`}`);
          manifest = attachService(manifest, service, name);
        }
      }
      result.push({ ...item, manifest, services });
    } catch (error) {
      if (error instanceof ManifestProblem) throw new ManifestProblem(`${describeManifest(item.manifest, item.index)}: ${error.message}`);
      throw error;
    }
  }
  return result;
}

function nameOf(object: KubeJson): string {
  return isPlainObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
}

/**
 * `deployManifest` under red/black, blue/green or highlander, after the new ReplicaSets are
 * stable (orca's OldManifestActionAppender): every other ReplicaSet of each one's cluster (same
 * application and `moniker.spinnaker.io/cluster`, in its namespace) is disabled, or deleted as
 * core's `oldReplicaSetAction` decides. Decided from what is live on every run, so a re-run after
 * a crash finds the deleted ones gone and the disabled ones with nothing left to patch.
 */
export const retireOldReplicaSetsTask = manifestTask({
  name: 'retireOldReplicaSets',
  async run(ctx) {
    const fields = readFields(deployManifestFieldsSchema, ctx);
    const { strategy } = stageTraffic(fields.trafficManagement);
    const client = await manifestsOf(ctx, fields);
    const created = recordedRefs(ctx).filter((ref) => receivesTraffic(ref.kind));
    const createdNames = new Set(created.map((ref) => `${ref.namespace ?? ''}/${ref.name}`));
    const disabled: string[] = [];
    const deleted: string[] = [];
    for (const ref of created) {
      const resource = await client.resourceFor(ref.kind, ref.apiVersion);
      const live = await client.get(resource, ref.namespace, ref.name);
      if (live === null) throw failOn(ref, 'does not exist (deleted while the stage ran?)');
      const { [MONIKER_ANNOTATIONS.application]: app, [MONIKER_ANNOTATIONS.cluster]: cluster } = annotationsOf(live);
      const others = (await client.list(resource, ref.namespace)).filter((object) => {
        const annotations = annotationsOf(object);
        return annotations[MONIKER_ANNOTATIONS.application] === app && annotations[MONIKER_ANNOTATIONS.cluster] === cluster && !createdNames.has(`${ref.namespace ?? ''}/${nameOf(object)}`);
      });
      for (const old of others) {
        const oldRef = refOf(resource, nameOf(old), ref.namespace);
        const action = oldReplicaSetAction(strategy, old, stabilityOf(old).state);
        if (action === 'disable' || action === 'disableThenDelete') {
          let services: string[];
          try {
            services = loadBalancersOf(old);
          } catch (error) {
            if (error instanceof ManifestProblem) throw failOn(oldRef, error.message);
            throw error;
          }
          // One that never named its Services has no traffic of Spinnaker's to take away.
          if (services.length > 0) await setTraffic(client, oldRef, old, services, 'disable');
          disabled.push(spinnakerName(oldRef));
        }
        if (action === 'delete' || action === 'disableThenDelete') {
          if (await client.delete(resource, ref.namespace, oldRef.name, { propagationPolicy: 'Background' })) deleted.push(spinnakerName(oldRef));
        }
      }
    }
    return { status: 'SUCCEEDED', outputs: { 'outputs.disabledManifests': disabled, 'outputs.deletedManifests': deleted } };
  },
});
