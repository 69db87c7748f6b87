import { z } from 'zod';
import { isPlainObject } from './celValues';
import type { ValidationIssue } from './errors';
import { matchesWhole } from './triggers/payloadConstraints';
import { re2Problem } from './re2';

/**
 * An artifact as Spinnaker passes them around (kork's `Artifact`): a reference to something that
 * lives elsewhere, never its content (`embedded/base64` carries it in `reference`). Gantry reads
 * these kinds: `docker/image` (reference `registry/repo:tag`), `embedded/base64`, `http/file`
 * (a URL), `gcs/object` (`gs://bucket/path`), `s3/object` (`s3://bucket/key`), and the git kinds
 * echo produces (`github/file`, `gitlab/file`, `bitbucket/file`); any other type is kept as given.
 */
export const artifactSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
  version: z.string().optional(),
  reference: z.string().optional(),
  location: z.string().optional(),
  artifactAccount: z.string().optional(),
  customKind: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  provenance: z.string().optional(),
  uuid: z.string().optional(),
});

export type Artifact = z.output<typeof artifactSchema>;

/** The fields an expected artifact's `matchArtifact` compares, each a regex over the whole value (kork's ExpectedArtifact.matches). */
const MATCH_FIELDS = ['type', 'name', 'version', 'location', 'reference'] as const;

/** `matchArtifact`: like an artifact, but every field is optional and a pattern. */
const matchArtifactSchema = z.looseObject(Object.fromEntries(MATCH_FIELDS.map((field) => [field, z.string().optional()])));

/**
 * `expectedArtifacts[]` of a pipeline (Spinnaker's form): what the pipeline needs, how to recognise
 * it among a trigger's artifacts, and what to use when the trigger brings none.
 */
export const expectedArtifactSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().optional(),
  matchArtifact: matchArtifactSchema,
  // Deck saves `{"kind": "custom"}` here when no default is used: a default is only checked for
  // what it must have (its type) when `useDefaultArtifact` asks for it (expectedArtifactIssues).
  defaultArtifact: artifactSchema.partial({ type: true }).optional(),
  useDefaultArtifact: z.boolean().default(false),
  usePriorArtifact: z.boolean().default(false),
});

export type ExpectedArtifact = z.output<typeof expectedArtifactSchema>;
export type MatchArtifact = z.output<typeof matchArtifactSchema>;

/** Save-time checks a schema cannot express, paths relative to `expectedArtifacts`. */
export function expectedArtifactIssues(expected: unknown): ValidationIssue[] {
  if (!Array.isArray(expected)) return [];
  const seen = new Set<string>();
  return expected.flatMap((entry: unknown, index): ValidationIssue[] => {
    if (!isPlainObject(entry)) return [];
    const issues: ValidationIssue[] = [];
    if (typeof entry.id === 'string') {
      if (seen.has(entry.id)) issues.push({ path: [index, 'id'], message: `duplicate expected artifact id "${entry.id}"` });
      seen.add(entry.id);
    }
    const match = isPlainObject(entry.matchArtifact) ? entry.matchArtifact : {};
    for (const field of MATCH_FIELDS) {
      const pattern = match[field];
      if (typeof pattern !== 'string' || pattern === '') continue;
      const problem = re2Problem(pattern);
      if (problem !== undefined) issues.push({ path: [index, 'matchArtifact', field], message: `invalid regex: ${problem}` });
    }
    if (entry.useDefaultArtifact === true && !isPlainObject(entry.defaultArtifact)) {
      issues.push({ path: [index, 'defaultArtifact'], message: 'useDefaultArtifact is set but there is no defaultArtifact' });
    } else if (entry.useDefaultArtifact === true && isPlainObject(entry.defaultArtifact) && typeof entry.defaultArtifact.type !== 'string') {
      issues.push({ path: [index, 'defaultArtifact', 'type'], message: 'the default artifact needs a type (useDefaultArtifact is set)' });
    }
    return issues;
  });
}

/** Whether `artifact` is what `match` describes: every non-empty field of `match` matches the artifact's whole value. */
export function artifactMatches(match: MatchArtifact, artifact: Artifact): boolean {
  return MATCH_FIELDS.every((field) => {
    const pattern = match[field];
    if (pattern === undefined || pattern === '') return true;
    const value = artifact[field];
    return typeof value === 'string' && matchesWhole(pattern, value);
  });
}

/** Echo's check before a trigger fires: with expectedArtifactIds, at least one artifact of the event must be one of them. */
export function anyArtifactExpected(expected: readonly ExpectedArtifact[], ids: readonly string[], artifacts: readonly Artifact[]): boolean {
  const wanted = expected.filter((entry) => ids.includes(entry.id));
  return wanted.length === 0 || artifacts.some((artifact) => wanted.some((entry) => artifactMatches(entry.matchArtifact, artifact)));
}

