import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { clustersInFlight, forgetDeployedManifests, forgetUnwatched, observationTime, recordDeployedManifests, rebaseDeployedManifest, recordDriftObservations, selectDeployedManifests, selectDrift, type DriftObservation } from './drift';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

const web = { account: 'k8s', namespace: 'prod', kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', application: 'shop' };
const observation = (state: DriftObservation['state']): DriftObservation => ({
  ...web,
  state,
  fields: state === 'drifted' ? [{ path: 'spec.replicas', desired: 2, live: 5 }] : [],
  targets: [{ type: 'slack', address: '#ops' }],
});

/** Gantry deployed these an hour ago: observations made since then are weighed. */
async function deployedLongAgo(...resources: (typeof web)[]): Promise<void> {
  await recordDeployedManifests(database.db.pool, resources.map((resource) => ({ ...resource, manifest: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: resource.name } } })));
  await database.db.pool.query(`UPDATE deployed_manifests SET updated_at = now() - interval '1 hour'`);
}

async function counts(): Promise<{ audit: number; notifications: number }> {
  const { rows } = await database.db.pool.query<{ audit: string; notifications: string }>(
    `SELECT (SELECT count(*) FROM audit_events WHERE type LIKE 'DRIFT_%') AS audit, (SELECT count(*) FROM notification_deliveries WHERE key LIKE 'drift:%') AS notifications`,
  );
  return { audit: Number(rows[0]?.audit), notifications: Number(rows[0]?.notifications) };
}

describe('recordDriftObservations', () => {
  it('makes each change of state one audit event and one notification, however many checks see it at once, and drops older observations', async () => {
    await deployedLongAgo(web);
    const t0 = new Date(Date.now() - 10_000);
    await recordDriftObservations(database.db.pool, [observation('in-sync')], t0);
    expect(await counts()).toEqual({ audit: 0, notifications: 0 });

    const t1 = new Date(t0.getTime() + 1000);
    const t2 = new Date(t0.getTime() + 2000);
    // Four workers' checks commit at once: the drift is one event.
    await Promise.all([t1, t1, t2, t2].map((at) => recordDriftObservations(database.db.pool, [observation('drifted')], at)));
    expect(await counts()).toEqual({ audit: 1, notifications: 1 });
    const [drifted] = await selectDrift(database.db.pool, { applications: ['shop'] });
    expect(drifted).toMatchObject({ state: 'drifted', fields: [{ path: 'spec.replicas', desired: 2, live: 5 }] });

    // A check that began before the last recorded one cannot turn the state back.
    await recordDriftObservations(database.db.pool, [observation('in-sync')], new Date(t0.getTime() + 1500));
    expect((await selectDrift(database.db.pool, { applications: null }))[0]?.state).toBe('drifted');

    await recordDriftObservations(database.db.pool, [observation('in-sync')], new Date(t0.getTime() + 3000));
    expect(await counts()).toEqual({ audit: 2, notifications: 2 });
    expect(await selectDrift(database.db.pool, { applications: ['other'] })).toEqual([]);
  });
});

describe('an observation against a desired state that changed meanwhile', () => {
  it('is dropped when a stage re-based or forgot the object after the check began observing, weighed on the database clock', async () => {
    const group = { account: 'aws', namespace: 'us-east-1', kind: 'ServerGroup', name: 'shop-web-v000', apiVersion: 'aws', application: 'shop' };
    const seen = (state: DriftObservation['state']): DriftObservation => ({ ...group, state, fields: state === 'drifted' ? [{ path: 'capacity.desired', desired: 2, live: 5 }] : [], targets: [] });
    const before = await observationTime(database.db.pool);
    await recordDeployedManifests(database.db.pool, [{ ...group, manifest: { capacity: { min: 2, max: 6, desired: 5 } } }]);
    expect(await recordDriftObservations(database.db.pool, [seen('drifted')], before)).toEqual([]);
    expect((await selectDrift(database.db.pool, { applications: ['shop'] })).filter((row) => row.kind === 'ServerGroup')).toEqual([]);

    // A check that begins in the millisecond of the change is dropped: this one begins after it.
    await new Promise((resolve) => setTimeout(resolve, 3));
    const after = await observationTime(database.db.pool);
    expect((await recordDriftObservations(database.db.pool, [seen('drifted')], after)).map((change) => change.event)).toEqual(['DRIFT_DETECTED']);
    await forgetDeployedManifests(database.db.pool, [group]);
    expect(await recordDriftObservations(database.db.pool, [seen('missing')], await observationTime(database.db.pool))).toEqual([]);
    expect(await selectDeployedManifests(database.db.pool, { account: 'aws', serverGroups: true })).toEqual([]);
  });
});

