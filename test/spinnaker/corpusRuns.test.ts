import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionDetail } from '../../packages/store/src';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { corpus } from './corpus';

/**
 * Issue 16's acceptance: every corpus pipeline Gantry accepts whose stages are all engine stages
 * (no cloud, no outside system) runs to its end through the API and a real worker, as a user would
 * drive it: waits skipped through the API, judgments answered, started without parameters so that
 * its `parameterConfig` defaults apply. The end each one must reach is SUCCEEDED unless listed in
 * EXPECTED_END with the reason.
 */

/** The stage types the engine runs on its own. */
const ENGINE_STAGES = new Set(['wait', 'manualJudgment', 'checkPreconditions', 'evaluateVariables']);
/** Documents whose expected end is not SUCCEEDED, with why (none so far). */
const EXPECTED_END: Readonly<Record<string, string>> = {};

let gantry: TestGantry;

beforeAll(async () => {
  gantry = await startTestGantry();
});

afterAll(async () => {
  await gantry?.stop();
});

const FINISHED = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED']);

/** Skips every running wait and answers every running judgment (its first input, else none), until the execution ends. */
async function driveToEnd(executionId: string): Promise<ExecutionDetail> {
  for (;;) {
    const execution = await gantry.waitFor(executionId, (e) => FINISHED.has(e.status) || e.stages.some((stage) => stage.status === 'RUNNING' && (stage.type === 'wait' || stage.type === 'manualJudgment')));
    if (FINISHED.has(execution.status)) return execution;
    for (const stage of execution.stages.filter((candidate) => candidate.status === 'RUNNING')) {
      if (stage.type === 'wait') {
        const skipped = await gantry.request('POST', `/api/v1/executions/${executionId}/stages/${stage.refId}/skip`, {});
        expect([200, 202, 204, 409]).toContain(skipped.status);
      } else if (stage.type === 'manualJudgment') {
        const inputs = (stage.context as { judgmentInputs?: unknown }).judgmentInputs;
        const first = Array.isArray(inputs) ? (inputs[0] as unknown) : undefined;
        const value = typeof first === 'string' ? first : typeof first === 'object' && first !== null ? (first as { value?: unknown }).value : undefined;
        const answered = await gantry.request('POST', `/api/v1/executions/${executionId}/stages/${stage.id}/judgment`, {
          judgmentStatus: 'continue',
          ...(typeof value === 'string' ? { judgmentInput: value } : {}),
        });
        expect([200, 202, 204, 409]).toContain(answered.status);
      }
    }
    // Let the worker take the skip or the judgment before looking again (a repeated skip or judgment is refused harmlessly).
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the Spinnaker corpus, run', () => {
  it('runs every accepted engine-only pipeline to its expected end, with its parameterConfig defaults applied', async () => {
    const runnable = corpus().filter((document) => {
      const stages = Array.isArray(document.body.stages) ? (document.body.stages as { type?: unknown }[]) : [];
      return stages.every((stage) => typeof stage.type === 'string' && ENGINE_STAGES.has(stage.type));
    });
    const outcomes: string[] = [];
    let ran = 0;
    for (const document of runnable) {
      const saved = await gantry.request<{ id: string }>('POST', '/api/v1/pipelines', document.body);
      if (saved.status !== 201) continue; // refused: corpus.test.ts holds refusals to the documented list
      ran += 1;
      const started = await gantry.request<{ id: string }>('POST', `/api/v1/pipelines/${saved.body.id}/executions`, {});
      expect(started.status, `${document.id} starts with no parameters given: ${JSON.stringify(started.body)}`).toBe(202);
      const execution = await driveToEnd(started.body.id);
      outcomes.push(`${document.id}: ${execution.status}`);
      expect(execution.status, `${document.id} ${JSON.stringify(execution.stages.map((stage) => [stage.refId, stage.status, stage.error]))}`).toBe(EXPECTED_END[document.id] === undefined ? 'SUCCEEDED' : 'TERMINAL');

      const declared = Array.isArray(document.body.parameterConfig) ? (document.body.parameterConfig as { name: string; default?: unknown }[]) : [];
      for (const parameter of declared.filter((candidate) => candidate.default !== undefined && candidate.default !== null)) {
        expect(execution.parameters[parameter.name], `${document.id}: parameter ${parameter.name} takes its default`).toEqual(parameter.default);
      }
      // Documents share applications and names: each is run alone.
      expect((await gantry.request('DELETE', `/api/v1/pipelines/${saved.body.id}`)).status).toBe(204);
    }
    console.log(`Spinnaker corpus runs: ${ran} engine-only pipelines\n${outcomes.join('\n')}`);
    expect(ran).toBeGreaterThanOrEqual(15);
  });
});
