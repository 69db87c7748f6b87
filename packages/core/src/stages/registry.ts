import { BUILT_IN_STAGE_TYPES } from './builtins';
import type { StageType } from './StageType';

// Seeded here rather than by a side-effect import, so no import order can leave it empty.
const stageTypes = new Map<string, StageType>(BUILT_IN_STAGE_TYPES.map((stageType) => [stageType.type, stageType]));

/**
 * Makes a stage type known to pipeline validation. Registering a second, different type under a
 * taken name is a programming error; registering the same object again is harmless. Returns a
 * function that removes it again (for tests and plugin unloading).
 */
export function registerStageType(stageType: StageType): () => void {
  if (stageType.type.trim() === '') throw new Error('a stage type needs a non-empty name');
  const existing = stageTypes.get(stageType.type);
  if (existing !== undefined && existing !== stageType) {
    throw new Error(`stage type "${stageType.type}" is already registered`);
  }
  stageTypes.set(stageType.type, stageType);
  return () => {
    if (stageTypes.get(stageType.type) === stageType) stageTypes.delete(stageType.type);
  };
}

export function getStageType(type: string): StageType | undefined {
  return stageTypes.get(type);
}

/** Known types in registration order (built-ins first). */
export function listStageTypes(): StageType[] {
  return [...stageTypes.values()];
}
