import { describe, expect, it } from 'vitest';
import { check } from './testSupport';
import { admittedStatuses, artifactsOfExecution, bindFromExecution, expectedArtifactsOf, findArtifactFromExecutionFieldsSchema, findArtifactFromExecutionStage } from './findArtifactFromExecution';

const replicaSet = { type: 'kubernetes/replicaSet', name: 'web', reference: 'web-v001' };
const configMap = { type: 'kubernetes/configMap', name: 'sampleapp-config-prod', reference: 'sampleapp-config-prod-v003' };

describe('findArtifactFromExecution stage', () => {
  it("reads Deck's stage as saved (one expectedArtifact, executionOptions.successful) and refuses one naming none", () => {
    const deck = {
      application: 'sampleapp',
      executionOptions: { successful: true },
      expectedArtifact: { id: 'e00b', matchArtifact: { kind: 'custom', name: 'sampleapp-config-prod', type: 'kubernetes/configMap' } },
      pipeline: 'SIMPLE_DEPLOY_PIPELINE_ID',
    };
    expect(check(findArtifactFromExecutionStage, deck)).toMatchObject({ ok: true, tasks: ['findArtifactFromExecution'] });
    const fields = findArtifactFromExecutionFieldsSchema.parse(deck);
    expect(expectedArtifactsOf(fields).map((entry) => entry.id)).toEqual(['e00b']);
    expect(admittedStatuses(fields.executionOptions)).toEqual(['SUCCEEDED']);
    expect(check(findArtifactFromExecutionStage, { pipeline: 'p' })).toMatchObject({ ok: false, issues: [{ path: ['expectedArtifacts'] }] });
  });

  it("admits the statuses orca's ExecutionOptions lists (succeeded and successful both mean SUCCEEDED)", () => {
    expect(admittedStatuses({ succeeded: true, terminal: true, running: true })).toEqual(['SUCCEEDED', 'TERMINAL', 'RUNNING']);
    expect(admittedStatuses({})).toEqual([]);
  });

  it("gathers an execution's artifacts as orca does: stages' outputs.artifacts in order, then the trigger's; its own stage left out", () => {
    const execution = {
      trigger: { artifacts: [{ type: 'docker/image', name: 'gcr.io/app', reference: 'gcr.io/app:1' }] },
      stages: [
        { refId: '1', outputs: { artifacts: [replicaSet] } },
        { refId: '2', outputs: { artifacts: [configMap] } },
        { refId: '3', outputs: {} },
      ],
    };
    expect(artifactsOfExecution(execution).map((artifact) => artifact.type)).toEqual(['kubernetes/replicaSet', 'kubernetes/configMap', 'docker/image']);
    expect(artifactsOfExecution(execution, '2').map((artifact) => artifact.type)).toEqual(['kubernetes/replicaSet', 'docker/image']);
  });

  it('binds each expected artifact to the first match, else its default; one matching nothing fails naming it', () => {
    const expected = (id: string, matchArtifact: Record<string, string>, extra = {}) => ({ id, matchArtifact, useDefaultArtifact: false, usePriorArtifact: false, ...extra });
    const bound = bindFromExecution([expected('cm', { type: 'kubernetes/configMap' }), expected('rs', { type: 'kubernetes/.*', name: 'web' })], [replicaSet, configMap, replicaSet], 'execution e1');
    expect(bound).toEqual({
      ok: true,
      resolvedExpectedArtifacts: [expect.objectContaining({ id: 'cm', boundArtifact: configMap }), expect.objectContaining({ id: 'rs', boundArtifact: replicaSet })],
      artifacts: [configMap, replicaSet],
    });
    const fallback = { type: 'kubernetes/configMap', name: 'default-config' };
    expect(bindFromExecution([expected('cm', { name: 'other' }, { useDefaultArtifact: true, defaultArtifact: fallback })], [configMap], 'execution e1')).toMatchObject({
      ok: true,
      artifacts: [fallback],
    });
    expect(bindFromExecution([expected('cm', { name: 'other' })], [configMap], 'execution e1')).toEqual({
      ok: false,
      reason: 'expected artifact "cm" matches none of the 1 artifacts of execution e1 and has no default (useDefaultArtifact)',
    });
  });
});
