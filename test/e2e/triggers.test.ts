import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../apps/api/src';
import { TEST_USER, asUser, storeTestToken, testAuth } from '../../apps/api/src/testSupport';
import type { ExecutionDetail } from '../../packages/store/src';
import { waitUntil } from '../support/eventually';
import { apiStores, stageOf, startTestGantry, type TestGantry } from '../support/gantryHarness';
import { QUEUE_BACKENDS } from '../support/queueBackends';

// Resolved by ref "github-test" (GANTRY_SECRET_<REF>); the YAML-style map holds "builds-key".
const GITHUB_SECRET = 'It’s a Secret to Everybody';
const YAML_SECRET = 'from-the-config-file';
process.env.GANTRY_SECRET_GITHUB_TEST = GITHUB_SECRET;

/** What the Jenkins Notification plugin (1.17, JSON format, HTTP) posts when a build of a job in a folder completes. */
const jenkinsNotification = (build: Record<string, unknown> = {}) => ({
  name: 'checkout-build',
  display_name: 'checkout-build',
  url: 'job/checkout/job/checkout-build/',
  build: {
    full_url: 'https://jenkins.example.com/job/checkout/job/checkout-build/118/',
    number: 118,
    queue_id: 5321,
    timestamp: 1764080000000,
    duration: 84215,
    phase: 'COMPLETED',
    status: 'SUCCESS',
    url: 'job/checkout/job/checkout-build/118/',
    scm: {
      url: 'https://github.com/acme/checkout.git',
      branch: 'origin/main',
      commit: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
      changes: ['src/main/java/com/acme/Checkout.java'],
      culprits: ['ana'],
    },
    log: 'Started by GitHub push by ana\n[Pipeline] Start of Pipeline\nBUILD SUCCESS\n',
    notes: '',
    parameters: { VERSION: '2.7.0', SKIP_TESTS: 'false' },
    artifacts: {
      'target/checkout-2.7.0.jar': {
        archive: 'https://jenkins.example.com/job/checkout/job/checkout-build/118/artifact/target/checkout-2.7.0.jar',
      },
      'build.properties': { archive: 'https://jenkins.example.com/job/checkout/job/checkout-build/118/artifact/build.properties' },
    },
    ...build,
  },
});

