import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getStageType, registerStageType } from './registry';
import { defineStageType } from './StageType';
import { waitStage } from './wait';

describe('stage type registry', () => {
  it('registers and unregisters more types', () => {
    const echo = defineStageType({ type: 'echo', fields: z.looseObject({ text: z.string() }), tasks: () => ['echo'] });
    const unregister = registerStageType(echo);
    expect(getStageType('echo')).toBe(echo);
    expect(registerStageType(echo)).toBeTypeOf('function'); // same object again is harmless
    unregister();
    expect(getStageType('echo')).toBeUndefined();
  });

  it('refuses a different type under a taken name, and empty names', () => {
    const impostor = defineStageType({ type: 'wait', fields: z.looseObject({}), tasks: () => [] });
    expect(() => registerStageType(impostor)).toThrow('stage type "wait" is already registered');
    expect(() => registerStageType({ ...impostor, type: ' ' })).toThrow(/non-empty/);
    expect(getStageType('wait')).toBe(waitStage);
  });
});
