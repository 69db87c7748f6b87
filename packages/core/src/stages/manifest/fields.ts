import { z } from 'zod';
import { accountShape, checkAccount, nonEmptyText, positiveSeconds } from '../fields';

/**
 * The fields Spinnaker's Kubernetes manifest stages share (orca's `*ManifestStage`s, deck's
 * manifest stage editors), in their names: the account (`account`, or `credentials` in older
 * pipelines), `cloudProvider: kubernetes`, and how a stage names the object it acts on.
 */

/** Spinnaker stores numbers typed in its UI as text (`replicas: "0"`): read them as numbers. */
export const countField = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number().int().min(0),
);

export const manifestAccountShape = {
  ...accountShape,
  cloudProvider: z.literal('kubernetes', { error: 'manifest stages run on kubernetes accounts (cloudProvider: kubernetes)' }).optional(),
};

/**
 * `"<kind> <name>"`, as Spinnaker writes manifest names (`deployment web`,
 * `replicaSet web-v003`, `customresource.group.io my-thing`): one space, kind first.
 */
export const MANIFEST_NAME = /^(\S+) (\S+)$/;

export const manifestName = z.string().trim().regex(MANIFEST_NAME, { error: 'must be "<kind> <name>", e.g. "deployment web"' });

export interface ManifestCoordinates {
  kind: string;
  name: string;
}

export function parseManifestName(text: string): ManifestCoordinates {
  const match = MANIFEST_NAME.exec(text.trim());
  if (!match?.[1] || !match[2]) throw new Error(`not a manifest name: ${JSON.stringify(text)}`);
  return { kind: match[1], name: match[2] };
}

/** Which of a cluster's objects a `mode: dynamic` stage acts on (Spinnaker's target criteria). */
export const MANIFEST_CRITERIA = ['newest', 'second_newest', 'oldest', 'largest', 'smallest'] as const;
export type ManifestCriteria = (typeof MANIFEST_CRITERIA)[number];

/**
 * How a stage names its target: `mode: static` with `manifestName` and `location` (the
 * namespace), or `mode: dynamic` with `cluster` ("replicaSet web"), `criteria` and `kind`
 * (and `app`, the moniker application, defaulting to the pipeline's).
 */
export const manifestSelectorShape = {
  ...manifestAccountShape,
  mode: z.enum(['static', 'dynamic'], { error: 'mode is static (manifestName) or dynamic (cluster and criteria)' }).default('static'),
  manifestName: manifestName.optional(),
  location: nonEmptyText.optional(),
  app: nonEmptyText.optional(),
  cluster: manifestName.optional(),
  criteria: z.enum(MANIFEST_CRITERIA).optional(),
  kind: nonEmptyText.optional(),
};

interface SelectorFields {
  account?: string;
  credentials?: string;
  mode: 'static' | 'dynamic';
  manifestName?: string;
  cluster?: string;
  criteria?: string;
}

export function checkManifestSelector(fields: SelectorFields, ctx: z.RefinementCtx): void {
  checkAccount(fields, ctx);
  if (fields.mode === 'static' && fields.manifestName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['manifestName'], message: 'manifestName ("<kind> <name>") is required with mode static' });
  }
  if (fields.mode === 'dynamic') {
    if (fields.cluster === undefined) ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'cluster ("<kind> <name>") is required with mode dynamic' });
    if (fields.criteria === undefined) ctx.addIssue({ code: 'custom', path: ['criteria'], message: `criteria (${MANIFEST_CRITERIA.join(', ')}) is required with mode dynamic` });
  }
}

/**
 * How long a stage waits for what it changed to become stable. Spinnaker waits a fixed 30
 * minutes; here it is the stage's choice.
 */
export const DEFAULT_STABLE_TIMEOUT_SEC = 1800;
export const stableTimeoutShape = {
  waitForStableTimeoutSec: positiveSeconds.optional(),
};

export function stableTimeoutMs(fields: { waitForStableTimeoutSec?: number }): number {
  return (fields.waitForStableTimeoutSec ?? DEFAULT_STABLE_TIMEOUT_SEC) * 1000;
}

/** Read by the shared waiting tasks of every manifest stage. */
export const stableTimeoutFieldsSchema = z.looseObject(stableTimeoutShape);

/** The account of any manifest stage, for the tasks they share. */
export const manifestAccountFieldsSchema = z.looseObject(manifestAccountShape).superRefine(checkAccount);
