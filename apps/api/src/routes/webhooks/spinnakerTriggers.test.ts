import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageBus } from '@gantry/queue';
import { PostgresExecutionRepository } from '@gantry/store';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/testDatabase';
import { buildTestServer } from '../../testSupport';

// Real payloads, byte for byte (test/fixtures/webhooks/SOURCES): what the hosts post.
const fixture = (name: string) => readFileSync(new URL(`../../../../../test/fixtures/webhooks/${name}`, import.meta.url));
const GITHUB_SECRET = 'spinnaker-style-inline-secret';
const GITLAB_TOKEN = 'gitlab-secret-token';
const DOCKER_TOKEN = 'docker-hub-token-0123456789';
const PUBSUB_TOKEN = 'pubsub-push-token-0123456789';
const silentBus: MessageBus = { send: async () => undefined, sendAll: async () => undefined, inFlight: async () => [], close: async () => undefined };
const wait = [{ refId: 'w', type: 'wait', waitTime: 1 }];

interface Answer {
  executions: { id: string; pipelineName: string; duplicate: boolean }[];
  duplicate: boolean;
  decisions?: { pipelineName: string; outcome: string; reason?: string }[];
}

describe("Spinnaker's git, docker and pubsub triggers over HTTP", () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let executions: PostgresExecutionRepository;

  const anonymous = { authorization: undefined as unknown as string };
  const post = (url: string, payload: Buffer | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { ...anonymous, 'content-type': 'application/json', ...headers }, payload });
  const save = async (name: string, extra: Record<string, unknown>) => {
    const saved = await app.inject({ method: 'POST', url: '/api/v1/pipelines', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ application: 'shop', name, stages: wait, ...extra }) });
    expect(saved.statusCode, saved.body).toBe(201);
    return saved.json<{ id: string }>().id;
  };
  const triggerOf = async (answer: { json: <T>() => T }) => (await executions.get(answer.json<Answer>().executions[0]!.id)).trigger;

  beforeAll(async () => {
    database = await createTestDatabase();
    const pool = database.db.pool;
    executions = new PostgresExecutionRepository(pool);
    app = buildTestServer(database, {
      executions,
      bus: silentBus,
      triggers: {
        pool,
        secrets: { 'gitlab-diaspora': GITLAB_TOKEN, 'docker-hub': DOCKER_TOKEN, 'pubsub-google': PUBSUB_TOKEN },
        openSources: ['git:bitbucket'],
      },
    });
    await save('on-github', { triggers: [{ type: 'git', source: 'github', project: 'binkkatal', slug: 'sample_app', branch: 'master|main', secret: GITHUB_SECRET }] });
    await save('on-gitlab', { triggers: [{ type: 'git', source: 'gitlab', project: 'Mike', slug: 'Diaspora', secret: { ref: 'gitlab-diaspora' } }] });
    await save('on-bitbucket', { triggers: [{ type: 'git', source: 'bitbucket', project: 'team_name', slug: 'repo_name', branch: 'name-of-.*' }] });
    await save('on-hub', { triggers: [{ type: 'docker', account: 'dockerhub', registry: 'index.docker.io', repository: 'svendowideit/testhook', tag: 'latest' }] });
    await save('on-registry', {
      triggers: [{ type: 'docker', registry: 'registrycluster.local', repository: 'library/test', tag: '\\d+\\.\\d+\\.\\d+', expectedArtifactIds: ['image'] }],
      expectedArtifacts: [{ id: 'image', displayName: 'test image', matchArtifact: { type: 'docker/image', name: 'registrycluster.local/library/test' } }],
    });
    await save('on-pubsub', { triggers: [{ type: 'pubsub', pubsubSystem: 'google', subscriptionName: 'mysubscription', attributeConstraints: { key: 'val.*' } }] });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('GitHub: a push signed with the trigger’s secret starts it with echo’s trigger fields; unsigned is 401; a redelivery starts nothing', async () => {
    const body = fixture('github-push.json');
    const signature = `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`;
    const headers = { 'x-github-event': 'push', 'x-github-delivery': 'b7a1c6e0-5ed0-11f0-8f0e-1f2a3b4c5d6e' };
    expect((await post('/api/v1/webhooks/git/github', body, headers)).statusCode).toBe(401);
    const started = await post('/api/v1/webhooks/git/github', body, { ...headers, 'x-hub-signature-256': signature });
    expect(started.statusCode, started.body).toBe(202);
    expect(await triggerOf(started)).toMatchObject({
      type: 'git',
      source: 'github',
      project: 'binkkatal',
      slug: 'sample_app',
      branch: 'master',
      hash: 'fd489864e7642b48eaad6e3f155c10e46810ec72',
      user: 'git:github',
      runAsUser: 'test-admin',
      payload: { ref: 'refs/heads/master' },
      artifacts: [
        { type: 'github/file', name: '.razorops.yaml', reference: 'https://api.github.com/repos/binkkatal/sample_app/contents/.razorops.yaml' },
        { type: 'github/file', name: 'app/controllers/application_controller.rb' },
      ],
    });
    const again = await post('/api/v1/webhooks/git/github', body, { ...headers, 'x-hub-signature-256': signature });
    expect(again.statusCode).toBe(200);
    expect(again.json<Answer>()).toMatchObject({ duplicate: true, executions: [{ pipelineName: 'on-github', duplicate: true }] });
    // Echo's own check: the SHA-1 X-Hub-Signature with the same secret proves the delivery too.
    const sha1 = `sha1=${createHmac('sha1', GITHUB_SECRET).update(body).digest('hex')}`;
    expect((await post('/api/v1/webhooks/git/github', body, { 'x-github-event': 'push', 'x-hub-signature': sha1 })).statusCode).toBe(202);
  });

  it("GitLab: the trigger's secret in X-Gitlab-Token; Bitbucket: an open host", async () => {
    const gitlab = fixture('gitlab-push-event.json');
    expect((await post('/api/v1/webhooks/git/gitlab', gitlab, { 'x-gitlab-token': 'wrong' })).statusCode).toBe(401);
    const started = await post('/api/v1/webhooks/git/gitlab', gitlab, { 'x-gitlab-token': GITLAB_TOKEN, 'x-gitlab-event': 'Push Hook' });
    expect(started.statusCode, started.body).toBe(202);
    expect(await triggerOf(started)).toMatchObject({ source: 'gitlab', project: 'Mike', slug: 'Diaspora', branch: 'master', hash: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7' });
    const bitbucket = await post('/api/v1/webhooks/git/bitbucket?explain=true', fixture('bitbucket-repo-push.json'), { 'x-event-key': 'repo:push' });
    expect(bitbucket.statusCode, bitbucket.body).toBe(202);
    expect(await triggerOf(bitbucket)).toMatchObject({ source: 'bitbucket', branch: 'name-of-branch', hash: '03f4a7270240708834de475bcf21532d6134777e' });
  });

  it("Docker Hub's webhook with the source's token: a docker/image artifact; the same push again starts nothing", async () => {
    const body = fixture('dockerhub-build-notice.json');
    expect((await post('/api/v1/webhooks/docker/hub', body)).statusCode).toBe(401);
    const started = await post(`/api/v1/webhooks/docker/hub?token=${DOCKER_TOKEN}`, body);
    expect(started.statusCode, started.body).toBe(202);
    expect(await triggerOf(started)).toMatchObject({
      type: 'docker',
      registry: 'index.docker.io',
      repository: 'svendowideit/testhook',
      tag: 'latest',
      artifacts: [{ type: 'docker/image', name: 'index.docker.io/svendowideit/testhook', version: 'latest', reference: 'index.docker.io/svendowideit/testhook:latest' }],
    });
    const again = await post(`/api/v1/webhooks/docker/hub?token=${DOCKER_TOKEN}`, body);
    expect(again.statusCode).toBe(200);
    expect(again.json<Answer>().executions).toMatchObject([{ pipelineName: 'on-hub', duplicate: true }]);
  });

  it("the registry's notification envelope, under its media type: the expected artifact is bound from the push", async () => {
    const envelope = JSON.parse(fixture('registry-notification-push.json').toString('utf8')) as { events: { target: Record<string, unknown> }[] };
    // The documented envelope pushes by digest; a `docker push …:1.4.2` names the tag in the manifest event.
    envelope.events[0]!.target.tag = '1.4.2';
    const started = await post('/api/v1/webhooks/docker/hub', JSON.stringify(envelope), {
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
      'x-gantry-token': DOCKER_TOKEN,
    });
    expect(started.statusCode, started.body).toBe(202);
    const trigger = await triggerOf(started);
    const bound = { type: 'docker/image', name: 'registrycluster.local/library/test', version: '1.4.2', reference: 'registrycluster.local/library/test:1.4.2' };
    expect(trigger).toMatchObject({ tag: '1.4.2', expectedArtifactIds: ['image'], artifacts: [bound], resolvedExpectedArtifacts: [{ id: 'image', boundArtifact: bound }] });
  });

  it('a Pub/Sub push: attributes constrain it, the message id de-duplicates redeliveries', async () => {
    const body = fixture('pubsub-push.json');
    expect((await post('/api/v1/webhooks/pubsub/google', body)).statusCode).toBe(401);
    const started = await post(`/api/v1/webhooks/pubsub/google?token=${PUBSUB_TOKEN}`, body);
    expect(started.statusCode, started.body).toBe(202);
    expect(await triggerOf(started)).toMatchObject({
      type: 'pubsub',
      subscriptionName: 'mysubscription',
      messageId: '136969346945',
      attributes: { key: 'value' },
      payload: 'Hello Cloud Pub/Sub! Here is my message!',
    });
    const redelivered = await post(`/api/v1/webhooks/pubsub/google?token=${PUBSUB_TOKEN}`, body);
    expect(redelivered.json<Answer>()).toMatchObject({ duplicate: true });
    // A NUL hidden in the base64 data cannot be stored: 400 naming it, not a failed INSERT.
    const nul = JSON.stringify({ message: { data: Buffer.from('{"status":"a\\u0000b"}').toString('base64'), messageId: 'nul-1' }, subscription: 'projects/p/subscriptions/mysubscription' });
    const refused = await post(`/api/v1/webhooks/pubsub/google?token=${PUBSUB_TOKEN}`, nul);
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json()).toMatchObject({ error: { details: { issues: [{ path: ['message', 'data', 'status'] }] } } });
    const bad = await post(`/api/v1/webhooks/pubsub/google?token=${PUBSUB_TOKEN}`, '{"subscription":"projects/p/subscriptions/s"}');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('message');
  });

  it('a manual trigger cannot start a pipeline whose required artifact does not bind (400 naming it); prior and default artifacts bind', async () => {
    const pipelineId = await save('artifacts', {
      expectedArtifacts: [
        { id: 'manifest', displayName: 'app manifest', matchArtifact: { type: 'http/file', reference: 'https://cfg\\.example\\.com/.*' } },
        { id: 'chart', matchArtifact: { type: 'gcs/object' }, usePriorArtifact: true, useDefaultArtifact: true, defaultArtifact: { type: 'gcs/object', reference: 'gs://charts/app-0.1.tgz' } },
      ],
    });
    const run = (trigger: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: `/api/v1/pipelines/${pipelineId}/executions`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ trigger }) });
    const malformed = await run({ artifacts: [{ name: 'no type' }] });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { details: { issues: [{ path: ['trigger', 'artifacts', 0, 'type'] }] } } });
    const refused = await run({ expectedArtifactIds: ['manifest'], artifacts: [{ type: 'http/file', reference: 'https://elsewhere/app.yml' }] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { message: expect.stringContaining('"app manifest" (id manifest) could not be bound') } });

    const first = await run({ expectedArtifactIds: ['manifest'], artifacts: [{ type: 'http/file', reference: 'https://cfg.example.com/app.yml' }] });
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json<{ trigger: unknown }>().trigger).toMatchObject({
      artifacts: [{ type: 'http/file', reference: 'https://cfg.example.com/app.yml' }, { type: 'gcs/object', reference: 'gs://charts/app-0.1.tgz' }],
      resolvedExpectedArtifacts: [{ id: 'manifest' }, { id: 'chart', boundArtifact: { reference: 'gs://charts/app-0.1.tgz' } }],
    });
    const withChart = await run({ artifacts: [{ type: 'gcs/object', reference: 'gs://charts/app-0.2.tgz' }] });
    expect(withChart.statusCode, withChart.body).toBe(202);
    // Nothing brought: the chart comes from the previous execution, not the default.
    await database.db.pool.query("UPDATE executions SET start_time = now() WHERE id = $1", [withChart.json<{ id: string }>().id]);
    const prior = await run({});
    expect(prior.json<{ trigger: unknown }>().trigger).toMatchObject({ resolvedExpectedArtifacts: [{ id: 'chart', boundArtifact: { reference: 'gs://charts/app-0.2.tgz' } }] });
  });

  it('Jenkins: a STARTED notification with "status": null is read as having no status yet', async () => {
    await save('on-jenkins', { triggers: [{ type: 'jenkins', master: 'ci', job: 'build' }] });
    const started = await app.inject({
      method: 'POST',
      url: '/api/v1/webhooks/jenkins?master=ci',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'build', url: 'job/build/', build: { number: 3, phase: 'STARTED', status: null, url: 'job/build/3/', scm: null } }),
    });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json<Answer>().executions).toEqual([]);
  });
});
