import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftSettings } from '../../packages/config/src';
import { gcpClientOptions } from '../../packages/providers/src/gcp';
import { GceClient } from '../../packages/providers/src/gcp/client';
import { startFakeAws, type FakeAws } from '../fakes/aws';
import { startFakeGcp, type FakeGcp } from '../fakes/gcp';
import { startFakeSlack } from '../fakes/slack';
import { AWS_CLI_ENV, AWS_REGION, AWS_TEST_ENV, awsAccount, seedAws } from '../support/aws';
import { SUCCEEDED, outcomeOf, regionDeployStage, savedPipeline } from '../support/cloudStages';
import { readUntil } from '../support/eventually';
import { startTestGantry } from '../support/gantryHarness';
import { GCP_REGION, gcpAccount, seedGcp } from '../support/gcp';
import { onPath } from '../support/onPath';
import { QUEUE_BACKENDS } from '../support/queueBackends';
import { testRegistry } from '../support/serverGroups';
import type { components } from '../../apps/ui/src/api/schema';

/**
 * Issue 20, item 2's last sentence: AWS and GCP server groups Gantry deployed, changed outside
 * Gantry (the real AWS CLI against the fake AWS APIs; the real @google-cloud/compute client against
 * the fake Compute API) are reported as drift with the changed fields within one check (1 s here),
 * one Slack message and one audit event per change of state, cleared when put back; Gantry's own
 * resize is not drift, a group deleted outside Gantry is missing, one Gantry destroys is forgotten.
 */
const backend = QUEUE_BACKENDS[0] ?? 'redis';
const INTERVAL_SECONDS = 1;
const CAPACITY = { min: 1, max: 6, desired: 2 };

/** A row of GET /api/v1/drift, as the OpenAPI document describes it. */
type DriftView = components['schemas']['DriftResource'];

/** A Gantry on one cloud's fake with 1 s drift checks notifying a fake Slack webhook, and the reads every scenario makes. */
async function driftBed(providers: NonNullable<Parameters<typeof startTestGantry>[0]>['providers']) {
  const slack = await startFakeSlack({ botToken: 'xoxb-unused', channels: [] });
  const settings: DriftSettings = { intervalSeconds: INTERVAL_SECONDS, watches: [], notifications: [{ type: 'slack', address: slack.webhookUrl('drift') }] };
  const gantry = await startTestGantry({ backend, providers, drift: settings, notificationPollMs: 50 });
  const pool = gantry.database.db.pool;
  const group = async (name: string) => (await gantry.request<{ resources: DriftView[] }>('GET', '/api/v1/drift')).body.resources.find((resource) => resource.name === name);
  const checkedAt = async (name: string) => (await pool.query<{ checked_at: Date }>('SELECT checked_at FROM drift_resources WHERE name = $1', [name])).rows[0]?.checked_at.getTime() ?? 0;
  return {
    slack,
    gantry,
    group,
    messages: (name: string) => slack.messages.filter((message) => message.text.includes(`ServerGroup ${name}`)),
    audit: async (type: string, name: string) => (await pool.query(`SELECT data FROM audit_events WHERE type = $1 AND data->>'name' = $2`, [type, name])).rowCount,
    desired: async (name: string) => (await pool.query<{ manifest: Record<string, unknown> }>('SELECT manifest FROM deployed_manifests WHERE name = $1', [name])).rows[0]?.manifest,
    /** Two more checks of the group after now, so a "nothing more" is a real nothing. */
    twoMoreChecks: async (name: string) => {
      const from = Math.max(await checkedAt(name), Date.now());
      await readUntil(() => checkedAt(name), (at) => at >= from + 2 * INTERVAL_SECONDS * 1000, 15_000, 50);
    },
    stop: async () => {
      await gantry.stop();
      await slack.close();
    },
  };
}

type Bed = Awaited<ReturnType<typeof driftBed>>;

