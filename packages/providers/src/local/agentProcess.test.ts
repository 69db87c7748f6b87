import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, signal } from './processes';
import { AGENT_FILE, type AgentFile } from './protocol';
import { agentEnvironment, ensureAgent } from './agentProcess';

const started: number[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const pid of started) signal(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (started.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  for (const pid of started.filter(isAlive)) signal(pid, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-agent-'));
  dirs.push(dir);
  return dir;
}

describe('ensureAgent', () => {
  it('replaces a stale agent file and starts one agent for concurrent callers', { timeout: 60_000 }, async () => {
    const dir = dataDir();
    // A dead pid and a port nobody serves, as a machine restart leaves it.
    writeFileSync(join(dir, AGENT_FILE), JSON.stringify({ pid: 2 ** 22 + 1, port: 1, token: 'old', startedAt: '' }));
    const [a, b] = await Promise.all([ensureAgent(dir), ensureAgent(dir)]);
    started.push(a.pid);
    expect(b).toEqual(a);
    expect(a.token).not.toBe('old');
    expect(isAlive(a.pid)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, AGENT_FILE), 'utf8')) as AgentFile).toEqual(a);
    // Reused while it lives.
    expect(await ensureAgent(dir)).toEqual(a);
  });
});

describe('agentEnvironment', () => {
  it('passes what programs need, not Gantry settings and secrets', () => {
    expect(agentEnvironment({ PATH: '/bin', HOME: '/root', DATABASE_URL: 'postgresql://u:p@h/db', GANTRY_SECRET_GITHUB: 's3cr3t', NODE_OPTIONS: '--x' })).toEqual({
      PATH: '/bin',
      HOME: '/root',
    });
  });
});