describe('deployed manifests', () => {
  it('records what was applied and re-bases it on what a later stage left', async () => {
    const manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } };
    await recordDeployedManifests(database.db.pool, [{ ...web, manifest }]);
    await rebaseDeployedManifest(database.db.pool, web, { ...manifest, metadata: { name: 'web', uid: 'u' }, spec: { replicas: 3, paused: false } }, { executionId: crypto.randomUUID(), stageId: crypto.randomUUID() });
    expect((await selectDeployedManifests(database.db.pool, { account: 'k8s' }))[0]?.manifest).toEqual({ ...manifest, spec: { replicas: 3 } });
  });
});

describe('forgetUnwatched', () => {
  it('drops the rows of objects no longer watched, checked before this check, and keeps the watched ones', async () => {
    const at = new Date();
    const api = { ...web, name: 'api' };
    await deployedLongAgo(web, api);
    await recordDriftObservations(database.db.pool, [observation('in-sync'), { ...observation('in-sync'), ...api }], new Date(at.getTime() - 1000));
    // Nothing watched at all is a valid check too (the first start of a server with no deploys).
    expect(await forgetUnwatched(database.db.pool, [web], new Date(at.getTime() - 5000))).toBe(0);
    expect(await forgetUnwatched(database.db.pool, [web], at)).toBe(1);
    expect((await selectDrift(database.db.pool, { applications: null })).map((row) => row.name)).toEqual(['web']);
    expect(await forgetUnwatched(database.db.pool, [], at)).toBe(1);
  });
});

describe('clustersInFlight', () => {
  it('names the clusters of running or paused stages, from their outputs or their definition, and none of finished ones', async () => {
    const sql = database.db.pool;
    const pipeline = crypto.randomUUID();
    await sql.query(`INSERT INTO pipelines (id, application, name, version) VALUES ($1, 'shop', 'in-flight', 1)`, [pipeline]);
    const stage = async (executionStatus: string, stageStatus: string, context: object, outputs: object) => {
      const execution = crypto.randomUUID();
      await sql.query(`INSERT INTO executions (id, pipeline_id, pipeline_version, application, pipeline_name, status, trigger, parameters) VALUES ($1, $2, 1, 'shop', 'in-flight', $3, '{}', '{}')`, [
        execution,
        pipeline,
        executionStatus,
      ]);
      await sql.query(`INSERT INTO stages (id, execution_id, ref_id, type, name, requisite_stage_ref_ids, definition, context, outputs, status) VALUES ($1, $2, 's', 'resizeServerGroup', 's', '{}', '{}', $3, $4, $5)`, [
        crypto.randomUUID(),
        execution,
        JSON.stringify(context),
        JSON.stringify(outputs),
        stageStatus,
      ]);
    };
    await stage('RUNNING', 'RUNNING', { cluster: { application: 'shop' } }, { cluster: 'shop-web', account: 'aws' });
    await stage('PAUSED', 'PAUSED', { cluster: 'shop-api' }, {});
    await stage('RUNNING', 'SUCCEEDED', {}, { cluster: 'shop-done' });
    await stage('SUCCEEDED', 'SUCCEEDED', { cluster: 'shop-old' }, { cluster: 'shop-old' });
    expect([...(await clustersInFlight(sql))].sort()).toEqual(['shop-api', 'shop-web']);
  });
});
