import { describe, expect, it } from 'vitest';
import { pipelineStage } from './pipeline';
import { check } from './testSupport';

describe('pipeline stage', () => {
  it('starts and monitors by default', () => {
    expect(check(pipelineStage, { application: 'checkout', pipeline: 'deploy-prod' })).toEqual({
      ok: true,
      data: { application: 'checkout', pipeline: 'deploy-prod', waitForCompletion: true },
      tasks: ['startPipeline', 'monitorPipeline'],
    });
  });

  it('only starts when waitForCompletion is false', () => {
    expect(
      check(pipelineStage, {
        application: 'checkout',
        pipeline: 'b1946ac9',
        pipelineParameters: { version: '${parameters.version}', count: 2 },
        waitForCompletion: false,
      }),
    ).toMatchObject({ ok: true, tasks: ['startPipeline'], data: { pipelineParameters: { count: 2 } } });
  });

  it('requires an application name and a pipeline', () => {
    expect(check(pipelineStage, { application: 'Checkout' })).toEqual({
      ok: false,
      issues: [
        { path: ['application'], message: 'expected an application name (lower-case letters and digits, starting with a letter, with single "-" between them)' },
        {
          path: ['pipeline'],
          message: 'Invalid input: expected string, received undefined (or a string containing a ${…} expression)',
        },
      ],
    });
  });
});
