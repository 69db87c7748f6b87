import { afterAll, describe, expect, it } from 'vitest';
import type { ExpressionScope } from '@gantry/core';
import { CEL_LIST_40 as list, EXPENSIVE_CEL } from '../../../../test/support/expensiveCel';
import { ExpressionLimitError, ExpressionSandbox } from './expressionSandbox';

const scope: ExpressionScope = { trigger: { user: 'ana' }, parameters: { count: 3, name: 'a'.repeat(40) + '!' }, execution: { id: 'e1' }, stages: {} };

const sandboxes: ExpressionSandbox[] = [];
const sandbox = (limits?: { timeoutMs: number; memoryMb: number }) => {
  const created = new ExpressionSandbox(limits);
  sandboxes.push(created);
  return created;
};
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

describe('ExpressionSandbox', () => {
  it("evaluates each source in its thread: values, and cel-js's reasons for errors", async () => {
    const outcomes = await sandbox().evaluate(['parameters.count + 1', 'trigger.user', 'parameters.missing'], scope);
    expect(outcomes).toEqual([
      { ok: true, value: 4 },
      { ok: true, value: 'ana' },
      { ok: false, reason: expect.stringMatching(/No such key: missing/) },
    ]);
  });

  it('ends an expression over the time limit, naming it and the limit, while this thread keeps running; the next job gets a new thread', async () => {
    const s = sandbox({ timeoutMs: 500, memoryMb: 64 });
    await s.evaluate(['1 + 1'], scope); // the thread is up: its start-up is not the expression's time
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const error = await s.evaluate(['parameters.count', EXPENSIVE_CEL], scope).catch((e: unknown) => e);
    clearInterval(ticker);
    expect(error).toBeInstanceOf(ExpressionLimitError);
    expect((error as Error).message).toBe(`expression "\${${EXPENSIVE_CEL}}" exceeded the time limit of 500 ms (GANTRY_EXPRESSION_TIMEOUT_MS)`);
    // This thread's timers kept firing while the sandbox computed.
    expect(ticks).toBeGreaterThan(5);
    expect(await s.evaluate(['parameters.count * 2'], scope)).toEqual([{ ok: true, value: 6 }]);
  });

  it('runs matches() without blocking this thread: a backtracking pattern is ended at the time limit', async () => {
    const s = sandbox({ timeoutMs: 500, memoryMb: 64 });
    const error = await s.evaluate(['parameters.name.matches("^(a+)+$")'], scope).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/exceeded the time limit of 500 ms/);
  });

  it('holds SpEL to the same time limit: nested selections of 40^5 steps are ended, the next job runs', async () => {
    const s = sandbox({ timeoutMs: 500, memoryMb: 64 });
    const spelList = `{${Array.from({ length: 40 }, (_, i) => i).join(', ')}}`;
    const nested = Array.from({ length: 4 }).reduce<string>((inner) => `${spelList}.?[${inner}.size() > 0]`, `${spelList}.?[true]`);
    const expensive = `${nested}.size()`;
    const error = await s.evaluate([expensive], scope, { language: 'spel' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExpressionLimitError);
    expect((error as Error).message).toBe(`expression "\${${expensive}}" exceeded the time limit of 500 ms (GANTRY_EXPRESSION_TIMEOUT_MS)`);
    expect(await s.evaluate(["#toInt('2') * parameters.count", "parameters['nope'] ?: trigger.user"], scope, { language: 'spel' })).toEqual([
      { ok: true, value: 6 },
      { ok: true, value: 'ana' },
    ]);
  });

  it('asks for a URL a SpEL expression reads instead of reading it, and evaluates with the body once given', async () => {
    const s = sandbox();
    const source = "#jsonFromUrl('https://config.example/app.json')['replicas']";
    expect(await s.evaluate([source], scope, { language: 'spel' })).toEqual([{ ok: false, reason: expect.any(String), needs: 'https://config.example/app.json' }]);
    const documents = { 'https://config.example/app.json': { ok: true as const, body: '{"replicas": 4}' } };
    expect(await s.evaluate([source], scope, { language: 'spel', documents })).toEqual([{ ok: true, value: 4 }]);
  });

  it('ends an expression over the memory limit, naming the limit', async () => {
    const s = sandbox({ timeoutMs: 120_000, memoryMb: 24 });
    const hog = `${list}.map(a, ${list}.map(b, ${list}.map(c, ${list}.map(d, "gantry-" + string(a) + string(b)))))`;
    const error = await s.evaluate([hog], scope).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/exceeded (the memory limit of 24 MB \(GANTRY_EXPRESSION_MEMORY_MB\)|its result is \d+ characters of JSON, over the limit)/);
    expect(await s.evaluate(['1 + 2'], scope)).toEqual([{ ok: true, value: 3 }]);
  });
});