export type ArtifactBinding =
  | {
      ok: true;
      /** Everything the trigger brought, plus what was bound from a prior execution or a default. */
      artifacts: Artifact[];
      /** The expected artifacts that were resolved, each with its `boundArtifact`. */
      resolvedExpectedArtifacts: (ExpectedArtifact & { boundArtifact: Artifact })[];
    }
  | { ok: false; expectedArtifactId: string; reason: string };

/**
 * Binds a pipeline's expected artifacts at trigger time, as orca's ArtifactUtils.resolveArtifacts
 * does: the ones the trigger requires (`expectedArtifactIds`) and every one with a prior or
 * default fallback, each from the trigger's artifacts (exactly one must match), else the prior
 * execution's artifacts (`usePriorArtifact`; read lazily, only when needed), else its
 * `defaultArtifact` (`useDefaultArtifact`). The first that cannot be bound stops the launch.
 */
export function bindExpectedArtifacts(
  expected: readonly ExpectedArtifact[],
  requiredIds: readonly string[],
  received: readonly Artifact[],
  priorArtifacts: () => readonly Artifact[],
): ArtifactBinding {
  const resolved: (ExpectedArtifact & { boundArtifact: Artifact })[] = [];
  for (const entry of expected) {
    if (!requiredIds.includes(entry.id) && !entry.useDefaultArtifact && !entry.usePriorArtifact) continue;
    const bound = bindOne(entry, received, priorArtifacts);
    if (!bound.ok) return { ok: false, expectedArtifactId: entry.id, reason: bound.reason };
    resolved.push({ ...entry, boundArtifact: bound.artifact });
  }
  const artifacts = [...received];
  for (const { boundArtifact } of resolved) {
    if (!artifacts.some((artifact) => sameArtifact(artifact, boundArtifact))) artifacts.push(boundArtifact);
  }
  return { ok: true, artifacts, resolvedExpectedArtifacts: resolved };
}

function bindOne(
  entry: ExpectedArtifact,
  received: readonly Artifact[],
  priorArtifacts: () => readonly Artifact[],
): { ok: true; artifact: Artifact } | { ok: false; reason: string } {
  const name = describeExpected(entry);
  const matches = received.filter((artifact) => artifactMatches(entry.matchArtifact, artifact));
  if (matches.length > 1) {
    return { ok: false, reason: `expected artifact ${name} matches ${matches.length} of the trigger's artifacts (${matches.map(describeArtifact).join(', ')}); it must match exactly one` };
  }
  const [match] = matches;
  if (match !== undefined) return { ok: true, artifact: match };
  if (entry.usePriorArtifact) {
    const prior = priorArtifacts().find((artifact) => artifactMatches(entry.matchArtifact, artifact));
    if (prior !== undefined) return { ok: true, artifact: prior };
  }
  const fallback = entry.useDefaultArtifact ? artifactSchema.safeParse(entry.defaultArtifact) : undefined;
  if (fallback?.success === true) return { ok: true, artifact: fallback.data };
  const tried = ["the trigger's artifacts", ...(entry.usePriorArtifact ? ["the previous execution's"] : []), ...(entry.useDefaultArtifact ? ['a default'] : [])];
  return { ok: false, reason: `expected artifact ${name} could not be bound: nothing in ${tried.join(', ')} matches ${describeMatch(entry.matchArtifact)}` };
}

/** `"my-image" (id abc)`: how messages name an expected artifact. */
export function describeExpected(entry: Pick<ExpectedArtifact, 'id' | 'displayName'>): string {
  return entry.displayName === undefined || entry.displayName === '' ? `"${entry.id}"` : `"${entry.displayName}" (id ${entry.id})`;
}

function describeMatch(match: MatchArtifact): string {
  const fields = MATCH_FIELDS.flatMap((field) => {
    const pattern = match[field];
    return pattern === undefined || pattern === '' ? [] : [`${field} /${pattern}/`];
  });
  return fields.length === 0 ? 'any artifact' : fields.join(', ');
}

function describeArtifact(artifact: Artifact): string {
  return `${artifact.type} ${artifact.reference ?? artifact.name ?? ''}`.trim();
}

function sameArtifact(a: Artifact, b: Artifact): boolean {
  return MATCH_FIELDS.every((field) => a[field] === b[field]);
}

/** The artifacts in a stored value (a trigger's `artifacts`): the well-formed ones, others ignored. */
export function artifactsIn(value: unknown): Artifact[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const parsed = artifactSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A `docker/image` artifact, named as echo's DockerEventHandler names it: `registry/repository`, version the tag. */
export function dockerImageArtifact(registry: string, repository: string, tag: string): Artifact {
  const name = `${registry}/${repository}`;
  return { type: 'docker/image', name, version: tag, reference: `${name}:${tag}` };
}