/** Deploys `name`'s cluster, waits for its first in-sync check; then Gantry resizes it to 3, which must not be drift. */
async function deployedThenResizedByGantry(bed: Bed, where: { account: string; region: string }, stack: string, image: string, settings: Record<string, unknown>): Promise<string> {
  const stage = regionDeployStage(where, 'shop', stack, image, settings);
  const deploy = await savedPipeline(bed.gantry, 'shop', [{ ...stage, cluster: { ...stage.cluster, capacity: CAPACITY } }]);
  expect(outcomeOf(await deploy())).toEqual(SUCCEEDED);
  const name = `shop-${stack}-v000`;
  await readUntil(() => bed.group(name), (resource) => resource?.state === 'in-sync', 15_000);

  const resize = await savedPipeline(bed.gantry, 'shop', [
    { refId: 'resize', type: 'resizeServerGroup', credentials: where.account, regions: [where.region], cluster: `shop-${stack}`, target: 'current_asg_dynamic', capacity: { ...CAPACITY, desired: 3 } },
  ]);
  expect(outcomeOf(await resize())).toEqual(SUCCEEDED);
  await bed.twoMoreChecks(name);
  expect(await bed.desired(name)).toMatchObject({ capacity: { ...CAPACITY, desired: 3 } });
  expect(await bed.group(name)).toMatchObject({ state: 'in-sync', kind: 'ServerGroup', namespace: where.region, application: 'shop' });
  expect(await bed.audit('DRIFT_DETECTED', name)).toBe(0);
  expect(bed.messages(name)).toEqual([]);
  return name;
}

/** The changes outside Gantry are reported with exactly `fields`, once; answers ms from the first change's answer to the Slack message's sending. */
async function reportedOnce(bed: Bed, name: string, changedAt: number, fields: DriftView['fields']): Promise<number> {
  await readUntil(async () => bed.messages(name).length, (count) => count > 0, 15_000, 10);
  // When the outbox sent it: the test itself may still have been waiting for a second CLI call.
  // The receiver can hold the message a moment before the sender marks its row SENT.
  const sentAt = await readUntil(
    async () => (await bed.gantry.database.db.pool.query<{ sent_at: Date | null }>(`SELECT min(sent_at) AS sent_at FROM notification_deliveries WHERE key LIKE $1`, [`drift:%/ServerGroup/${name}:%:DRIFT_DETECTED:%`])).rows[0]?.sent_at ?? null,
    (at) => at !== null,
    5_000,
  );
  const elapsed = (sentAt?.getTime() ?? Date.now()) - changedAt;
  const drifted = await readUntil(() => bed.group(name), (resource) => resource?.fields.length === fields.length, 5_000);
  expect(drifted).toMatchObject({ state: 'drifted', fields });
  await bed.twoMoreChecks(name);
  expect(bed.messages(name)).toHaveLength(1);
  expect(bed.messages(name)[0]?.text).toContain(`${fields[0]?.path}: desired ${JSON.stringify(fields[0]?.desired)}, live ${JSON.stringify(fields[0]?.live)}`);
  expect(await bed.audit('DRIFT_DETECTED', name)).toBe(1);
  return elapsed;
}

async function clearedOnce(bed: Bed, name: string): Promise<void> {
  await readUntil(async () => bed.messages(name).length, (count) => count === 2, 15_000);
  expect(bed.messages(name)[1]?.text).toContain('matches its desired state again');
  expect((await bed.group(name))?.state).toBe('in-sync');
  expect(await bed.audit('DRIFT_CLEARED', name)).toBe(1);
}

const awsCli = onPath('aws');

describe.skipIf(!awsCli)(`server group drift on AWS (fake AWS APIs, aws CLI, ${backend} queue, ${INTERVAL_SECONDS} s checks)`, () => {
  const run = promisify(execFile);
  let fake: FakeAws;
  let bed: Bed;
  let baseImage: string;
  const aws = async (...args: string[]) => (await run('aws', ['--endpoint-url', fake.url, '--region', AWS_REGION, '--output', 'json', ...args], { env: AWS_CLI_ENV, timeout: 60_000 })).stdout;

  beforeAll(async () => {
    fake = await startFakeAws({ readyDelayMs: 50 });
    baseImage = (await seedAws(fake.url, [])).baseImage;
    bed = await driftBed(testRegistry([awsAccount(fake.url)], AWS_TEST_ENV));
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
    await fake?.close();
  });

  it('reports set-desired-capacity and a launch template version swapped by update-auto-scaling-group, once, clears them put back, and a group deleted as missing', async () => {
    const name = await deployedThenResizedByGantry(bed, { account: 'aws', region: AWS_REGION }, 'web', baseImage, {});
    await aws('ec2', 'create-launch-template-version', '--launch-template-name', name, '--source-version', '1', '--launch-template-data', '{"InstanceType":"t3.large"}');

    await aws('autoscaling', 'set-desired-capacity', '--auto-scaling-group-name', name, '--desired-capacity', '5');
    const changedAt = Date.now();
    await aws('autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', name, '--launch-template', `LaunchTemplateName=${name},Version=2`);
    const elapsed = await reportedOnce(bed, name, changedAt, [
      { path: 'capacity.desired', desired: 3, live: 5 },
      { path: 'launchTemplate.version', desired: '1', live: '2' },
    ]);
    // The figure the issue asks for (README "Drift"), not a check.
    console.info(`server group drift (aws): the aws CLI's answer to the Slack notification ${elapsed} ms (checks every ${INTERVAL_SECONDS} s)`);
    // Drift never converges by itself.
    expect(fake.autoScalingGroups(AWS_REGION).find((group) => group.name === name)?.desiredCapacity).toBe(5);

    await aws('autoscaling', 'update-auto-scaling-group', '--auto-scaling-group-name', name, '--launch-template', `LaunchTemplateName=${name},Version=1`, '--desired-capacity', '3');
    await clearedOnce(bed, name);

    await aws('autoscaling', 'delete-auto-scaling-group', '--auto-scaling-group-name', name, '--force-delete');
    await readUntil(async () => bed.messages(name).length, (count) => count === 3, 15_000);
    expect(bed.messages(name)[2]?.text).toContain(`ServerGroup ${name} in ${AWS_REGION} (account aws) should exist and does not`);
    expect(await bed.group(name)).toMatchObject({ state: 'missing', apiVersion: 'aws' });
  });
});

