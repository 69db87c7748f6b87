import { describe, expect, it } from 'vitest';
import { judgmentRequestOf, stepJudgmentsOf } from './judgments';

describe('judgmentRequestOf', () => {
  it('takes a manualJudgment stage with its inputs', () => {
    expect(judgmentRequestOf('manualJudgment', { judgmentInputs: [{ value: 'ship' }, { value: 'hold' }] })).toEqual({
      options: ['ship', 'hold'],
      wholeStage: true,
    });
    expect(judgmentRequestOf('manualJudgment', {})).toEqual({ options: [], wholeStage: true });
  });

  it("takes a deploy whose cluster asks for a judgment, in either of Spinnaker's cluster shapes", () => {
    const judgment = { instructions: 'Check v2', judgmentInputs: [{ value: 'go' }] };
    expect(judgmentRequestOf('deploy', { cluster: { strategy: 'redblack', judgment } })).toEqual({ options: ['go'], wholeStage: false });
    expect(judgmentRequestOf('deploy', { clusters: [{ judgment: {} }] })).toEqual({ options: [], wholeStage: false });
  });

  it('names the step judgment a rolling deploy awaits, and reads the answers given so far', () => {
    const context = { cluster: { judgment: { betweenSteps: true } }, judgments: { step50: { judgmentStatus: 'continue' } } };
    expect(judgmentRequestOf('deploy', context, { awaitingJudgment: 'step100' })).toEqual({ options: [], wholeStage: false, awaiting: 'step100' });
    expect(judgmentRequestOf('deploy', context, { awaitingJudgment: null })).toEqual({ options: [], wholeStage: false });
    expect(stepJudgmentsOf(context)).toEqual({ step50: { judgmentStatus: 'continue' } });
    expect(stepJudgmentsOf({})).toEqual({});
  });

  it('refuses other stages and a deploy without a judgment', () => {
    expect(judgmentRequestOf('deploy', { cluster: { strategy: 'redblack' } })).toBeUndefined();
    expect(judgmentRequestOf('wait', { judgmentInputs: [] })).toBeUndefined();
  });
});
