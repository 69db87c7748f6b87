import { describe, expect, it } from 'vitest';
import { evaluateVariablesTask } from './evaluateVariables';
import { makeTaskContext } from './testContext';

describe('evaluateVariables task', () => {
  it('publishes each variable as an output, keeping its type', async () => {
    const ctx = makeTaskContext({
      stage: {
        context: {
          variables: [
            { key: 'version', value: '1.2.3' },
            { key: 'replicas', value: 3 },
            { key: 'canary', value: true },
            { key: 'tags', value: { team: 'payments' } },
          ],
        },
      },
    });
    expect(await evaluateVariablesTask.run(ctx)).toEqual({
      status: 'SUCCEEDED',
      outputs: { version: '1.2.3', replicas: 3, canary: true, tags: { team: 'payments' } },
    });
  });

  it('lets a later duplicate win, keeps a null value and keeps "__proto__" as data', async () => {
    const ctx = makeTaskContext({
      stage: { context: { variables: [{ key: 'a', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: null }, { key: '__proto__', value: 'x' }] } },
    });
    const result = await evaluateVariablesTask.run(ctx);
    expect(result.status).toBe('SUCCEEDED');
    const outputs = result.outputs ?? {};
    expect(outputs['a']).toBe(2);
    expect(outputs['b']).toBeNull();
    expect(Object.getPrototypeOf(outputs)).toBe(Object.prototype);
    expect(Object.hasOwn(outputs, '__proto__')).toBe(true);
  });

  it('fails TERMINAL on a variable without a key', async () => {
    const result = await evaluateVariablesTask.run(makeTaskContext({ stage: { context: { variables: [{ value: 1 }] } } }));
    expect(result.status).toBe('TERMINAL');
    if (result.status === 'TERMINAL') expect(result.error).toMatch(/variables\.0\.key/);
  });
});
