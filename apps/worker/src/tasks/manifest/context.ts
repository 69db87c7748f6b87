import { accountOf, manifestNameOf } from '@gantry/core';
import { loadManifests } from '@gantry/providers';
import type { ApiResource, KubernetesManifests } from '@gantry/providers/kubernetes';
import { z } from 'zod';
import { serverGroupTask } from '../cloud/failures';
import { TaskFailure, type TaskContext, type TaskImplementation } from '../Task';

/** The manifest client of the stage's account (`account`, or Spinnaker's `credentials`). */
export function manifestsOf(ctx: TaskContext, fields: { account?: string; credentials?: string }): Promise<KubernetesManifests> {
  const { account } = ctx.services.providers.forAccount(accountOf(fields));
  return loadManifests(account);
}

/**
 * A manifest task's failures are classified as the cloud tasks' are (docs/architecture.md
 * "Providers"): retryable provider errors retry, the rest end the stage with their message.
 */
export function manifestTask<Name extends string>(task: TaskImplementation<Name>): TaskImplementation<Name> {
  return serverGroupTask(task);
}

/** An object a stage deployed or acts on, as its tasks record it in the stage outputs. */
const manifestRefSchema = z.object({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
});
export type ManifestRef = z.output<typeof manifestRefSchema>;

/** Where tasks after the first find the objects of the stage: the first task's outputs, so a re-run acts on the same ones. */
export const MANIFEST_REFS = 'manifestRefs';

export function recordedRefs(ctx: TaskContext): ManifestRef[] {
  const parsed = z.array(manifestRefSchema).safeParse(ctx.stage.outputs[MANIFEST_REFS]);
  if (parsed.success) return parsed.data;
  throw new TaskFailure(`${ctx.task.name}: the objects of this stage were not recorded (output ${MANIFEST_REFS} of its first task is missing)`);
}

export function refOf(resource: ApiResource, name: string, namespace: string | undefined): ManifestRef {
  return { apiVersion: resource.apiVersion, kind: resource.kind, name, ...(resource.namespaced && namespace !== undefined ? { namespace } : {}) };
}

/** `"deployment web"`, Spinnaker's name of an object. */
export function spinnakerName(ref: { kind: string; name: string }): string {
  return manifestNameOf(ref.kind, ref.name);
}

/** Spinnaker's `outputs.manifestNamesByNamespace`: `{ns1: ["deployment web", …]}`; cluster-scoped objects under `""`. */
export function namesByNamespace(refs: readonly ManifestRef[]): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const ref of refs) (result[ref.namespace ?? ''] ??= []).push(spinnakerName(ref));
  return result;
}

export function describeRef(ref: ManifestRef): string {
  return `${spinnakerName(ref)}${ref.namespace === undefined ? '' : ` in ${ref.namespace}`}`;
}

/** A TaskFailure that names the object, for errors a stage explains itself. */
export function failOn(ref: ManifestRef, reason: string): TaskFailure {
  return new TaskFailure(`${describeRef(ref)}: ${reason}`);
}
