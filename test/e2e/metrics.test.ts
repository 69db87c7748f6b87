import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGantry, type TestGantry } from '../support/gantryHarness';
import { BOUNDED_LABELS } from '../support/metricLabels';
import { parseMetrics, valueOf, type Sample } from '../support/metricsText';

/**
 * Issue 22: /metrics after a known set of executions shows their counts, and no series of
 * Gantry's has a label outside the bounded ones or a value naming an execution.
 */
describe('/metrics after a known set of executions', () => {
  let gantry: TestGantry;
  beforeAll(async () => {
    gantry = await startTestGantry();
  });
  afterAll(() => gantry?.stop());

  /** The API's /metrics (the harness's inject carries an admin token): the worker runs in this process, so its series are there. */
  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const response = await gantry.api.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return { text: response.body, samples: parseMetrics(response.body) };
  }

  it('counts started and finished executions by application, pipeline and status, stage durations by type, and names no execution', async () => {
    const before = (await scrape()).samples;
    const ok = await gantry.savePipeline({ application: 'metered', name: 'ok', limitConcurrent: false, stages: [{ refId: 'vars', type: 'evaluateVariables', variables: [{ key: 'x', value: '1' }] }] });
    const bad = await gantry.savePipeline({
      application: 'metered',
      name: 'bad',
      stages: [{ refId: 'vars', type: 'evaluateVariables', variables: [{ key: 'x', value: '${stages.nope.outputs.y}' }] }],
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await gantry.trigger(ok));
    ids.push(await gantry.trigger(bad));
    const finished = await Promise.all(ids.map((id) => gantry.waitFor(id)));
    expect(finished.map((execution) => execution.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'TERMINAL']);

    const { text, samples } = await scrape();
    const delta = (name: string, labels: Record<string, string>) => valueOf(samples, name, labels) - valueOf(before, name, labels);
    expect(delta('gantry_executions_started_total', { application: 'metered', pipeline: 'ok' })).toBe(3);
    expect(delta('gantry_executions_started_total', { application: 'metered', pipeline: 'bad' })).toBe(1);
    expect(delta('gantry_executions_finished_total', { application: 'metered', pipeline: 'ok', status: 'SUCCEEDED' })).toBe(3);
    expect(delta('gantry_executions_finished_total', { application: 'metered', pipeline: 'bad', status: 'TERMINAL' })).toBe(1);
    expect(delta('gantry_executions_finished_total', { application: 'metered', pipeline: 'ok', status: 'TERMINAL' })).toBe(0);
    expect(delta('gantry_stage_duration_seconds_count', { type: 'evaluateVariables', status: 'SUCCEEDED' })).toBe(3);
    expect(delta('gantry_engine_messages_total', { type: 'StartExecution', outcome: 'ok' })).toBeGreaterThanOrEqual(4);
    expect(delta('gantry_queue_message_lag_seconds_count', {})).toBeGreaterThan(0);

    // Bounded labels only, and no execution, stage or task id anywhere in the exposition.
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)).filter((label) => label !== 'le'));
    expect([...labelNames].filter((label) => BOUNDED_LABELS[label] === undefined)).toEqual([]);
    const stageAndTaskIds = finished.flatMap((execution) => execution.stages.flatMap((stage) => [stage.id, ...stage.tasks.map((task) => task.id)]));
    for (const id of [...ids, ...stageAndTaskIds]) expect(text).not.toContain(id);
  });
});
