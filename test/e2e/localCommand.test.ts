import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DemoApi } from '../../examples/demo/api';
import { startLocalGantry, type LocalGantry } from '../support/localGantry';

const EXAMPLE_APP = fileURLToPath(new URL('../../examples/app', import.meta.url));

/**
 * A pipeline that asks the `local` account to run a shell of its choosing (issue 14): refused on the
 * default account, where what runs is declared by the image's gantry-app.json; run only where the
 * accounts file sets allowPipelineCommands.
 */
function shellPipeline(application: string, proof: string) {
  return {
    application,
    name: 'shell',
    stages: [
      {
        refId: 'deploy',
        type: 'deploy',
        cluster: {
          account: 'local',
          application,
          stack: 'web',
          strategy: 'highlander',
          image: EXAMPLE_APP,
          capacity: { min: 1, max: 1, desired: 1 },
          settings: { command: '/bin/sh', args: ['-c', `id > ${proof}`], startTimeoutSec: 5 },
        },
      },
    ],
  };
}

describe('a pipeline choosing the command on the local account', () => {
  let local: LocalGantry | undefined;
  const proofs: string[] = [];
  const newProof = () => {
    const proof = join(tmpdir(), `proof-${randomBytes(8).toString('hex')}`);
    proofs.push(proof);
    return proof;
  };
  afterEach(async () => {
    await local?.close();
    local = undefined;
  }, 60_000);
  afterAll(() => proofs.forEach((proof) => rmSync(proof, { force: true })));

  it('on the default account: the stage fails naming settings.command and the account, and nothing runs', { timeout: 120_000 }, async () => {
    local = await startLocalGantry();
    const api = new DemoApi(local.url, local.token);
    const proof = newProof();
    const execution = await api.waitFor(await api.trigger(await api.savePipeline(shellPipeline('proofa', proof)), {}));
    expect(execution.status).toBe('TERMINAL');
    const deploy = JSON.stringify(execution.stages);
    expect(deploy).toContain('settings.command: account local runs only what the image declares in its gantry-app.json');
    expect(deploy).toContain('allowPipelineCommands: true');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(existsSync(proof)).toBe(false);
    expect(await api.serverGroups('proofa', 'proofa-web')).toEqual([]);
  });

  it('on an account with allowPipelineCommands: the command runs', { timeout: 120_000 }, async () => {
    local = await startLocalGantry({ accountsYaml: 'accounts:\n  - name: local\n    provider: local\n    allowPipelineCommands: true\n' });
    const api = new DemoApi(local.url, local.token);
    const proof = newProof();
    const executionId = await api.trigger(await api.savePipeline(shellPipeline('proofb', proof)), {});
    // The shell exits at once, so the deploy itself fails (never healthy); what matters is that it ran.
    await api.waitFor(executionId);
    expect(existsSync(proof)).toBe(true);
    expect(readFileSync(proof, 'utf8')).toMatch(/^uid=\d+/);
  });
});
