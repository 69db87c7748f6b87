import { describe, expect, it } from 'vitest';
import { ValidationError, type ValidationIssue } from '../errors';
import { parsePipelineDefinition } from '../pipeline';

const pipelineWith = (triggers: unknown[], extra: Record<string, unknown> = {}) => ({
  application: 'checkout',
  name: 'p',
  stages: [{ refId: 'a', type: 'wait', waitTime: 1 }],
  triggers,
  ...extra,
});

function issuesOf(input: unknown): ValidationIssue[] {
  try {
    parsePipelineDefinition(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('trigger definitions', () => {
  it('stores every kind as given, keeping unknown keys and adding only enabled', () => {
    const triggers = [
      { type: 'manual' },
      { type: 'jenkins', master: 'ci', job: 'team/build', propertyFile: 'build.properties', statuses: ['SUCCESS', 'UNSTABLE'], note: 'x' },
      {
        type: 'webhook',
        source: 'github',
        payloadConstraints: { ref: 'refs/heads/main', 'repository.full_name': { regex: '^acme/' }, fork: false },
        secret: { ref: 'github' },
      },
      { type: 'cron', expression: '0 */15 * * * *', timezone: 'Europe/Paris', enabled: false },
      { type: 'cron', cronExpression: '0 0/15 * * * ?' },
      { type: 'pipeline', application: 'checkout', pipeline: 'build', status: ['succeeded', 'failed'] },
    ];
    const parsed = parsePipelineDefinition(pipelineWith(triggers, { disabled: true }));
    expect(parsed.triggers).toEqual(triggers.map((trigger) => ({ enabled: true, ...trigger })));
    expect(parsed.disabled).toBe(true);
  });

  it('names the path of an unknown type, an invalid cron expression or timezone, and a bad regex', () => {
    expect(
      issuesOf(
        pipelineWith([
          { type: 'travis', source: 'x' },
          { type: 'cron', expression: '61 * * * *' },
          { type: 'cron', expression: '* * *' },
          { type: 'cron', expression: '0 * * * *', timezone: 'Mars/Olympus' },
          { type: 'webhook', source: 'github', payloadConstraints: { ref: { regex: '(unclosed' } } },
          { type: 'cron' },
        ]),
      ),
    ).toEqual([
      { path: ['triggers', 0, 'type'], message: expect.stringMatching(/^unknown trigger type "travis" \(known types: manual, jenkins, webhook, cron, pipeline, git, docker, pubsub\)$/) },
      { path: ['triggers', 1, 'expression'], message: expect.stringMatching(/61/) },
      { path: ['triggers', 2, 'expression'], message: expect.stringMatching(/expected 5 fields .* got 3/) },
      { path: ['triggers', 3, 'timezone'], message: expect.stringMatching(/unknown timezone "Mars\/Olympus"/) },
      { path: ['triggers', 4, 'payloadConstraints', 'ref', 'regex'], message: expect.stringMatching(/^invalid regex/) },
      { path: ['triggers', 5, 'expression'], message: 'a cron trigger needs an expression' },
    ]);
  });

  it("checks each kind's fields", () => {
    expect(
      issuesOf(
        pipelineWith([
          { type: 'jenkins', master: 'ci' },
          { type: 'jenkins', master: 'ci', job: 'b', statuses: ['GREEN'] },
          { type: 'webhook', source: 'jenkins' },
          { type: 'webhook', source: 'gh', secret: { ref: 'has space' } },
          { type: 'pipeline', application: 'Bad-App', pipeline: 'x', status: ['done'] },
          { type: 'manual', enabled: 'yes' },
          { type: 'webhook', source: 'gh', secret: { ref: 'gh', value: 'hunter2' } },
        ]),
      ).map((issue) => issue.path.join('.')),
    ).toEqual([
      'triggers.0.job',
      'triggers.1.statuses.0',
      'triggers.2.source',
      'triggers.3.secret.ref',
      'triggers.4.application',
      'triggers.4.status.0',
      'triggers.5.enabled',
      'triggers.6.secret',
    ]);
  });
});
