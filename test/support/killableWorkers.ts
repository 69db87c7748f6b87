/**
 * For crash/resume tests: a test Gantry on the fake Kubernetes whose workers run as child processes
 * (so a test can SIGKILL them at any instant) and read their accounts the way production does,
 * from GANTRY_ACCOUNTS_FILE.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { parseAccounts } from '../../packages/providers/src';
import { spawnWorker, type ChildWorker } from './childWorker';
import { startTestGantry, type TestGantry } from './gantryHarness';
import type { QueueBackendKind } from './queueBackends';
import { accountsYaml, testRegistry } from './serverGroups';

export interface KillableWorkerGantry {
  fake: FakeKubernetes;
  gantry: TestGantry;
  /** Starts one more worker and resolves once it is ready. */
  startWorker(): Promise<ChildWorker>;
  /** Kills the workers still running, then stops Gantry and the fake. */
  stop(): Promise<void>;
}

/**
 * For a describe block: starts the Gantry before its tests and stops it after them. `fake` and
 * `gantry` are there only while its tests run. `accountsFileFor` as for startKillableWorkerGantry.
 */
export function killableWorkerSuite(backend: QueueBackendKind, accountsFileFor?: (fake: FakeKubernetes) => string): Omit<KillableWorkerGantry, 'stop'> {
  let started: KillableWorkerGantry | undefined;
  beforeAll(async () => {
    started = await startKillableWorkerGantry(backend, accountsFileFor);
  });
  afterAll(() => started?.stop());
  const harness = (): KillableWorkerGantry => {
    if (started === undefined) throw new Error('the killable worker Gantry is only there while its suite\'s tests run');
    return started;
  };
  return {
    get fake() {
      return harness().fake;
    },
    get gantry() {
      return harness().gantry;
    },
    startWorker: () => harness().startWorker(),
  };
}

/** `accountsFileFor` writes the accounts file (one Kubernetes account `k8s` by default); the API and the workers share it. */
async function startKillableWorkerGantry(backend: QueueBackendKind, accountsFileFor: (fake: FakeKubernetes) => string = accountsYaml): Promise<KillableWorkerGantry> {
  const fake = await startFakeKubernetes({ readyDelayMs: 100 });
  let gantry: TestGantry;
  const accountsFile = join(mkdtempSync(join(tmpdir(), 'gantry-accounts-')), 'accounts.yaml');
  try {
    const yaml = accountsFileFor(fake);
    writeFileSync(accountsFile, yaml);
    gantry = await startTestGantry({ backend, worker: false, providers: testRegistry(parseAccounts(yaml, accountsFile)) });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const workers: ChildWorker[] = [];
  return {
    fake,
    gantry,
    async startWorker() {
      const child = spawnWorker(gantry.database.url, gantry.queue, { GANTRY_ACCOUNTS_FILE: accountsFile });
      workers.push(child);
      await child.ready;
      return child;
    },
    async stop() {
      await Promise.all(workers.map((worker) => worker.kill()));
      await gantry.stop();
      await fake.close();
    },
  };
}