if (!awsCli) console.warn('aws (the AWS CLI) is not on PATH: skipping server group drift on AWS (.ci/run installs awscli)');

describe(`server group drift on GCP (fake Compute API, real client, ${backend} queue, ${INTERVAL_SECONDS} s checks)`, () => {
  let fake: FakeGcp;
  let bed: Bed;
  let gce: GceClient;
  const scope = { operation: 'outside Gantry', region: GCP_REGION };

  beforeAll(async () => {
    fake = await startFakeGcp({ readyDelayMs: 50, operationDelayMs: 10 });
    const account = gcpAccount(fake);
    await seedGcp(account, { backendServices: ['shop-web-bs'], images: ['debian-base'] });
    gce = new GceClient(gcpClientOptions(account, {}), account.project, account.name);
    bed = await driftBed(testRegistry([account]));
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
    await gce?.close();
    await fake?.close();
  });

  it('reports a resize and setInstanceTemplate through the client, once, clears them put back, and forgets a group Gantry destroys', async () => {
    const name = await deployedThenResizedByGantry(bed, { account: 'gcp', region: GCP_REGION }, 'web', 'debian-base', { backendService: 'shop-web-bs', namedPorts: { http: 8080 } });
    const [mig] = await gce.call(scope, (c) => c.migs.get({ project: c.project, region: GCP_REGION, instanceGroupManager: name }, c.options));
    const deployedTemplate = String(mig.instanceTemplate);
    const [template] = await gce.call(scope, (c) => c.templates.get({ project: c.project, instanceTemplate: deployedTemplate.split('/').at(-1) ?? '' }, c.options));
    await gce.mutate(scope, (c) => c.templates.insert({ project: c.project, instanceTemplateResource: { name: 'hand-made', properties: template.properties ?? null } }, c.options));

    await gce.mutate(scope, (c) => c.migs.resize({ project: c.project, region: GCP_REGION, instanceGroupManager: name, size: 5 }, c.options));
    const changedAt = Date.now();
    const setTemplate = (instanceTemplate: string) =>
      gce.mutate(scope, (c) => c.migs.setInstanceTemplate({ project: c.project, region: GCP_REGION, instanceGroupManager: name, regionInstanceGroupManagersSetTemplateRequestResource: { instanceTemplate } }, c.options));
    await setTemplate(`projects/${fake.project}/global/instanceTemplates/hand-made`);
    const elapsed = await reportedOnce(bed, name, changedAt, [
      { path: 'capacity.desired', desired: 3, live: 5 },
      { path: 'instanceTemplate.name', desired: deployedTemplate.split('/').at(-1), live: 'hand-made' },
    ]);
    console.info(`server group drift (gcp): the client's answer to the Slack notification ${elapsed} ms (checks every ${INTERVAL_SECONDS} s)`);

    await gce.mutate(scope, (c) => c.migs.resize({ project: c.project, region: GCP_REGION, instanceGroupManager: name, size: 3 }, c.options));
    await setTemplate(deployedTemplate);
    await clearedOnce(bed, name);

    const destroy = await savedPipeline(bed.gantry, 'shop', [
      { refId: 'destroy', type: 'destroyServerGroup', credentials: 'gcp', regions: [GCP_REGION], cluster: 'shop-web', target: 'current_asg_dynamic' },
    ]);
    expect(outcomeOf(await destroy())).toEqual(SUCCEEDED);
    expect(await bed.desired(name)).toBeUndefined();
    expect(await bed.group(name)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_SECONDS * 1000));
    expect(await bed.group(name)).toBeUndefined();
    expect(bed.messages(name)).toHaveLength(2);
  });
});
