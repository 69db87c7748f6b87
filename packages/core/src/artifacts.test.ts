import { describe, expect, it } from 'vitest';
import { artifactMatches, bindExpectedArtifacts, expectedArtifactIssues, expectedArtifactSchema, type Artifact } from './artifacts';
import { parsePipelineDefinition } from './pipeline';

const expected = (entry: Record<string, unknown>) => expectedArtifactSchema.parse(entry);
const image = (tag: string): Artifact => ({ type: 'docker/image', name: 'gcr.io/acme/app', version: tag, reference: `gcr.io/acme/app:${tag}` });
const noPrior = () => {
  throw new Error('the prior execution is read only when an expected artifact falls back to it');
};

describe('matching an artifact (kork ExpectedArtifact.matches)', () => {
  it('every non-empty field is a regex over the whole value; empty fields match anything', () => {
    expect(artifactMatches({ type: 'docker/image', name: 'gcr.io/acme/.*' }, image('1.0'))).toBe(true);
    expect(artifactMatches({ type: 'docker/image', name: 'gcr.io/acme' }, image('1.0'))).toBe(false);
    expect(artifactMatches({ type: 'docker/image', name: '', version: '1\\..*' }, image('1.0'))).toBe(true);
    expect(artifactMatches({ type: 'gcs/object' }, image('1.0'))).toBe(false);
    expect(artifactMatches({ reference: 's3://bucket/.*\\.zip' }, { type: 's3/object', reference: 's3://bucket/app.zip' })).toBe(true);
    expect(artifactMatches({ name: 'manifest.yml' }, { type: 'embedded/base64', reference: 'a2luZDogUG9k' })).toBe(false);
  });
});

describe('binding expected artifacts at trigger time (orca ArtifactUtils.resolveArtifacts)', () => {
  const app = expected({ id: 'app', displayName: 'app image', matchArtifact: { type: 'docker/image', name: 'gcr.io/acme/app' } });

  it("binds from the trigger's artifacts: exactly one must match", () => {
    const bound = bindExpectedArtifacts([app], ['app'], [image('2.0'), { type: 'http/file', reference: 'https://x/y' }], noPrior);
    expect(bound).toEqual({
      ok: true,
      artifacts: [image('2.0'), { type: 'http/file', reference: 'https://x/y' }],
      resolvedExpectedArtifacts: [{ ...app, boundArtifact: image('2.0') }],
    });
    expect(bindExpectedArtifacts([app], ['app'], [image('1.0'), image('2.0')], noPrior)).toMatchObject({ ok: false, expectedArtifactId: 'app', reason: expect.stringContaining('matches 2') });
  });

  it('falls back to the prior execution, then the default; names the artifact when nothing binds', () => {
    const fallback = expected({ ...app, usePriorArtifact: true, useDefaultArtifact: true, defaultArtifact: image('0.1') });
    expect(bindExpectedArtifacts([fallback], ['app'], [], () => [image('1.9')])).toMatchObject({ ok: true, artifacts: [image('1.9')] });
    expect(bindExpectedArtifacts([fallback], ['app'], [], () => [])).toMatchObject({ ok: true, artifacts: [image('0.1')] });
    expect(bindExpectedArtifacts([app], ['app'], [{ type: 'gcs/object', reference: 'gs://b/o' }], noPrior)).toEqual({
      ok: false,
      expectedArtifactId: 'app',
      reason: `expected artifact "app image" (id app) could not be bound: nothing in the trigger's artifacts matches type /docker/image/, name /gcr.io/acme/app/`,
    });
  });

  it('binds only what the trigger requires or what has a fallback; the rest stay unbound', () => {
    const optional = expected({ id: 'cfg', matchArtifact: { type: 'embedded/base64' } });
    const withDefault = expected({ id: 'manifest', matchArtifact: { type: 'http/file' }, useDefaultArtifact: true, defaultArtifact: { type: 'http/file', reference: 'https://cfg/app.yml' } });
    const bound = bindExpectedArtifacts([optional, withDefault], [], [], noPrior);
    expect(bound).toMatchObject({ ok: true, resolvedExpectedArtifacts: [{ id: 'manifest', boundArtifact: { reference: 'https://cfg/app.yml' } }] });
  });

  it("accepts deck's placeholder default when no default is used", () => {
    expect(expectedArtifactSchema.safeParse({ id: 'x', matchArtifact: { type: 'embedded/base64' }, defaultArtifact: { kind: 'custom' }, useDefaultArtifact: false }).success).toBe(true);
    expect(expectedArtifactIssues([{ id: 'x', matchArtifact: {}, defaultArtifact: { kind: 'custom' }, useDefaultArtifact: true }])).toEqual([
      { path: [0, 'defaultArtifact', 'type'], message: 'the default artifact needs a type (useDefaultArtifact is set)' },
    ]);
  });

  it('saving checks ids, regexes and a default that is missing', () => {
    expect(
      expectedArtifactIssues([
        { id: 'a', matchArtifact: { name: '(?<=x)' } },
        { id: 'a', matchArtifact: {}, useDefaultArtifact: true },
      ]),
    ).toEqual([
      { path: [0, 'matchArtifact', 'name'], message: expect.stringContaining('invalid regex') },
      { path: [1, 'id'], message: 'duplicate expected artifact id "a"' },
      { path: [1, 'defaultArtifact'], message: 'useDefaultArtifact is set but there is no defaultArtifact' },
    ]);
    expect(() =>
      parsePipelineDefinition({
        application: 'shop',
        name: 'p',
        expectedArtifacts: [{ id: 'a', matchArtifact: { type: '[' } }],
        stages: [{ refId: '1', type: 'wait', waitTime: 1 }],
      }),
    ).toThrow(/expectedArtifacts\.0\.matchArtifact\.type: invalid regex/);
  });
});
