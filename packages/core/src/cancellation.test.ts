import { describe, expect, it } from 'vitest';
import { cleansUpOnCancel, onCancel, type CancelableTask } from './cancellation';
import { CANARY_ABORT_TASK } from '@gantry/strategies';
import { DEPLOY_ROLLBACK_TASKS } from './stages/serverGroup/rollback';

const task = (status: CancelableTask['status'], onFailure = false): CancelableTask => ({ status, onFailure });

describe('onCancel', () => {
  it('runs a canary stage’s abort when the cancel interrupts it, as a failure would', () => {
    const tasks = [task('SUCCEEDED'), task('SUCCEEDED'), task('RUNNING'), task('NOT_STARTED')];
    expect(onCancel({ type: 'canary', context: {} }, tasks)).toEqual({ kind: 'cleanUp', tasks: [CANARY_ABORT_TASK] });
  });

  it('rolls a deploy back whatever its rollback.onFailure says, even when paused', () => {
    for (const context of [{}, { rollback: { onFailure: false } }]) {
      expect(onCancel({ type: 'deploy', context }, [task('SUCCEEDED'), task('PAUSED')])).toEqual({
        kind: 'cleanUp',
        tasks: [...DEPLOY_ROLLBACK_TASKS],
      });
    }
  });

  it('lets cleanup already under way (a failure’s rollback, an earlier cancel) run to its end', () => {
    const tasks = [task('SUCCEEDED'), task('TERMINAL'), task('RUNNING', true), task('NOT_STARTED', true)];
    expect(onCancel({ type: 'deploy', context: {} }, tasks)).toEqual({ kind: 'keepCleaningUp' });
    expect(onCancel({ type: 'canary', context: {} }, [task('CANCELED'), task('SUCCEEDED', true)])).toEqual({ kind: 'keepCleaningUp' });
  });

  it('cancels outright a stage whose type undoes nothing, one with no task, and one whose tasks all finished', () => {
    expect(onCancel({ type: 'wait', context: {} }, [task('RUNNING')])).toEqual({ kind: 'cancel' });
    expect(onCancel({ type: 'canary', context: {} }, [])).toEqual({ kind: 'cancel' });
    expect(onCancel({ type: 'deploy', context: {} }, [task('SUCCEEDED'), task('SUCCEEDED')])).toEqual({ kind: 'cancel' });
    expect(onCancel({ type: 'no-such-type', context: {} }, [task('RUNNING')])).toEqual({ kind: 'cancel' });
  });
});

describe('cleansUpOnCancel', () => {
  it('names the stages whose type plans cancel tasks for their fields', () => {
    expect(cleansUpOnCancel({ type: 'canary', context: {} })).toBe(true);
    expect(cleansUpOnCancel({ type: 'deploy', context: {} })).toBe(true);
    expect(cleansUpOnCancel({ type: 'wait', context: {} })).toBe(false);
    expect(cleansUpOnCancel({ type: 'webhook', context: {} })).toBe(false);
    expect(cleansUpOnCancel({ type: 'kayentaCanary', context: { analysisType: 'realTimeAutomatic' } })).toBe(true);
    expect(cleansUpOnCancel({ type: 'kayentaCanary', context: { analysisType: 'realTime' } })).toBe(false);
  });
});
