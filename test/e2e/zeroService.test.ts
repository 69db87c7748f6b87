import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/providers/src/local/ports';
import { readUntil } from '../support/eventually';
import { processAuth, spawnGantry, waitForReady, type GantryProcess } from '../support/gantryProcess';

/** Gantry with nothing but Node: embedded PostgreSQL, and messages through BullMQ's PostgreSQL backend. */
const ZERO_SERVICE = { DATABASE_URL: undefined, REDIS_URL: undefined, LOG_LEVEL: 'warn' };

describe('zero-service start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-zero-'));
  let gantry: GantryProcess | undefined;
  let base = '';
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await gantry?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? processAuth : { ...processAuth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as T;
  };
  type Execution = { id: string; status: string; stages: { refId: string; status: string; outputs: Record<string, unknown> }[] };
  const waitForExecution = (id: string, done: (e: Execution) => boolean, timeoutMs = 90_000) =>
    readUntil(() => json<Execution>('GET', `/api/v1/executions/${id}`), done, timeoutMs, 100);

  it('starts with no DATABASE_URL and no REDIS_URL, survives SIGKILL mid-execution, and finishes it once after a restart', async () => {
    const env = { ...ZERO_SERVICE, GANTRY_DATA_DIR: dataDir, PORT: String(port) };
    gantry = spawnGantry(env);
    await waitForReady(base, gantry);
    const pipeline = await json<{ id: string }>('POST', '/api/v1/pipelines', {
      application: 'zero',
      name: 'restart',
      stages: [
        { refId: 'soak', type: 'wait', waitTime: 2 },
        { refId: 'done', type: 'evaluateVariables', requisiteStageRefIds: ['soak'], variables: [{ key: 'ok', value: true }] },
      ],
    });
    const execution = await json<{ id: string }>('POST', `/api/v1/pipelines/${pipeline.id}/executions`, {});
    await waitForExecution(execution.id, (e) => e.stages.some((s) => s.refId === 'soak' && s.status === 'RUNNING'));

    expect(await gantry.kill('SIGKILL')).toBeNull();
    gantry = spawnGantry(env);
    await waitForReady(base, gantry);
    const finished = await waitForExecution(execution.id, (e) => e.status !== 'RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.stages.find((s) => s.refId === 'done')?.outputs).toEqual({ ok: true });
    const events = await json<{ events: { type: string; data: { refId?: string } }[] }>('GET', `/api/v1/executions/${execution.id}/events`);
    const started = events.events.filter((e) => e.type === 'STAGE_STARTED').map((e) => e.data.refId);
    expect(started).toEqual(['soak', 'done']);
    expect(events.events.filter((e) => e.type === 'EXECUTION_COMPLETED')).toHaveLength(1);
    // The pipeline saved before the crash is still there.
    expect((await json<{ version: number }>('GET', `/api/v1/pipelines/${pipeline.id}`)).version).toBe(1);

    expect(await gantry.kill('SIGTERM')).toBe(0);
    expect(gantry.output()).not.toMatch(/\n\s+at /);
    // A clean shutdown stops the embedded server too.
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    gantry = undefined;
  }, 180_000);

  describe('bad configuration: one line naming the setting, non-zero exit', () => {
    const failsWith = async (env: Record<string, string | undefined>, pattern: RegExp) => {
      const run = spawnGantry({ ...ZERO_SERVICE, PORT: String(await freePort()), ...env });
      const code = await run.exited;
      expect(code).not.toBe(0);
      const lines = run.output().trim().split('\n');
      expect(lines.at(-1)).toMatch(pattern);
      expect(run.output()).not.toMatch(/\n\s+at /);
    };

    it('an unwritable data directory', async () => {
      // Root may write anywhere, so the unusable directory is one below a plain file.
      const file = join(mkdtempSync(join(tmpdir(), 'gantry-file-')), 'not-a-dir');
      writeFileSync(file, '');
      await failsWith({ GANTRY_DATA_DIR: `${file}/data` }, /^gantry: GANTRY_DATA_DIR=.*not-a-dir\/data is not a writable directory/);
    });

    it('an unreachable DATABASE_URL', async () => {
      await failsWith({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/gantry' }, /^gantry: cannot reach PostgreSQL at DATABASE_URL=postgresql:\/\/postgres@127\.0\.0\.1:1\/gantry/);
    });

    it('a PORT already in use', async () => {
      const taken: Server = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
      const { port: busy } = taken.address() as { port: number };
      try {
        const dir = mkdtempSync(join(tmpdir(), 'gantry-port-'));
        await failsWith({ GANTRY_DATA_DIR: dir, PORT: String(busy) }, new RegExp(`^gantry: PORT=${busy} is already in use`));
        rmSync(dir, { recursive: true, force: true });
      } finally {
        taken.close();
      }
    }, 60_000);

    it('an embedded PostgreSQL port in use', async () => {
      const taken: Server = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const { port: busy } = taken.address() as { port: number };
      try {
        const dir = mkdtempSync(join(tmpdir(), 'gantry-pgport-'));
        await failsWith({ GANTRY_DATA_DIR: dir, GANTRY_EMBEDDED_PG_PORT: String(busy) }, new RegExp(`^gantry: GANTRY_EMBEDDED_PG_PORT=${busy}: the port is already in use`));
        rmSync(dir, { recursive: true, force: true });
      } finally {
        taken.close();
      }
    }, 60_000);

    it('a malformed setting', async () => {
      await failsWith({ REDIS_URL: 'http://nope' }, /^gantry: invalid configuration: REDIS_URL: must be a redis: or rediss: URL/);
    });
  });
});
