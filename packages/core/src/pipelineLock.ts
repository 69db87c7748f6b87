import { isPlainObject } from './celValues';
import { ConflictError } from './errors';

/**
 * Spinnaker's `locked: {ui, allowUnlockUi, description}`. In Spinnaker a locked pipeline is edited
 * only by whatever manages it as code, through the API; Deck refuses hand edits and unlocks only
 * when `allowUnlockUi` says so. Gantry's API is both doors, so a lock holds like this: a save that
 * keeps the pipeline locked (what a pipeline-as-code tool sends) goes through; a save that drops
 * the lock only when `allowUnlockUi`; a locked pipeline is not deleted (unlock it first).
 */
export interface PipelineLock {
  ui: boolean;
  allowUnlockUi: boolean;
  description?: string;
}

function lockOf(definition: unknown): PipelineLock | undefined {
  if (!isPlainObject(definition) || !isPlainObject(definition.locked) || definition.locked.ui !== true) return undefined;
  const { allowUnlockUi, description } = definition.locked;
  return { ui: true, allowUnlockUi: allowUnlockUi === true, ...(typeof description === 'string' && description !== '' ? { description } : {}) };
}

/** Throws a ConflictError (409) naming `locked` when the stored pipeline's lock refuses this save (`after`) or delete (undefined). */
export function checkPipelineLock(before: unknown, after: unknown): void {
  const lock = lockOf(before);
  if (lock === undefined) return;
  const why = lock.description === undefined ? '' : ` (${lock.description})`;
  if (after === undefined) {
    throw new ConflictError(`the pipeline is locked${why}: unlock it (save it without locked.ui) before deleting it`, { field: 'locked' });
  }
  if (lockOf(after) !== undefined || lock.allowUnlockUi) return;
  throw new ConflictError(
    `the pipeline is locked${why} and its lock does not allow unlocking (locked.allowUnlockUi is false): save it with its lock, as the tool that manages it does`,
    { field: 'locked' },
  );
}
