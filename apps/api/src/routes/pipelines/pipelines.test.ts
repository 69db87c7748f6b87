import { describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { TEST_USER, asUser, injectJson, useTestServer } from '../../testSupport';

const server = useTestServer();

interface ErrorBody {
  error: { code: string; message: string; details: { issues?: { path: (string | number)[]; pathString: string; message: string }[] } };
}

function pipeline(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    application: 'shop',
    name,
    stages: [
      { refId: 'first', type: 'wait', waitTime: 1 },
      { refId: 'second', type: 'wait', waitTime: 2, requisiteStageRefIds: ['first'] },
    ],
    ...overrides,
  };
}

function send(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse> {
  return injectJson(server.app, method, url, body, headers);
}

async function create(name: string): Promise<{ id: string; version: number }> {
  const response = await send('POST', '/api/v1/pipelines', pipeline(name));
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function countStored(): Promise<{ pipelines: number; versions: number }> {
  return {
    pipelines: await server.database.db.prisma.pipeline.count(),
    versions: await server.database.db.prisma.pipelineVersion.count(),
  };
}

function issuePaths(response: LightMyRequestResponse): (string | number)[][] {
  return (response.json<ErrorBody>().error.details.issues ?? []).map((issue) => issue.path);
}

describe('pipeline routes', () => {
  it('creates, reads, updates, lists, shows history and deletes a pipeline', async () => {
    const created = await send('POST', '/api/v1/pipelines', pipeline('lifecycle'), asUser('alice'));
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(Object.keys(body).sort()).toEqual(['application', 'createdAt', 'definition', 'id', 'name', 'updatedAt', 'version']);
    expect(body).toMatchObject({ application: 'shop', name: 'lifecycle', version: 1 });
    expect(body.definition.stages[1]).toMatchObject({ refId: 'second', requisiteStageRefIds: ['first'], name: 'wait' });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    expect((await send('GET', `/api/v1/pipelines/${body.id}`)).json()).toEqual(body);

    const updated = await send('PUT', `/api/v1/pipelines/${body.id}?expectedVersion=1`, pipeline('lifecycle', { description: 'v2' }));
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: body.id, version: 2, definition: { description: 'v2' } });

    const history = await send('GET', `/api/v1/pipelines/${body.id}/versions`);
    expect(history.statusCode).toBe(200);
    expect(history.json().versions.map((v: { version: number; createdBy: string | null }) => [v.version, v.createdBy])).toEqual([
      [2, TEST_USER],
      [1, 'alice'],
    ]);
    const first = await send('GET', `/api/v1/pipelines/${body.id}/versions/1`);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ pipelineId: body.id, version: 1, definition: body.definition });

    await create('lifecycle-other');
    const listed = await send('GET', '/api/v1/pipelines?application=shop');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().pipelines.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['lifecycle', 'lifecycle-other']),
    );
    expect((await send('GET', '/api/v1/pipelines?application=nobody')).json()).toEqual({ pipelines: [] });

    const deleted = await send('DELETE', `/api/v1/pipelines/${body.id}`, undefined, asUser('bob'));
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    for (const url of [`/api/v1/pipelines/${body.id}`, `/api/v1/pipelines/${body.id}/versions`]) {
      const gone = await send('GET', url);
      expect(gone.statusCode).toBe(404);
      expect(gone.json<ErrorBody>().error.code).toBe('NOT_FOUND');
    }
    const audit = await server.database.db.prisma.auditEvent.findMany({ where: { pipelineId: body.id }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => [event.type, event.actor])).toEqual([
      ['PIPELINE_SAVED', 'alice'],
      ['PIPELINE_SAVED', TEST_USER],
      ['PIPELINE_DELETED', 'bob'],
    ]);
  });

  it('answers 409 CONFLICT for a duplicate name, a stale expectedVersion and a taken new name', async () => {
    const original = await create('conflicts');
    const other = await create('conflicts-other');
    const before = await countStored();

    const duplicate = await send('POST', '/api/v1/pipelines', pipeline('conflicts'));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ error: { code: 'CONFLICT', details: { id: original.id } } });

    const stale = await send('PUT', `/api/v1/pipelines/${original.id}?expectedVersion=7`, pipeline('conflicts'));
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'CONFLICT', details: { expectedVersion: 7, currentVersion: 1 } } });

    const taken = await send('PUT', `/api/v1/pipelines/${other.id}`, pipeline('conflicts'));
    expect(taken.statusCode).toBe(409);
    expect(await countStored()).toEqual(before);
  });

  describe('refuses bad input with a 4xx naming the problem, and stores nothing', () => {
    const badBodies: { case: string; body: unknown; status: number; code: string; paths?: (string | number)[][] }[] = [
      { case: 'malformed JSON', body: '{"application": "shop", "name": ', status: 400, code: 'BAD_JSON' },
      { case: 'a __proto__ key', body: '{"application": "shop", "__proto__": {"x": 1}}', status: 400, code: 'BAD_JSON' },
      { case: 'an empty body', body: '', status: 400, code: 'VALIDATION', paths: [[]] },
      { case: 'a JSON array', body: [1, 2], status: 400, code: 'VALIDATION', paths: [[]] },
      {
        case: 'wrong types',
        body: { application: 'Shop!', name: 5, stages: 'none' },
        status: 400,
        code: 'VALIDATION',
        paths: [['application'], ['name'], ['stages']],
      },
      {
        case: 'a wrong stage field type',
        body: pipeline('bad', { stages: [{ refId: 'a', type: 'wait', waitTime: 'soon' }] }),
        status: 400,
        code: 'VALIDATION',
        paths: [['stages', 0, 'waitTime']],
      },
      {
        case: 'an unknown stage type',
        body: pipeline('bad', { stages: [{ refId: 'a', type: 'teleport' }] }),
        status: 400,
        code: 'VALIDATION',
        paths: [['stages', 0, 'type']],
      },
      {
        case: 'a duplicate refId',
        body: pipeline('bad', {
          stages: [
            { refId: 'a', type: 'wait', waitTime: 1 },
            { refId: 'a', type: 'wait', waitTime: 1 },
          ],
        }),
        status: 400,
        code: 'VALIDATION',
        paths: [['stages', 1, 'refId']],
      },
      {
        case: 'an unknown requisite',
        body: pipeline('bad', { stages: [{ refId: 'a', type: 'wait', waitTime: 1, requisiteStageRefIds: ['ghost'] }] }),
        status: 400,
        code: 'VALIDATION',
        paths: [['stages', 0, 'requisiteStageRefIds', 0]],
      },
      {
        case: 'a cycle',
        body: pipeline('bad', {
          stages: [
            { refId: 'a', type: 'wait', waitTime: 1, requisiteStageRefIds: ['b'] },
            { refId: 'b', type: 'wait', waitTime: 1, requisiteStageRefIds: ['a'] },
          ],
        }),
        status: 400,
        code: 'VALIDATION',
        paths: [['stages', 0, 'requisiteStageRefIds']],
      },
    ];

    for (const bad of badBodies) {
      it(`POST and PUT with ${bad.case}`, async () => {
        const existing = await create(`target-${bad.case.replaceAll(/[^a-z]/g, '')}`);
        const before = await countStored();
        for (const [method, url] of [
          ['POST', '/api/v1/pipelines'],
          ['PUT', `/api/v1/pipelines/${existing.id}`],
        ] as const) {
          const response = await send(method, url, bad.body);
          expect(response.statusCode, `${method} ${response.body}`).toBe(bad.status);
          const error = response.json<ErrorBody>().error;
          expect(error.code).toBe(bad.code);
          expect(error.message.length).toBeGreaterThan(0);
          if (bad.paths) {
            expect(issuePaths(response)).toEqual(expect.arrayContaining(bad.paths));
            // The message names the first offending field so a log line alone is actionable.
            const first = bad.paths[0] ?? [];
            if (first.length > 0) expect(error.message).toContain(first.join('.'));
          }
        }
        expect(await countStored()).toEqual(before);
        expect((await send('GET', `/api/v1/pipelines/${existing.id}`)).json().version).toBe(1);
      });
    }

    it('reports every problem of a document at once, with array and dotted paths', async () => {
      const response = await send(
        'POST',
        '/api/v1/pipelines',
        pipeline('many', {
          stages: [
            { refId: 'a', type: 'wait', waitTime: 'soon' },
            { refId: 'a', type: 'teleport', requisiteStageRefIds: ['ghost'] },
          ],
        }),
      );
      expect(response.statusCode).toBe(400);
      const issues = response.json<ErrorBody>().error.details.issues ?? [];
      expect(issues.map((issue) => issue.pathString)).toEqual(
        expect.arrayContaining(['stages.0.waitTime', 'stages.1.type', 'stages.1.refId', 'stages.1.requisiteStageRefIds.0']),
      );
      expect(issues.every((issue) => issue.pathString === issue.path.join('.') && issue.message.length > 0)).toBe(true);
    });

    it('413 PAYLOAD_TOO_LARGE for a body over the default 1 MiB', async () => {
      const before = await countStored();
      const huge = pipeline('huge', { description: 'x'.repeat(1024 * 1024) });
      const response = await send('POST', '/api/v1/pipelines', huge);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: 1024 * 1024 } } });
      expect(await countStored()).toEqual(before);
    });

    it('415 for a body that is not JSON', async () => {
      const before = await countStored();
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/pipelines',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(pipeline('plain')),
      });
      expect(response.statusCode).toBe(415);
      expect(response.json<ErrorBody>().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(await countStored()).toEqual(before);
    });

    it('404 NOT_FOUND for an unknown id on every pipeline route', async () => {
      const id = '6f1c1a52-3a55-4c1e-9d1e-1a2b3c4d5e6f';
      for (const [method, url, body] of [
        ['GET', `/api/v1/pipelines/${id}`, undefined],
        ['PUT', `/api/v1/pipelines/${id}`, pipeline('nobody')],
        ['DELETE', `/api/v1/pipelines/${id}`, undefined],
        ['GET', `/api/v1/pipelines/${id}/versions`, undefined],
        ['GET', `/api/v1/pipelines/${id}/versions/1`, undefined],
      ] as const) {
        const response = await send(method, url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json<ErrorBody>().error.code).toBe('NOT_FOUND');
      }
      const existing = await create('versionless');
      const noVersion = await send('GET', `/api/v1/pipelines/${existing.id}/versions/9`);
      expect(noVersion.statusCode).toBe(404);
    });

    it('400 VALIDATION naming the parameter for a malformed id, version or expectedVersion (never a 500)', async () => {
      const existing = await create('malformed-params');
      const before = await countStored();
      for (const [method, url, body, path] of [
        ['GET', '/api/v1/pipelines/not-a-uuid', undefined, ['id']],
        ['GET', "/api/v1/pipelines/1'%20OR%20'1'='1", undefined, ['id']],
        ['PUT', '/api/v1/pipelines/123', pipeline('malformed-params'), ['id']],
        ['DELETE', '/api/v1/pipelines/zzz', undefined, ['id']],
        ['GET', '/api/v1/pipelines/not-a-uuid/versions', undefined, ['id']],
        ['GET', `/api/v1/pipelines/${existing.id}/versions/latest`, undefined, ['version']],
        ['GET', `/api/v1/pipelines/${existing.id}/versions/0`, undefined, ['version']],
        ['PUT', `/api/v1/pipelines/${existing.id}?expectedVersion=abc`, pipeline('malformed-params'), ['expectedVersion']],
      ] as const) {
        const response = await send(method, url, body);
        expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(400);
        expect(response.json<ErrorBody>().error.code).toBe('VALIDATION');
        expect(issuePaths(response)).toEqual([path]);
      }
      expect(await countStored()).toEqual(before);
    });
  });

  it("honours Spinnaker's lock: saves keep it unless allowUnlockUi, and a locked pipeline is not deleted (409 naming locked)", async () => {
    const lock = { ui: true, allowUnlockUi: false, description: 'managed by dinghy' };
    const created = await send('POST', '/api/v1/pipelines', pipeline('locked', { locked: lock }));
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    // A pipeline-as-code tool saves the whole definition, lock included: allowed.
    expect((await send('PUT', `/api/v1/pipelines/${id}`, pipeline('locked', { locked: lock, description: 'v2' }))).statusCode).toBe(200);
    const unlocking = await send('PUT', `/api/v1/pipelines/${id}`, pipeline('locked'));
    expect(unlocking.statusCode).toBe(409);
    expect(unlocking.json<ErrorBody>().error.message).toMatch(/^the pipeline is locked \(managed by dinghy\) and its lock does not allow unlocking/);
    const deleting = await send('DELETE', `/api/v1/pipelines/${id}`);
    expect(deleting.statusCode).toBe(409);
    expect(deleting.json<ErrorBody>().error.message).toMatch(/unlock it .* before deleting it/);
    // A lock that allows unlocking: unlock, then delete.
    expect((await send('PUT', `/api/v1/pipelines/${id}`, pipeline('locked', { locked: { ...lock, allowUnlockUi: true } }))).statusCode).toBe(200);
    expect((await send('PUT', `/api/v1/pipelines/${id}`, pipeline('locked'))).statusCode).toBe(200);
    expect((await send('DELETE', `/api/v1/pipelines/${id}`)).statusCode).toBe(204);
  });

  it('saves a pipeline whose accounts, Jenkins master and job, and downstream pipeline do not exist yet (checked when the stage runs)', async () => {
    const response = await send('POST', '/api/v1/pipelines', {
      application: 'shop',
      name: 'names things to come',
      triggers: [{ type: 'jenkins', master: 'jenkins-not-configured-yet', job: 'build/shop', enabled: true }],
      stages: [
        { refId: 'bake', type: 'bake', account: 'aws-not-yet', package: 'shop', version: '1' },
        {
          refId: 'deploy',
          type: 'deploy',
          requisiteStageRefIds: ['bake'],
          cluster: { account: 'aws-not-yet', region: 'us-east-1', application: 'shop', strategy: 'redblack', capacity: { min: 1, max: 1, desired: 1 } },
        },
        { refId: 'next', type: 'pipeline', requisiteStageRefIds: ['deploy'], application: 'billing', pipeline: 'a-pipeline-not-saved-yet' },
        {
          refId: 'check',
          type: 'checkPreconditions',
          requisiteStageRefIds: ['deploy'],
          preconditions: [{ type: 'clusterSize', context: { credentials: 'k8s-not-yet', cluster: 'shop', expected: 1 } }],
        },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
  });

  describe('POST /pipelines/validate', () => {
    it('reports what loads, what is ignored and what is unsupported, with paths, and stores nothing', async () => {
      const before = await countStored();
      const response = await send('POST', '/api/v1/pipelines/validate', {
        application: 'Shop',
        name: 'pasted from Spinnaker',
        lastModifiedBy: 'someone@example.com',
        parameterConfig: [{ name: 'tag', default: 'latest' }],
        stages: [
          { type: 'wait', waitTime: 30 },
          { type: 'metricSetMixer', account: 'k8s' },
        ],
      });
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json<{ accepted: boolean; loads: { pathString: string }[]; ignored: { pathString: string }[]; unsupported: { pathString: string; message: string }[] }>();
      expect(report.accepted).toBe(false);
      expect(report.loads.map((finding) => finding.pathString)).toEqual(['parameterConfig', 'stages.0']);
      expect(report.ignored.map((finding) => finding.pathString)).toEqual(['lastModifiedBy']);
      expect(report.unsupported).toEqual([expect.objectContaining({ pathString: 'stages.1.type', message: expect.stringMatching(/unknown stage type "metricSetMixer"/) })]);
      expect(await countStored()).toEqual(before);
    });

    it('400 naming application when the document has none (the permission check needs it)', async () => {
      const response = await send('POST', '/api/v1/pipelines/validate', { name: 'x', stages: [] });
      expect(response.statusCode).toBe(400);
      expect(issuePaths(response)).toEqual([['application']]);
    });
  });
});
