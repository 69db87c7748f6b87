import { z } from 'zod';
import { artifactSchema, expectedArtifactSchema } from '../../artifacts';
import { allowExpressions } from '../allowExpressions';
import { nonEmptyText } from '../fields';
import { defineStageType } from '../StageType';

/**
 * Spinnaker's template renderers (rosco's `TemplateRenderer`), as orca reads them: upper-cased.
 * HELM2 charts are rendered by the same `helm template` as HELM3 (Helm 3 and later render
 * `apiVersion: v1` charts); HELMFILE and CF are not Gantry's.
 */
export const TEMPLATE_RENDERERS = ['HELM2', 'HELM3', 'KUSTOMIZE', 'KUSTOMIZE4'] as const;
export type TemplateRenderer = (typeof TEMPLATE_RENDERERS)[number];

export function isHelmRenderer(renderer: TemplateRenderer): boolean {
  return renderer === 'HELM2' || renderer === 'HELM3';
}

/**
 * One of `inputArtifacts` (orca's `InputArtifact`): an expected artifact's `id` bound by the
 * trigger or an earlier stage, or the `artifact` itself; `account` is the artifact account that
 * fetches it (else the artifact's `artifactAccount`).
 */
const inputArtifactSchema = z.looseObject({
  id: z.string().optional(),
  account: z.string().optional(),
  artifact: artifactSchema.optional(),
});
export type BakeInputArtifact = z.output<typeof inputArtifactSchema>;

const textOrNumber = z.union([z.string(), z.number(), z.boolean()], { error: 'an override is text, a number or a boolean' });

export const bakeManifestShape = {
  templateRenderer: z.preprocess(
    (value) => (typeof value === 'string' ? value.toUpperCase() : value),
    z.enum(TEMPLATE_RENDERERS, { error: `templateRenderer is one of ${TEMPLATE_RENDERERS.join(', ')}` }),
  ),
  inputArtifacts: z.array(inputArtifactSchema).optional(),
  /** KUSTOMIZE's one input (Deck writes it singular; orca reads it as the list's first). */
  inputArtifact: inputArtifactSchema.optional(),
  outputName: nonEmptyText,
  namespace: z.string().optional(),
  overrides: z.record(z.string(), textOrNumber).default({}),
  /** `--set` (typed values) instead of `--set-string`. */
  rawOverrides: z.boolean().default(false),
  /** Gantry resolves every `${…}` at stage start, so this is always so; kept as written. */
  evaluateOverrideExpressions: z.boolean().optional(),
  includeCRDs: z.boolean().default(false),
  apiVersions: z.string().optional(),
  kubeVersion: z.string().optional(),
  /** The chart's folder (or its Chart.yaml) inside a `git/repo` chart artifact. */
  helmChartFilePath: z.string().optional(),
  /** The kustomization file (or its folder) inside the `git/repo` artifact. */
  kustomizeFilePath: z.string().optional(),
  expectedArtifacts: z.array(expectedArtifactSchema).default([]),
};

interface BakeFields {
  templateRenderer: TemplateRenderer;
  inputArtifacts?: BakeInputArtifact[];
  inputArtifact?: BakeInputArtifact;
  outputName: string;
  expectedArtifacts: { matchArtifact: { name?: string | undefined } }[];
  kustomizeFilePath?: string;
}

/** The inputs in orca's order: `inputArtifacts`, or the one `inputArtifact` when the list is empty. */
export function bakeInputs(fields: { inputArtifacts?: BakeInputArtifact[]; inputArtifact?: BakeInputArtifact }): BakeInputArtifact[] {
  const listed = fields.inputArtifacts ?? [];
  return listed.length === 0 && fields.inputArtifact !== undefined ? [fields.inputArtifact] : listed;
}

/** orca's CreateBakeManifestTask checks, made at save time and naming the field. */
function checkBake(fields: BakeFields, ctx: z.RefinementCtx): void {
  const inputs = bakeInputs(fields);
  const inputsPath = fields.inputArtifacts !== undefined && fields.inputArtifacts.length > 0 ? 'inputArtifacts' : isHelmRenderer(fields.templateRenderer) ? 'inputArtifacts' : 'inputArtifact';
  if (inputs.length === 0) {
    ctx.addIssue({ code: 'custom', path: [inputsPath], message: isHelmRenderer(fields.templateRenderer) ? 'inputArtifacts: at least the chart is required' : 'inputArtifact (a git/repo artifact) is required' });
  }
  inputs.forEach((input, index) => {
    if ((input.id === undefined || input.id === '') && input.artifact === undefined) {
      ctx.addIssue({ code: 'custom', path: [inputsPath, ...(inputsPath === 'inputArtifacts' ? [index] : [])], message: 'an input artifact names an expected artifact (id) or gives the artifact' });
    }
  });
  if (fields.expectedArtifacts.length !== 1) {
    ctx.addIssue({ code: 'custom', path: ['expectedArtifacts'], message: `bakeManifest produces one embedded/base64 artifact: expectedArtifacts must hold exactly one (it holds ${fields.expectedArtifacts.length})` });
  } else if (fields.expectedArtifacts[0]?.matchArtifact.name !== fields.outputName) {
    ctx.addIssue({ code: 'custom', path: ['outputName'], message: `outputName must equal the expected artifact's matchArtifact.name (${JSON.stringify(fields.expectedArtifacts[0]?.matchArtifact.name ?? null)})` });
  }
  if (!isHelmRenderer(fields.templateRenderer) && (fields.kustomizeFilePath === undefined || fields.kustomizeFilePath.trim() === '')) {
    ctx.addIssue({ code: 'custom', path: ['kustomizeFilePath'], message: 'kustomizeFilePath (the kustomization inside the git/repo artifact) is required' });
  }
}

/** The bakeManifest stage's fields, as its task reads them once expressions are resolved. */
export const bakeManifestFieldsSchema = z.looseObject(bakeManifestShape).superRefine(checkBake);
export type BakeManifestFields = z.output<typeof bakeManifestFieldsSchema>;

/**
 * `bakeManifest` (orca's BakeManifestStage, rosco's manifest bakery): fetch the chart or the
 * kustomization through artifact accounts, render it with the real `helm template` or
 * `kubectl kustomize`, and bind the result, an `embedded/base64` artifact named `outputName`,
 * to the stage's one expected artifact, which a `deployManifest` names in `manifestArtifactId`.
 */
export const bakeManifestStage = defineStageType({
  type: 'bakeManifest',
  fields: allowExpressions(bakeManifestFieldsSchema),
  tasks: () => ['bakeManifest'],
});
