import { describe, expect, it } from 'vitest';
import { checkPipelineLock } from './pipelineLock';

const locked = (allowUnlockUi: boolean) => ({ locked: { ui: true, allowUnlockUi, description: 'managed by dinghy' } });

describe('checkPipelineLock', () => {
  it('lets a save that keeps the lock through, and one that drops it only when allowUnlockUi', () => {
    expect(() => checkPipelineLock(locked(false), locked(false))).not.toThrow();
    expect(() => checkPipelineLock(locked(true), {})).not.toThrow();
    expect(() => checkPipelineLock(locked(false), { locked: { ui: false } })).toThrow(
      'the pipeline is locked (managed by dinghy) and its lock does not allow unlocking (locked.allowUnlockUi is false): save it with its lock, as the tool that manages it does',
    );
  });

  it('refuses to delete a locked pipeline; unlocked or never locked ones are not concerned', () => {
    expect(() => checkPipelineLock(locked(true), undefined)).toThrow(/locked \(managed by dinghy\): unlock it .* before deleting it/);
    expect(() => checkPipelineLock({ locked: { ui: false } }, undefined)).not.toThrow();
    expect(() => checkPipelineLock(undefined, {})).not.toThrow();
  });
});