const sign = (body: string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

interface Answer {
  executions: { id: string; pipelineId: string; pipelineName: string; duplicate: boolean }[];
  duplicate: boolean;
  deliveryId: string | null;
  decisions?: { pipelineId: string; pipelineName: string; outcome: string; reason?: string }[];
}

describe.each(QUEUE_BACKENDS)('triggers on the %s queue backend, over HTTP', (backend) => {
  let gantry: TestGantry;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    gantry = await startTestGantry({ backend });
    const pool = gantry.database.db.pool;
    // The harness's API has no trigger endpoints (they need the pool and secrets): this one does, and listens.
    const auth = testAuth(gantry.database);
    await storeTestToken(auth.store);
    await storeTestToken(auth.store, 'lee');
    await storeTestToken(auth.store, 'ana');
    app = buildServer({
      auth,
      ...apiStores(gantry.database, gantry.bus),
      readiness: async () => [],
      logger: false,
      // Open to unsigned senders (the matching is under test here); sender authentication is in
      // apps/api/src/auth/routeTable.test.ts and webhookSenders.test.ts.
      triggers: { pool, secrets: { 'builds-key': YAML_SECRET }, openSources: ['*'] },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await gantry?.stop();
  });

  async function http<T>(method: string, path: string, body?: string | object, headers: Record<string, string> = {}) {
    const text = typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body);
    const response = await fetch(`${base}${path}`, {
      method,
      // An admin's token unless the test sends another (webhook senders prove themselves otherwise).
      headers: { ...(path.startsWith('/api/v1/webhooks/') ? {} : asUser()), ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: text,
    });
    const raw = await response.text();
    return { status: response.status, body: (raw === '' ? undefined : JSON.parse(raw)) as T };
  }

  async function savePipeline(definition: Record<string, unknown>): Promise<string> {
    const response = await http<{ id: string }>('POST', '/api/v1/pipelines', { application: 'checkout', limitConcurrent: false, ...definition });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id;
  }

  async function executionsOf(pipelineId: string): Promise<ExecutionDetail[]> {
    const listed = await http<{ executions: { id: string }[] }>('GET', `/api/v1/executions?pipelineId=${pipelineId}`);
    return Promise.all(listed.body.executions.map((execution) => gantry.waitFor(execution.id, () => true)));
  }

  async function auditOf(pipelineId: string) {
    const { rows } = await gantry.database.db.pool.query<{ type: string; execution_id: string | null; data: { reason?: string; trigger: string } }>(
      'SELECT type, execution_id, data FROM audit_events WHERE pipeline_id = $1 AND type LIKE $2 ORDER BY id',
      [pipelineId, 'TRIGGER_%'],
    );
    return rows;
  }

  const quickStages = [{ refId: 'note', type: 'evaluateVariables', variables: [{ key: 'ok', value: true }] }];

  describe('Jenkins notifications', () => {
    it('start exactly the matching pipeline once per build, with buildInfo and declared parameters', async () => {
      const master = uniqueName('ci');
      const deploy = await savePipeline({
        name: uniqueName('deploy'),
        parameters: [{ name: 'VERSION', required: true }, { name: 'REGION', default: 'eu-west-1' }],
        triggers: [{ type: 'jenkins', master, job: 'checkout/checkout-build', propertyFile: 'build.properties' }],
        stages: [
          {
            refId: 'read',
            type: 'evaluateVariables',
            variables: [
              { key: 'build', value: '${trigger.buildInfo.number}' },
              { key: 'commit', value: '${trigger.buildInfo.scm.commit}' },
              { key: 'artifact', value: '${trigger.buildInfo.artifacts[0].fileName}' },
              { key: 'release', value: '${parameters.VERSION} in ${parameters.REGION}' },
            ],
          },
        ],
      });
      const otherJob = await savePipeline({ name: uniqueName('other-job'), triggers: [{ type: 'jenkins', master, job: 'checkout/lint' }], stages: quickStages });
      const otherMaster = await savePipeline({
        name: uniqueName('other-master'),
        triggers: [{ type: 'jenkins', master: `${master}-2`, job: 'checkout/checkout-build' }],
        stages: quickStages,
      });
      const onFailure = await savePipeline({
        name: uniqueName('on-failure'),
        triggers: [{ type: 'jenkins', master, job: 'checkout/job/checkout-build', statuses: ['FAILURE'], enabled: false }],
        stages: quickStages,
      });
      const post = (notification: object, query = '') =>
        http<Answer>('POST', `/api/v1/webhooks/jenkins${query}`, notification, { 'x-jenkins-master': master });

      const started = await post(jenkinsNotification({ phase: 'STARTED', status: undefined }));
      expect(started).toMatchObject({ status: 200, body: { executions: [] } });
      const failed = await post(jenkinsNotification({ number: 117, status: 'FAILURE' }), '?explain=true');
      expect(failed.status).toBe(200);
      expect(failed.body.executions).toEqual([]);
      expect(failed.body.decisions?.find((d) => d.pipelineId === deploy)?.reason).toBe('trigger 0: build #117 ended FAILURE, not SUCCESS');
      expect(failed.body.decisions?.find((d) => d.pipelineId === onFailure)?.reason).toBe('trigger 0 is disabled');

      const completed = await post(jenkinsNotification());
      expect(completed.status).toBe(202);
      expect(completed.body.executions).toEqual([
        { id: expect.any(String), pipelineId: deploy, pipelineName: expect.stringMatching(/^deploy-/), application: 'checkout', duplicate: false },
      ]);
      const executionId = completed.body.executions[0]!.id;
      const execution = await gantry.waitFor(executionId);
      expect(execution.status).toBe('SUCCEEDED');
      expect(stageOf(execution, 'read').outputs).toMatchObject({
        build: 118,
        commit: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
        artifact: 'checkout-2.7.0.jar',
        release: '2.7.0 in eu-west-1',
      });
      expect(execution.parameters).toEqual({ VERSION: '2.7.0', REGION: 'eu-west-1' });
      expect(execution.trigger).toMatchObject({
        type: 'jenkins',
        master,
        job: 'checkout/checkout-build',
        user: `jenkins:${master}`,
        propertyFile: 'build.properties',
        buildInfo: {
          name: 'checkout/checkout-build',
          number: 118,
          url: 'https://jenkins.example.com/job/checkout/job/checkout-build/118/',
          result: 'SUCCESS',
          scm: { url: 'https://github.com/acme/checkout.git', branch: 'origin/main', commit: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39' },
        },
      });

      // The plugin posts the same build again (a retry, or FINALIZED after COMPLETED): nothing new.
      const again = await http<Answer>('POST', `/api/v1/webhooks/jenkins?master=${master}`, jenkinsNotification());
      expect(again.status).toBe(200);
      expect(again.body.executions).toEqual([expect.objectContaining({ id: executionId, duplicate: true })]);
      expect((await post(jenkinsNotification({ phase: 'FINALIZED' }))).body.executions).toEqual([]);

      expect((await executionsOf(deploy)).map((e) => e.id)).toEqual([executionId]);
      for (const untouched of [otherJob, otherMaster, onFailure]) expect(await executionsOf(untouched)).toEqual([]);
      const decisions = await auditOf(deploy);
      expect(decisions.map((event) => event.type)).toEqual(['TRIGGER_SKIPPED', 'TRIGGER_SKIPPED', 'TRIGGER_STARTED', 'TRIGGER_DUPLICATE', 'TRIGGER_SKIPPED']);
      expect(decisions[2]).toMatchObject({ execution_id: executionId, data: { trigger: 'jenkins' } });
      expect(decisions[0]!.data.reason).toMatch(/phase STARTED/);
    });

    it('refuses a notification without a master or a build, and records a build missing required parameters as a near miss', async () => {
      const master = uniqueName('ci');
      const pipelineId = await savePipeline({
        name: uniqueName('needs-param'),
        parameters: [{ name: 'TARGET', required: true }],
        triggers: [{ type: 'jenkins', master, job: 'checkout/checkout-build' }],
        stages: quickStages,
      });
      expect((await http('POST', '/api/v1/webhooks/jenkins', jenkinsNotification())).status).toBe(400);
      const noBuild = await http<{ error: { details: { issues: { path: unknown[] }[] } } }>(
        'POST',
        `/api/v1/webhooks/jenkins?master=${master}`,
        { name: 'x' },
      );
      expect(noBuild.status).toBe(400);
      expect(noBuild.body.error.details.issues[0]!.path).toEqual(['build']);
      const answer = await http<Answer>('POST', `/api/v1/webhooks/jenkins?master=${master}&explain=true`, jenkinsNotification());
      expect(answer.status).toBe(200);
      expect(answer.body.decisions).toEqual([
        expect.objectContaining({ pipelineId, outcome: 'skipped', reason: expect.stringMatching(/parameter "TARGET" is required/) }),
      ]);
      expect((await auditOf(pipelineId)).map((event) => event.type)).toEqual(['TRIGGER_SKIPPED']);
    });
  });

  describe('signed generic webhooks', () => {
    it('start only with a valid HMAC-SHA256 of the raw body', async () => {
      const source = uniqueName('github');
      const pipelineId = await savePipeline({
        name: uniqueName('signed'),
        triggers: [{ type: 'webhook', source, secret: { ref: 'github-test' }, payloadConstraints: { ref: 'refs/heads/main' } }],
        stages: quickStages,
      });
      const body = JSON.stringify({ ref: 'refs/heads/main', after: '4f2a9c1', repository: { full_name: 'acme/checkout' } });
      const post = (payload: string, headers: Record<string, string>) => http<Answer>('POST', `/api/v1/webhooks/${source}`, payload, headers);

      const signed = await post(body, { 'x-hub-signature-256': sign(body, GITHUB_SECRET), 'x-github-event': 'push' });
      expect(signed.status).toBe(202);
      expect(signed.body.executions).toHaveLength(1);

      const refused = [
        await post(body, { 'x-hub-signature-256': sign(body, 'not the secret') }),
        await post(body, { 'x-hub-signature-256': sign(body, GITHUB_SECRET).slice(0, 40) }),
        await post(body, {}),
        await post(body.replace('main', 'mainx'), { 'x-hub-signature-256': sign(body, GITHUB_SECRET) }),
        await post(body, { 'x-gantry-signature': `sha1=${createHmac('sha1', GITHUB_SECRET).update(body).digest('hex')}` }),
      ];
      for (const response of refused) {
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      }
      const executions = await executionsOf(pipelineId);
      expect(executions.map((e) => e.id)).toEqual([signed.body.executions[0]!.id]);
      expect(executions[0]!.trigger).toMatchObject({ type: 'webhook', source, user: `webhook:${source}`, payload: { ref: 'refs/heads/main', after: '4f2a9c1' } });
      // Refused requests are not trigger decisions: only the start is in the audit log.
      expect((await auditOf(pipelineId)).map((event) => event.type)).toEqual(['TRIGGER_STARTED']);
    });

    it("verifies X-Gantry-Signature with a secret from the configuration's secrets map", async () => {
      const source = uniqueName('builds');
      await savePipeline({ name: uniqueName('yaml-signed'), triggers: [{ type: 'webhook', source, secret: { ref: 'builds-key' } }], stages: quickStages });
      const body = JSON.stringify({ artifact: 'checkout-2.7.0.tgz' });
      expect((await http('POST', `/api/v1/webhooks/${source}`, body, { 'x-gantry-signature': sign(body, YAML_SECRET) })).status).toBe(202);
      expect((await http('POST', `/api/v1/webhooks/${source}`, body, { 'x-gantry-signature': sign(body, GITHUB_SECRET) })).status).toBe(401);
    });
  });

  describe('payload constraints and redelivery', () => {
    it('match literals and regexes on dotted paths, explain near misses, and de-duplicate by delivery id', async () => {
      const source = uniqueName('shop');
      const onMain = await savePipeline({ name: uniqueName('main'), triggers: [{ type: 'webhook', source, payloadConstraints: { ref: 'refs/heads/main' } }], stages: quickStages });
      const releases = await savePipeline({
        name: uniqueName('releases'),
        triggers: [
          {
            type: 'webhook',
            source,
            payloadConstraints: { ref: { regex: '^refs/heads/(main|release-.*)$' }, 'repository.full_name': 'acme/shop' },
          },
        ],
        stages: quickStages,
      });
      const onDev = await savePipeline({ name: uniqueName('dev'), triggers: [{ type: 'webhook', source, payloadConstraints: { ref: 'refs/heads/dev' } }], stages: quickStages });
      const withVersion = await savePipeline({
        name: uniqueName('versioned'),
        parameters: [{ name: 'version', required: true }, { name: 'env', default: 'staging', options: [{ value: 'staging' }, { value: 'prod' }] }],
        triggers: [{ type: 'webhook', source, payloadConstraints: { 'repository.full_name': 'acme/shop' } }],
        stages: [{ refId: 'v', type: 'evaluateVariables', variables: [{ key: 'deploying', value: '${parameters.version} to ${parameters.env}' }] }],
      });
      const push = (ref: string, deliveryId: string, extra: Record<string, unknown> = {}, query = '') =>
        http<Answer>('POST', `/api/v1/webhooks/${source}${query}`, { ref, repository: { full_name: 'acme/shop' }, ...extra }, { 'x-github-delivery': deliveryId });

      const first = await push('refs/heads/main', 'delivery-1', {}, '?explain=true');
      expect(first.status).toBe(202);
      expect(first.body.executions.map((e) => e.pipelineId).sort()).toEqual([onMain, releases].sort());
      expect(first.body.deliveryId).toBe('delivery-1');
      const reasons = Object.fromEntries((first.body.decisions ?? []).map((d) => [d.pipelineId, d.reason]));
      expect(reasons[onDev]).toBe('trigger 0: "ref" is "refs/heads/main", not "refs/heads/dev"');
      expect(reasons[withVersion]).toMatch(/trigger 0 matched but invalid parameters: parameter "version" is required/);

      const release = await push('refs/heads/release-2.7', 'delivery-2', { parameters: { version: '2.7.0', env: 'prod', unrelated: 'x' } });
      expect(release.body.executions.map((e) => e.pipelineId).sort()).toEqual([releases, withVersion].sort());
      const versioned = await gantry.waitFor(release.body.executions.find((e) => e.pipelineId === withVersion)!.id);
      expect(versioned.parameters).toEqual({ version: '2.7.0', env: 'prod' });
      expect(stageOf(versioned, 'v').outputs).toMatchObject({ deploying: '2.7.0 to prod' });

      const badOption = await push('refs/heads/feature/x', 'delivery-3', { parameters: { version: '1', env: 'qa' } }, '?explain=true');
      expect(badOption.status).toBe(200);
      expect(badOption.body.executions).toEqual([]);
      expect(badOption.body.decisions?.find((d) => d.pipelineId === withVersion)?.reason).toMatch(/must be one of "staging", "prod"; got "qa"/);
      expect(badOption.body.decisions?.find((d) => d.pipelineId === releases)?.reason).toMatch(/does not match/);

      const counts = async () => Object.fromEntries(await Promise.all([onMain, releases, onDev, withVersion].map(async (id) => [id, (await executionsOf(id)).length])));
      const before = await counts();
      const redelivered = await push('refs/heads/main', 'delivery-1');
      expect(redelivered.status).toBe(200);
      expect(redelivered.body.duplicate).toBe(true);
      expect(redelivered.body.executions.map((e) => e.id).sort()).toEqual(first.body.executions.map((e) => e.id).sort());
      expect(await counts()).toEqual(before);
      expect(before).toEqual({ [onMain]: 1, [releases]: 2, [onDev]: 0, [withVersion]: 1 });
      // The same delivery id from another source is another delivery.
      const elsewhere = await http<Answer>('POST', `/api/v1/webhooks/${source}-b`, { ref: 'refs/heads/main' }, { 'x-github-delivery': 'delivery-1' });
      expect(elsewhere.body.duplicate).toBe(false);
      // Started by delivery-1, passed over by delivery-2 and -3 (with why), delivery-1 again: a duplicate.
      expect((await auditOf(onMain)).map((event) => event.type)).toEqual(['TRIGGER_STARTED', 'TRIGGER_SKIPPED', 'TRIGGER_SKIPPED', 'TRIGGER_DUPLICATE']);
    });

    it('starts one execution when two copies of a delivery race each other', async () => {
      const source = uniqueName('racy');
      const pipelineId = await savePipeline({ name: uniqueName('racy'), triggers: [{ type: 'webhook', source }], stages: quickStages });
      const post = () => http<Answer>('POST', `/api/v1/webhooks/${source}`, { ref: 'refs/heads/main' }, { 'x-gantry-delivery': 'same-delivery' });
      const answers = await Promise.all([post(), post(), post()]);
      const ids = new Set(answers.flatMap((answer) => answer.body.executions.map((execution) => execution.id)));
      expect(ids.size).toBe(1);
      expect(await executionsOf(pipelineId)).toHaveLength(1);
    });

    it("accepts GitHub's form-encoded deliveries, signed over the form body", async () => {
      const source = uniqueName('form');
      const pipelineId = await savePipeline({
        name: uniqueName('form'),
        triggers: [{ type: 'webhook', source, secret: { ref: 'github-test' }, payloadConstraints: { action: 'published' } }],
        stages: quickStages,
      });
      const body = `payload=${encodeURIComponent(JSON.stringify({ action: 'published', release: { tag_name: 'v2.7.0' } }))}`;
      const response = await http<Answer>('POST', `/api/v1/webhooks/${source}`, body, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-hub-signature-256': sign(body, GITHUB_SECRET),
      });
      expect(response.status).toBe(202);
      expect((await executionsOf(pipelineId))[0]!.trigger).toMatchObject({ payload: { release: { tag_name: 'v2.7.0' } } });
    });
  });

  describe("Spinnaker's git and docker triggers", () => {
    it('run the pipeline they start, their fields and bound artifacts visible to expressions', async () => {
      // A real GitHub push (test/fixtures/webhooks/SOURCES), to a repository only this test listens to.
      const slug = uniqueName('sample_app');
      const push = readFileSync(new URL('../fixtures/webhooks/github-push.json', import.meta.url), 'utf8').replace('"name": "sample_app"', `"name": "${slug}"`);
      const onPush = await savePipeline({
        name: uniqueName('on-push'),
        triggers: [{ type: 'git', source: 'github', project: 'binkkatal', slug, branch: 'master' }],
        stages: [{ refId: 'read', type: 'evaluateVariables', variables: [{ key: 'commit', value: '${trigger.hash}' }, { key: 'file', value: '${trigger.artifacts[0].name}' }] }],
      });
      const pushed = await http<Answer>('POST', '/api/v1/webhooks/git/github', push, { 'x-github-event': 'push' });
      expect(pushed.status, JSON.stringify(pushed.body)).toBe(202);
      const fromPush = await gantry.waitFor(pushed.body.executions[0]!.id);
      expect(fromPush).toMatchObject({ pipelineId: onPush, status: 'SUCCEEDED' });
      expect(stageOf(fromPush, 'read').outputs).toMatchObject({ commit: 'fd489864e7642b48eaad6e3f155c10e46810ec72', file: '.razorops.yaml' });

      const repository = `acme/${uniqueName('checkout')}`;
      const onTag = await savePipeline({
        name: uniqueName('on-tag'),
        expectedArtifacts: [{ id: 'image', displayName: 'checkout image', matchArtifact: { type: 'docker/image', name: `index.docker.io/${repository}` } }],
        triggers: [{ type: 'docker', registry: 'index.docker.io', repository, tag: 'v.*', expectedArtifactIds: ['image'] }],
        stages: [{ refId: 'read', type: 'evaluateVariables', variables: [{ key: 'image', value: '${trigger.resolvedExpectedArtifacts[0].boundArtifact.reference}' }] }],
      });
      const hub = { callback_url: `https://registry.hub.docker.com/u/${repository}/hook/${uniqueName('h')}/`, push_data: { tag: 'v1.4.2' }, repository: { repo_name: repository } };
      const tagged = await http<Answer>('POST', '/api/v1/webhooks/docker/hub', hub);
      expect(tagged.status, JSON.stringify(tagged.body)).toBe(202);
      const fromTag = await gantry.waitFor(tagged.body.executions[0]!.id);
      expect(fromTag).toMatchObject({ pipelineId: onTag, status: 'SUCCEEDED' });
      expect(stageOf(fromTag, 'read').outputs).toMatchObject({ image: `index.docker.io/${repository}:v1.4.2` });
    });
  });

  describe('pipeline completion', () => {
    it('chains A → B when A succeeds, and not when A fails', async () => {
      const upstreamName = uniqueName('build');
      const upstream = await savePipeline({
        name: upstreamName,
        parameters: [{ name: 'pass', default: 'yes' }],
        stages: [
          {
            refId: 'gate',
            type: 'checkPreconditions',
            preconditions: [{ type: 'expression', context: { expression: '${parameters.pass == "yes"}', failureMessage: 'told to fail' } }],
          },
        ],
      });
      const downstream = await savePipeline({
        name: uniqueName('deploy'),
        triggers: [{ type: 'pipeline', application: 'checkout', pipeline: upstreamName, status: ['succeeded'] }],
        stages: [{ refId: 'from', type: 'evaluateVariables', variables: [{ key: 'parent', value: '${trigger.parentExecution.id}' }] }],
      });
      const onFailure = await savePipeline({
        name: uniqueName('page'),
        triggers: [{ type: 'pipeline', application: 'checkout', pipeline: upstream, status: ['failed'] }],
        stages: quickStages,
      });

      const good = await gantry.waitFor(await gantry.trigger(upstream));
      expect(good.status).toBe('SUCCEEDED');
      const [chained] = await waitForExecutions(downstream, 1);
      const finished = await gantry.waitFor(chained!.id);
      expect(finished.status).toBe('SUCCEEDED');
      expect(finished.trigger).toMatchObject({
        type: 'pipeline',
        user: TEST_USER,
        parentExecution: { id: good.id, application: 'checkout', name: upstreamName, status: 'SUCCEEDED', pipelineId: upstream },
      });
      expect(finished.parentExecutionId).toBe(good.id);
      expect(stageOf(finished, 'from').outputs).toMatchObject({ parent: good.id });

      const bad = await gantry.waitFor(await gantry.trigger(upstream, { pass: 'no' }));
      expect(bad.status).toBe('TERMINAL');
      const [paged] = await waitForExecutions(onFailure, 1);
      expect(paged!.trigger).toMatchObject({ parentExecution: { id: bad.id, status: 'TERMINAL' } });
      // The downstream pipeline's decision about the failed run is in the audit log, with why.
      await waitUntil(async () => (await auditOf(downstream)).length === 2);
      expect(await auditOf(downstream)).toEqual([
        expect.objectContaining({ type: 'TRIGGER_STARTED', execution_id: chained!.id }),
        expect.objectContaining({ type: 'TRIGGER_SKIPPED', data: expect.objectContaining({ reason: expect.stringMatching(/failed; the trigger fires on succeeded/) }) }),
      ]);
      expect(await executionsOf(downstream)).toHaveLength(1);
      expect(await executionsOf(onFailure)).toHaveLength(1);
    });
  });

  describe('pipeline completion on cancel', () => {
    it('starts a pipeline listening for "canceled" when an operator cancels the upstream run', async () => {
      const upstream = await savePipeline({ name: uniqueName('soak'), stages: [{ refId: 'soak', type: 'wait', waitTime: 60 }] });
      const cleanup = await savePipeline({
        name: uniqueName('cleanup'),
        triggers: [{ type: 'pipeline', application: 'checkout', pipeline: upstream, status: ['canceled'] }],
        stages: quickStages,
      });
      const running = await gantry.trigger(upstream);
      await gantry.waitFor(running, (execution) => stageOf(execution, 'soak').status === 'RUNNING');
      expect((await http('POST', `/api/v1/executions/${running}/cancel`, {}, asUser('lee'))).status).toBe(202);
      const [started] = await waitForExecutions(cleanup, 1);
      expect(started!.trigger).toMatchObject({ type: 'pipeline', parentExecution: { id: running, status: 'CANCELED' }, parentStatus: 'canceled' });
    });
  });

  describe('saving trigger definitions', () => {
    it('answers 400 naming the path of an unknown type, an invalid cron and a bad regex', async () => {
      const response = await http<{ error: { code: string; details: { issues: { pathString: string; message: string }[] } } }>('POST', '/api/v1/pipelines', {
        application: 'checkout',
        name: uniqueName('bad'),
        stages: quickStages,
        triggers: [
          { type: 'travis', branch: 'main' },
          { type: 'cron', expression: 'every fifteen minutes' },
          { type: 'cron', expression: '0 0 * * *', timezone: 'Europe/Atlantis' },
          { type: 'webhook', source: 'github', payloadConstraints: { ref: { regex: '^refs/heads/(main' } } },
        ],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION');
      expect(response.body.error.details.issues.map((issue) => issue.pathString)).toEqual([
        'triggers.0.type',
        'triggers.1.expression',
        'triggers.2.timezone',
        'triggers.3.payloadConstraints.ref.regex',
      ]);
    });

    it('keeps manual triggers working: missing required parameters are a 400 listing them', async () => {
      const pipelineId = await savePipeline({
        name: uniqueName('manual'),
        parameters: [{ name: 'version', required: true }, { name: 'region', required: true }],
        triggers: [{ type: 'manual' }],
        stages: quickStages,
      });
      const refused = await http<{ error: { details: { issues: { pathString: string }[] } } }>('POST', `/api/v1/pipelines/${pipelineId}/executions`, {});
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.issues.map((issue) => issue.pathString)).toEqual(['parameters.version', 'parameters.region']);
      const started = await http<ExecutionDetail>('POST', `/api/v1/pipelines/${pipelineId}/executions`, { parameters: { version: '1', region: 'eu' } }, asUser('ana'));
      expect(started.status).toBe(202);
      expect(started.body.trigger).toMatchObject({ type: 'manual', user: 'ana' });
    });
  });

  it('documents the trigger endpoints in the OpenAPI document', async () => {
    const docs = await http<{ paths: Record<string, { post?: { responses: Record<string, { description: string }>; parameters?: { name: string; in: string; required?: boolean }[] } }> }>(
      'GET',
      '/docs/json',
    );
    const jenkins = docs.body.paths['/api/v1/webhooks/jenkins']?.post;
    const generic = docs.body.paths['/api/v1/webhooks/{source}']?.post;
    expect(Object.keys(jenkins?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '400']));
    expect(Object.keys(generic?.responses ?? {})).toEqual(expect.arrayContaining(['200', '202', '401', '400']));
    for (const answer of Object.values({ ...jenkins?.responses, ...generic?.responses })) expect(typeof answer.description).toBe('string');
    expect(generic?.parameters?.find((parameter) => parameter.in === 'path' && parameter.name === 'source')?.required).toBe(true);
  });

  async function waitForExecutions(pipelineId: string, count: number): Promise<ExecutionDetail[]> {
    let found: ExecutionDetail[] = [];
    await waitUntil(async () => {
      found = await executionsOf(pipelineId);
      return found.length >= count;
    });
    return found;
  }
});
