import { describe, expect, it } from 'vitest';
import { check } from './testSupport';
import { pipelineToSave, savePipelineStage } from './savePipeline';

const encoded = Buffer.from(JSON.stringify({ application: 'amahajantest', name: 'new-test-pipeline', stages: [] })).toString('base64');

describe('savePipeline stage', () => {
  it("reads orca's stage: the pipeline as base64 JSON (or the object), staleCheck false", () => {
    expect(check(savePipelineStage, { pipeline: encoded, staleCheck: false })).toMatchObject({ ok: true, tasks: ['savePipeline'] });
    expect(pipelineToSave(encoded)).toEqual({ ok: true, document: { application: 'amahajantest', name: 'new-test-pipeline', stages: [] } });
    expect(pipelineToSave({ application: 'a', name: 'b' })).toEqual({ ok: true, document: { application: 'a', name: 'b' } });
  });

  it('refuses what it cannot honour, naming the field, and a pipeline that is not one', () => {
    expect(check(savePipelineStage, { pipeline: encoded, staleCheck: true })).toMatchObject({ ok: false, issues: [{ path: ['staleCheck'] }] });
    expect(check(savePipelineStage, { pipeline: encoded, isBulkSavingPipelines: true })).toMatchObject({ ok: false, issues: [{ path: ['isBulkSavingPipelines'] }] });
    expect(pipelineToSave(Buffer.from('not json').toString('base64'))).toEqual({ ok: false, reason: 'pipeline: not the base64 of a JSON document' });
    expect(pipelineToSave(Buffer.from('[1]').toString('base64'))).toEqual({ ok: false, reason: 'pipeline: the decoded JSON is not an object (a pipeline)' });
  });
});
