import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';

/**
 * A pipeline written for Spinnaker runs with Spinnaker's expression language: the language is
 * detected when it is saved (here from `spelEvaluator`, a field only Spinnaker writes), helper
 * functions and orca's evaluation context work at stage start, and a URL read goes through the
 * webhook SSRF guard.
 */
describe('SpEL pipelines in the engine', () => {
  let gantry: TestGantry;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    gantry = await startTestGantry({ backend: QUEUE_BACKENDS[0] ?? 'redis' });
    server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ path: request.url, replicas: 3 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gantry?.stop();
    await new Promise((resolve) => server?.close(resolve));
  });

  const spinnakerPipeline = (stages: unknown[]) => ({
    application: 'checkout',
    name: `spel-${Math.random().toString(36).slice(2, 10)}`,
    spelEvaluator: 'v4',
    limitConcurrent: false,
    parameters: [{ name: 'n', default: '1' }],
    stages,
  });

  it('runs evaluateVariables → wait → evaluateVariables with helper functions, chained variables, upstream outputs by name and a guarded URL read', async () => {
    const id = await gantry.savePipeline(
      withUrl(
        spinnakerPipeline([
          {
            refId: '1',
            name: 'Set Vars',
            type: 'evaluateVariables',
            variables: [
              { key: 'new_var', value: '${#toInt(parameters.n) * 2}' },
              { key: 'image', value: "${trigger['tag'] ?: 'latest'}" },
              { key: 'replicas', value: "${#jsonFromUrl('BASE/config.json')['replicas']}" },
              // Variables are evaluated in order, each seeing the ones before it (orca's EvaluateVariablesStage).
              { key: 'chained', value: "${image + '-' + new_var + '-' + replicas}" },
            ],
          },
          { refId: '2', name: 'Wait it out', type: 'wait', requisiteStageRefIds: ['1'], waitTime: '${new_var}' },
          {
            refId: '3',
            name: 'Summary',
            type: 'evaluateVariables',
            requisiteStageRefIds: ['2'],
            stageEnabled: { type: 'expression', expression: "#stageExists('Wait it out') and parameters.n matches '\\d+'" },
            variables: [
              { key: 'tagged', value: "${#stage('Set Vars').outputs.image + ':' + new_var}" },
              { key: 'waits', value: "${execution.stages.?[type == 'wait'].size()}" },
              { key: 'waited', value: "${#stage('Wait it out').context.waitTime}" },
              { key: 'succeeded', value: "${#stage('Wait it out').hasSucceeded}" },
              { key: 'me', value: '${#currentStage().name}' },
              { key: 'stamp', value: '${new java.text.SimpleDateFormat("yyyyMMdd").format(new java.util.Date())}' },
              { key: 'self', value: '${#pipelineId(execution.name)}' },
              { key: 'selfByApplication', value: "${#pipelineIdInApplication(execution.name, 'checkout')}" },
            ],
          },
          {
            refId: '4',
            name: 'Check',
            type: 'checkPreconditions',
            requisiteStageRefIds: ['3'],
            // Bare, as Spinnaker pipelines often write it: orca evaluates it as ${…}.
            preconditions: [{ type: 'expression', context: { expression: "#stage('Summary').outputs.tagged == 'latest:2'" } }],
          },
        ]),
        base,
      ),
    );
    const saved = await gantry.request<{ definition: { expressionLanguage: string } }>('GET', `/api/v1/pipelines/${id}`);
    expect(saved.body.definition.expressionLanguage).toBe('spel');

    const execution = await gantry.waitFor(await gantry.trigger(id, { n: '1' }));
    expect(execution.status).toBe('SUCCEEDED');
    expect(stageOf(execution, '1').outputs).toMatchObject({ new_var: 2, image: 'latest', replicas: 3, chained: 'latest-2-3' });
    expect(stageOf(execution, '2').context).toMatchObject({ waitTime: 2 });
    expect(stageOf(execution, '3').outputs).toEqual({ tagged: 'latest:2', waits: 1, waited: 2, succeeded: true, me: 'Summary', stamp: expect.stringMatching(/^20\d{6}$/), self: id, selfByApplication: id });
    expect(stageOf(execution, '4').status).toBe('SUCCEEDED');
  });

  it('fails a stage whose helper finds nothing, or whose URL the SSRF guard refuses, naming the expression', async () => {
    const id = await gantry.savePipeline(
      spinnakerPipeline([
        {
          refId: '1',
          name: 'Missing',
          type: 'evaluateVariables',
          failPipeline: false,
          continuePipeline: true,
          variables: [{ key: 'x', value: "${#stage('Nope').outputs.x}" }],
        },
        {
          refId: '2',
          name: 'Metadata',
          type: 'evaluateVariables',
          requisiteStageRefIds: ['1'],
          variables: [{ key: 'y', value: "${#fromUrl('http://169.254.169.254/latest/meta-data/')}" }],
        },
      ]),
    );
    const execution = await gantry.waitFor(await gantry.trigger(id));
    expect(execution.status).toBe('TERMINAL');
    expect(String(stageOf(execution, '1').error?.message)).toMatch(/expression "\$\{#stage\('Nope'\)\.outputs\.x\}" failed: no stage named "Nope"/);
    expect(String(stageOf(execution, '2').error?.message)).toMatch(/could not read http:\/\/169\.254\.169\.254\/latest\/meta-data\/: refused: 169\.254\.169\.254 is a link-local\/metadata address/);
  });

  it('refuses at save time a SpEL expression that can never run, naming the field', async () => {
    const response = await gantry.request<{ error: { details?: { issues?: { path: unknown[]; message: string }[] } } }>(
      'POST',
      '/api/v1/pipelines',
      spinnakerPipeline([{ refId: '1', type: 'wait', waitTime: "${T(java.lang.Runtime).getRuntime().exec('id')}" }]),
    );
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/stages\.0\.waitTime|"stages",0,"waitTime"/);
    expect(JSON.stringify(response.body)).toContain('T(java.lang.Runtime) is not allowed in pipeline expressions');
  });
});

/** The pipeline with its URL placeholder pointed at this test's server. */
function withUrl<T>(pipeline: T, base: string): T {
  return JSON.parse(JSON.stringify(pipeline).replaceAll('BASE', base)) as T;
}
