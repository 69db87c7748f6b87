import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors';
import { resolveParameters } from './parameters';
import { parameterDefinitionSchema, type ParameterDefinition } from './pipeline';

const def = (input: Record<string, unknown>): ParameterDefinition => parameterDefinitionSchema.parse(input);

function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('resolveParameters', () => {
  it('uses supplied values, then defaults, then null for declared parameters', () => {
    const defs = [def({ name: 'version', required: true }), def({ name: 'region', default: 'us-east-1' }), def({ name: 'tag' })];
    expect(resolveParameters(defs, { version: '1.2' })).toEqual({ version: '1.2', region: 'us-east-1', tag: null });
    expect(resolveParameters(defs, { version: '1.2', region: 'eu-west-1', tag: 'x' })).toEqual({
      version: '1.2',
      region: 'eu-west-1',
      tag: 'x',
    });
  });

  it('uses the default for an empty supplied value', () => {
    expect(resolveParameters([def({ name: 'region', default: 'us-east-1' })], { region: '' })).toEqual({
      region: 'us-east-1',
    });
  });

  it('passes undeclared supplied parameters through', () => {
    expect(resolveParameters([], { extra: 5 })).toEqual({ extra: 5 });
    expect(resolveParameters([], undefined)).toEqual({});
  });

  it('rejects every missing required parameter with its path', () => {
    const error = rejection(() =>
      resolveParameters([def({ name: 'version', required: true }), def({ name: 'owner', required: true })], { owner: '' }),
    );
    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toEqual([
      { path: ['parameters', 'version'], message: 'parameter "version" is required' },
      { path: ['parameters', 'owner'], message: 'parameter "owner" is required' },
    ]);
  });

  it('accepts a required parameter satisfied by its default', () => {
    expect(resolveParameters([def({ name: 'env', required: true, default: 'prod' })], {})).toEqual({ env: 'prod' });
  });

  it('rejects values outside the options', () => {
    const env = def({ name: 'env', options: [{ value: 'dev' }, { value: 'prod' }] });
    expect(resolveParameters([env], { env: 'prod' })).toEqual({ env: 'prod' });
    expect(rejection(() => resolveParameters([env], { env: 'qa' })).issues).toEqual([
      { path: ['parameters', 'env'], message: 'parameter "env" must be one of "dev", "prod"; got "qa"' },
    ]);
    expect(rejection(() => resolveParameters([env], { env: { nested: true } })).issues[0]?.path).toEqual([
      'parameters',
      'env',
    ]);
  });

  it('compares numbers and bools with options as text', () => {
    const size = def({ name: 'size', options: [{ value: 1 }, { value: '2' }] });
    expect(resolveParameters([size], { size: 2 })).toEqual({ size: 2 });
  });

  it('ignores options switched off by hasOptions and the blank option Spinnaker stores', () => {
    expect(resolveParameters([def({ name: 'v', hasOptions: false, options: [{ value: 'a' }] })], { v: 'z' })).toEqual({ v: 'z' });
    expect(resolveParameters([def({ name: 'v', options: [{ value: '' }] })], { v: 'z' })).toEqual({ v: 'z' });
  });

  it('does not check options of an optional parameter that was not given', () => {
    expect(resolveParameters([def({ name: 'env', options: [{ value: 'dev' }] })], {})).toEqual({ env: null });
  });
});
