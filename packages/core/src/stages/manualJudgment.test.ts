import { describe, expect, it } from 'vitest';
import { manualJudgmentStage } from './manualJudgment';
import { check } from './testSupport';

describe('manualJudgment stage', () => {
  it('plans waitForJudgment and accepts Spinnaker’s fields', () => {
    const fields = {
      instructions: 'Deploy ${parameters.version}?',
      judgmentInputs: [{ value: 'rollback' }, { value: 'promote' }],
      notifications: [{ type: 'slack', address: '#deploys', when: ['manualJudgment'] }],
      propagateAuthenticationContext: true,
    };
    expect(check(manualJudgmentStage, fields)).toEqual({ ok: true, data: fields, tasks: ['waitForJudgment'] });
    expect(check(manualJudgmentStage, {})).toEqual({ ok: true, data: {}, tasks: ['waitForJudgment'] });
  });

  it('reads judgment inputs written as plain strings as the same choices', () => {
    expect(check(manualJudgmentStage, { judgmentInputs: ['Approve', { value: 'Reject' }] })).toMatchObject({
      ok: true,
      data: { judgmentInputs: [{ value: 'Approve' }, { value: 'Reject' }] },
    });
  });

  it('rejects judgment inputs without a text value', () => {
    expect(check(manualJudgmentStage, { judgmentInputs: [{ value: 'ok' }, { value: '' }, {}] })).toMatchObject({
      ok: false,
      issues: [{ path: ['judgmentInputs', 1, 'value'] }, { path: ['judgmentInputs', 2, 'value'] }],
    });
  });

  it('rejects a non-bool propagateAuthenticationContext', () => {
    expect(check(manualJudgmentStage, { propagateAuthenticationContext: 'yes' })).toMatchObject({
      ok: false,
      issues: [{ path: ['propagateAuthenticationContext'] }],
    });
  });
});
