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

/**
 * A stage's `manifestName`: Spinnaker's UI leaves `" "` behind when a stage is switched to
 * `mode: dynamic` (and clouddriver treats a blank name as no name), so a blank one is absent.
 */
const optionalManifestName = z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), manifestName.optional());

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
  // Absent in older pipelines: selectorMode decides from the other fields.
  mode: z.enum(['static', 'dynamic', 'label'], { error: 'mode is static (manifestName), dynamic (cluster and criteria) or, for deleteManifest, label (kinds and labelSelectors)' }).optional(),
  manifestName: optionalManifestName,
  location: nonEmptyText.optional(),
  app: nonEmptyText.optional(),
  cluster: manifestName.optional(),
  criteria: z.enum(MANIFEST_CRITERIA).optional(),
  kind: nonEmptyText.optional(),
};

/**
 * Spinnaker's label selectors (deleteManifest `mode: label`), as its UI writes them; each becomes
 * one requirement of a Kubernetes label selector.
 */
export const LABEL_SELECTOR_KINDS = ['ANY', 'EQUALS', 'NOT_EQUALS', 'CONTAINS', 'NOT_CONTAINS', 'EXISTS', 'NOT_EXISTS'] as const;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

export const labelSelectorsShape = {
  kinds: z.array(nonEmptyText).optional(),
  labelSelectors: z
    .looseObject({
      selectors: z.array(z.looseObject({
        kind: z.enum(LABEL_SELECTOR_KINDS),
        key: z.string().regex(LABEL_KEY, { error: 'a label key' }),
        values: z.array(z.string().regex(LABEL_VALUE, { error: 'a label value' })).default([]),
      })),
    })
    .optional(),
};

export type LabelSelectors = NonNullable<z.output<typeof labelSelectorsShape.labelSelectors>>;

/** The Kubernetes label selector (`app=web,tier in (a,b)`) of Spinnaker's selectors. */
export function labelSelectorText(selectors: LabelSelectors): string {
  return selectors.selectors.map(({ kind, key, values }) => {
    switch (kind) {
      case 'EQUALS': return `${key}=${values[0] ?? ''}`;
      case 'NOT_EQUALS': return `${key}!=${values[0] ?? ''}`;
      case 'CONTAINS': return `${key} in (${values.join(',')})`;
      case 'NOT_CONTAINS': return `${key} notin (${values.join(',')})`;
      case 'EXISTS':
      case 'ANY': return key;
      case 'NOT_EXISTS': return `!${key}`;
    }
  }).join(',');
}

interface SelectorFields {
  account?: string;
  credentials?: string;
  mode?: ManifestSelectorMode;
  manifestName?: string;
  cluster?: string;
  criteria?: string;
  kinds?: string[];
  labelSelectors?: LabelSelectors;
}

export type ManifestSelectorMode = 'static' | 'dynamic' | 'label';

/**
 * The selector mode, `mode` when given. Pipelines written before deck had a mode for deletes
 * (Spinnaker's codelabs) give `kinds` and `labelSelectors` without a `manifestName`, and
 * clouddriver deletes by labels when no name is given: so does Gantry. Otherwise static.
 */
export function selectorMode(fields: { mode?: ManifestSelectorMode; manifestName?: string; labelSelectors?: unknown }): ManifestSelectorMode {
  if (fields.mode !== undefined) return fields.mode;
  return fields.manifestName === undefined && fields.labelSelectors !== undefined ? 'label' : 'static';
}

export function checkManifestSelector(fields: SelectorFields, ctx: z.RefinementCtx): void {
  checkAccount(fields, ctx);
  const mode = selectorMode(fields);
  if (mode === 'label') {
    if (fields.kinds === undefined || fields.kinds.length === 0) ctx.addIssue({ code: 'custom', path: ['kinds'], message: 'kinds is required with mode label' });
    if (fields.labelSelectors === undefined || fields.labelSelectors.selectors.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['labelSelectors'], message: 'labelSelectors.selectors is required with mode label' });
    }
  }
  if (mode === 'static' && fields.manifestName === undefined) {
    ctx.addIssue({ code: 'custom', path: ['manifestName'], message: 'manifestName ("<kind> <name>") is required with mode static' });
  }
  if (mode === 'dynamic') {
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
