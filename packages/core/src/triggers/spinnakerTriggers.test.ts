import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decideForPipeline, type TriggerCandidate } from './decide';
import { triggerDefinitionSchema } from './definition';
import { dockerTriggerSchema, matchDockerTrigger, readDockerPushes } from './docker';
import { gitTriggerSchema, matchGitTrigger, readGitPush, type GitPush } from './git';
import { matchPubsubTrigger, messageArtifacts, pubsubTriggerSchema, readPubsubPush, type PubsubMessage } from './pubsub';

// Real payloads, byte for byte (test/fixtures/webhooks/SOURCES).
const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../../test/fixtures/webhooks/${name}`, import.meta.url), 'utf8'));

const candidate = (triggers: unknown[], extra: Record<string, unknown> = {}): TriggerCandidate => ({
  pipelineId: '00000000-0000-4000-8000-000000000001',
  application: 'shop',
  name: 'deploy',
  version: 1,
  definition: { triggers, ...extra },
  savedBy: 'ana',
});

function pushOf(source: Parameters<typeof readGitPush>[0], name: string, event?: string): GitPush {
  const reading = readGitPush(source, fixture(name), event);
  if (!('push' in reading)) throw new Error(`not a push: ${reading.ignored}`);
  return reading.push;
}

describe('git pushes read as echo reads them', () => {
  it('GitHub: owner name, repository name, branch from ref, hash from after, a github/file per changed file', () => {
    expect(pushOf('github', 'github-push.json', 'push')).toEqual({
      source: 'github',
      project: 'binkkatal',
      slug: 'sample_app',
      branch: 'master',
      hash: 'fd489864e7642b48eaad6e3f155c10e46810ec72',
      action: 'push',
      deleted: false,
      artifacts: [
        {
          type: 'github/file',
          name: '.razorops.yaml',
          version: 'fd489864e7642b48eaad6e3f155c10e46810ec72',
          reference: 'https://api.github.com/repos/binkkatal/sample_app/contents/.razorops.yaml',
        },
        {
          type: 'github/file',
          name: 'app/controllers/application_controller.rb',
          version: 'fd489864e7642b48eaad6e3f155c10e46810ec72',
          reference: 'https://api.github.com/repos/binkkatal/sample_app/contents/app/controllers/application_controller.rb',
        },
      ],
    });
    expect(readGitPush('github', fixture('github-push.json'), 'pull_request')).toEqual({
      ignored: 'a GitHub "pull_request" event, not a push',
      repository: { source: 'github', project: 'binkkatal', slug: 'sample_app' },
    });
  });

  it('GitLab: project namespace and name', () => {
    expect(pushOf('gitlab', 'gitlab-push-event.json')).toMatchObject({
      project: 'Mike',
      slug: 'Diaspora',
      branch: 'master',
      hash: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      action: 'push',
    });
  });

  it('Bitbucket Cloud: workspace and repository from full_name, branch and hash of the first change', () => {
    expect(pushOf('bitbucket', 'bitbucket-repo-push.json', 'repo:push')).toMatchObject({
      project: 'team_name',
      slug: 'repo_name',
      branch: 'name-of-branch',
      hash: '03f4a7270240708834de475bcf21532d6134777e',
      deleted: false,
    });
  });

  it('Bitbucket Server: project key and slug; a branch deletion is read but never fires', () => {
    const push = pushOf('bitbucket', 'bitbucket-server-repo-refs-changed.json', 'repo:refs_changed');
    expect(push).toMatchObject({ project: '~gopher', slug: 'webhook-test', branch: 'feature/wip', deleted: true });
    const trigger = gitTriggerSchema.parse({ type: 'git', source: 'bitbucket', project: '~GOPHER', slug: 'webhook-test' });
    expect(matchGitTrigger(trigger, push, false, {}, 'git:bitbucket')).toEqual({ result: 'miss', reason: 'the push deleted branch "feature/wip"' });
  });

  it("Stash's post-receive hook (refChanges) reads like Bitbucket Server's", () => {
    // The payload Atlassian documents for Stash's post-service webhook, as tools receiving it test with.
    const stash = {
      repository: { slug: 'iridium-parent', project: { key: 'IR' } },
      refChanges: [{ refId: 'refs/heads/master', fromHash: '2c847c4e9c2421d038fff26ba82bc859ae6ebe20', toHash: 'f259e9032cdeb1e28d073e8a79a1fd6f9587f233', type: 'UPDATE' }],
    };
    expect(readGitPush('stash', stash, undefined)).toMatchObject({
      push: { source: 'stash', project: 'IR', slug: 'iridium-parent', branch: 'master', hash: 'f259e9032cdeb1e28d073e8a79a1fd6f9587f233', deleted: false },
    });
    const tag = { ...stash, refChanges: [{ ...stash.refChanges[0], refId: 'refs/tags/v1' }] };
    expect(readGitPush('stash', tag, undefined)).toEqual({ ignored: 'refs/tags/v1 is not a branch' });
  });

  it('matches source, project and slug ignoring case, the branch regex against the whole branch, and a required secret', () => {
    const push = pushOf('github', 'github-push.json', 'push');
    const trigger = (extra: Record<string, unknown>) => gitTriggerSchema.parse({ type: 'git', source: 'github', project: 'BinkKatal', slug: 'sample_app', ...extra });
    expect(matchGitTrigger(trigger({ slug: 'other' }), push, false, {}, 'u')).toEqual({ result: 'irrelevant' });
    expect(matchGitTrigger(trigger({ branch: 'mast' }), push, false, {}, 'u')).toEqual({ result: 'miss', reason: 'branch "master" does not match /mast/' });
    expect(matchGitTrigger(trigger({ secret: 's3cret' }), push, false, {}, 'u')).toMatchObject({ result: 'miss' });
    const matched = matchGitTrigger(trigger({ branch: 'master|release-.*', secret: 's3cret' }), push, true, { ref: 'refs/heads/master' }, 'git:github');
    expect(matched).toMatchObject({
      result: 'match',
      trigger: { type: 'git', source: 'github', project: 'BinkKatal', slug: 'sample_app', branch: 'master', hash: push.hash, user: 'git:github', payload: { ref: 'refs/heads/master' } },
    });
  });

  it('refuses a branch regex RE2 cannot run, at save time', () => {
    const parsed = triggerDefinitionSchema.safeParse({ type: 'git', source: 'github', project: 'a', slug: 'b', branch: '(?=x)' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['branch'] });
  });
});

describe('docker pushes', () => {
  it("Docker Hub's webhook: an official-style repository under its namespace, registry index.docker.io", () => {
    expect(readDockerPushes(fixture('dockerhub-build-notice.json'))).toEqual({
      pushes: [
        {
          registry: 'index.docker.io',
          repository: 'svendowideit/testhook',
          tag: 'latest',
          digest: undefined,
          eventId: 'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
        },
      ],
      ignored: [],
    });
  });

  it("the registry's notification envelope: pulls and pushes by digest start nothing, a tagged manifest push does", () => {
    expect(readDockerPushes(fixture('registry-notification-pull.json'))).toEqual({ pushes: [], ignored: ['event 0 is a pull, not a push'] });
    const pushed = readDockerPushes(fixture('registry-notification-push.json'));
    expect(pushed.pushes).toEqual([]);
    expect(pushed.ignored).toHaveLength(3);
    // The same envelope as a registry sends it for `docker push registrycluster.local/library/test:1.4.2`.
    const envelope = fixture('registry-notification-push.json') as { events: { target: Record<string, unknown> }[] };
    envelope.events[0]!.target.tag = '1.4.2';
    expect(readDockerPushes(envelope).pushes).toEqual([
      {
        registry: 'registrycluster.local',
        repository: 'library/test',
        tag: '1.4.2',
        digest: 'sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf',
        eventId: 'asdf-asdf-asdf-asdf-0',
      },
    ]);
  });

  it("matches echo's rules: the tag regex in full; without one any tag but latest; a docker/image artifact", () => {
    const push = { registry: 'index.docker.io', repository: 'library/nginx', tag: '1.27.3', digest: undefined, eventId: undefined };
    const trigger = (extra: Record<string, unknown>) => dockerTriggerSchema.parse({ type: 'docker', account: 'dockerhub', repository: 'nginx', ...extra });
    expect(matchDockerTrigger(trigger({ registry: 'quay.io' }), push, 'u')).toEqual({ result: 'irrelevant' });
    expect(matchDockerTrigger(trigger({ tag: '1\\.27' }), push, 'u')).toMatchObject({ result: 'miss' });
    expect(matchDockerTrigger(trigger({}), { ...push, tag: 'latest' }, 'u')).toMatchObject({ result: 'miss' });
    // As echo does, a trigger without a repository (deck saves one while it is being filled in) never fires.
    expect(matchDockerTrigger(dockerTriggerSchema.parse({ type: 'docker' }), push, 'u')).toEqual({ result: 'miss', reason: 'the trigger names no repository: it never fires' });
    expect(matchDockerTrigger(trigger({ registry: 'docker.io', tag: '1\\.27\\..*' }), push, 'docker:hub')).toEqual({
      result: 'match',
      trigger: {
        type: 'docker',
        registry: 'index.docker.io',
        repository: 'library/nginx',
        tag: '1.27.3',
        account: 'dockerhub',
        user: 'docker:hub',
        artifacts: [{ type: 'docker/image', name: 'index.docker.io/library/nginx', version: '1.27.3', reference: 'index.docker.io/library/nginx:1.27.3' }],
      },
      parameters: {},
    });
  });
});

describe('pubsub push messages', () => {
  const message = (): PubsubMessage => {
    const reading = readPubsubPush(fixture('pubsub-push.json'));
    if (!('message' in reading)) throw new Error(reading.invalid.message);
    return reading.message;
  };

  it("reads Google's push request: base64 data, attributes, message id, subscription", () => {
    expect(message()).toEqual({
      pubsubSystem: 'google',
      subscription: 'projects/myproject/subscriptions/mysubscription',
      messageId: '136969346945',
      attributes: { key: 'value' },
      payload: 'Hello Cloud Pub/Sub! Here is my message!',
    });
    expect(readPubsubPush({ message: { data: '%%' }, subscription: 'projects/p/subscriptions/s' })).toEqual({
      invalid: { path: ['message', 'data'], message: 'data is not base64' },
    });
  });

  it('matches the subscription by short or full name and every constraint as a whole-value regex', () => {
    const trigger = (extra: Record<string, unknown>) => pubsubTriggerSchema.parse({ type: 'pubsub', pubsubSystem: 'google', subscriptionName: 'mysubscription', ...extra });
    expect(matchPubsubTrigger(trigger({ subscriptionName: 'other' }), message(), 'u')).toEqual({ result: 'irrelevant' });
    expect(matchPubsubTrigger(trigger({ attributeConstraints: { key: 'val' } }), message(), 'u')).toMatchObject({ result: 'miss' });
    expect(matchPubsubTrigger(trigger({ payloadConstraints: { status: 'SUCCESS' } }), message(), 'u')).toEqual({
      result: 'miss',
      reason: 'the payload has no "status"',
    });
    const json = { ...message(), payload: { status: 'SUCCESS', parameters: { tag: '1.2' }, artifacts: [{ type: 'gcs/object', reference: 'gs://b/app.tgz' }] } };
    expect(matchPubsubTrigger(trigger({ subscriptionName: 'projects/myproject/subscriptions/MySubscription', payloadConstraints: { status: 'SUCC.*' }, attributeConstraints: { key: 'v.*' } }), json, 'pubsub:google')).toMatchObject({
      result: 'match',
      trigger: { type: 'pubsub', messageId: '136969346945', parameters: { tag: '1.2' }, artifacts: [{ type: 'gcs/object', reference: 'gs://b/app.tgz' }] },
      parameters: { tag: '1.2' },
    });
  });
});

describe("artifacts from Google's notification formats", () => {
  // The shapes Cloud Storage and Container Registry publish (their documentation's fields).
  it('a Cloud Storage notification is a gcs/object, a Container Registry insert a docker/image by digest', () => {
    expect(
      messageArtifacts({
        attributes: { bucketId: 'acme-manifests', objectId: 'prod/app.yml', objectGeneration: '1733400000000000', eventType: 'OBJECT_FINALIZE', payloadFormat: 'JSON_API_V1' },
        payload: { kind: 'storage#object', bucket: 'acme-manifests', name: 'prod/app.yml' },
      }),
    ).toEqual([{ type: 'gcs/object', name: 'gs://acme-manifests/prod/app.yml', reference: 'gs://acme-manifests/prod/app.yml', version: '1733400000000000' }]);
    expect(
      messageArtifacts({ attributes: {}, payload: { action: 'INSERT', digest: 'gcr.io/acme/app@sha256:29fee8e284', tag: 'gcr.io/acme/app:1.4.2' } }),
    ).toEqual([{ type: 'docker/image', name: 'gcr.io/acme/app', version: 'sha256:29fee8e284', reference: 'gcr.io/acme/app@sha256:29fee8e284' }]);
    expect(messageArtifacts({ attributes: {}, payload: { action: 'INSERT', tag: 'localhost:5000/app:7' } })).toEqual([
      { type: 'docker/image', name: 'localhost:5000/app', version: '7', reference: 'localhost:5000/app:7' },
    ]);
    expect(messageArtifacts({ attributes: {}, payload: { action: 'DELETE', tag: 'gcr.io/acme/app:1.4.2' } })).toEqual([]);
    const build = { id: 'b-1', status: 'SUCCESS', results: { images: [{ name: 'gcr.io/acme/helloworld:abc123', digest: 'sha256:9f8e', pushTiming: {} }] } };
    expect(messageArtifacts({ attributes: { buildId: 'b-1', status: 'SUCCESS' }, payload: build })).toEqual([
      { type: 'docker/image', name: 'gcr.io/acme/helloworld', version: 'sha256:9f8e', reference: 'gcr.io/acme/helloworld@sha256:9f8e' },
    ]);
  });
});

describe('expectedArtifactIds on automatic triggers', () => {
  const expectedArtifacts = [{ id: 'img', displayName: 'nginx image', matchArtifact: { type: 'docker/image', name: 'index.docker.io/library/nginx' } }];
  const push = { registry: 'index.docker.io', repository: 'library/nginx', tag: '1.27.3', digest: undefined, eventId: undefined };

  it("fires only when one of the event's artifacts is expected, and carries the ids into the execution's trigger", () => {
    const pipeline = candidate([{ type: 'docker', repository: 'library/nginx', expectedArtifactIds: ['img'] }], { expectedArtifacts });
    expect(decideForPipeline(pipeline, 'docker', (trigger) => matchDockerTrigger(trigger, push, 'u'))).toMatchObject({
      decision: 'launch',
      trigger: { expectedArtifactIds: ['img'], runAsUser: 'ana' },
    });
    const elsewhere = candidate([{ type: 'docker', repository: 'library/nginx', expectedArtifactIds: ['img'] }], {
      expectedArtifacts: [{ id: 'img', matchArtifact: { type: 'docker/image', name: 'gcr.io/.*' } }],
    });
    expect(decideForPipeline(elsewhere, 'docker', (trigger) => matchDockerTrigger(trigger, push, 'u'))).toMatchObject({
      decision: 'skip',
      reason: "trigger 0: none of the event's artifacts is one of the trigger's expectedArtifactIds",
    });
  });
});
