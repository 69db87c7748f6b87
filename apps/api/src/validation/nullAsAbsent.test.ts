import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePipelineDefinition } from '@gantry/core';
import { attemptThrowing, parseNullsAsAbsent } from './nullAsAbsent';
import { attemptZod } from './validatorCompiler';

const schema = z.object({ name: z.string(), build: z.object({ status: z.string().optional(), note: z.string().nullable().optional() }) });

describe('a null the schema refuses reads as an absent key', () => {
  it('drops refused nulls at any depth and keeps the nulls the schema accepts', () => {
    expect(parseNullsAsAbsent({ name: 'a', build: { status: null, note: null } }, attemptZod(schema))).toEqual({
      ok: true,
      value: { name: 'a', build: { note: null } },
    });
  });

  it('a null on a required field is refused with the original issue, and the input is left untouched', () => {
    const input = { name: null, build: { status: null } };
    const result = parseNullsAsAbsent(input, attemptZod(schema));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.issues).toEqual([{ path: ['name'], message: 'Invalid input: expected string, received null' }]);
    expect(input).toEqual({ name: null, build: { status: null } });
  });

  it("works for the domain's parsers too: a Spinnaker export's null description saves", () => {
    const exported = { application: 'shop', name: 'p', description: null, stages: [{ refId: '1', type: 'wait', waitTime: 1, name: null }] };
    const result = parseNullsAsAbsent(exported, attemptThrowing(parsePipelineDefinition));
    expect(result).toMatchObject({ ok: true, value: { application: 'shop', stages: [{ refId: '1' }] } });
  });
});
