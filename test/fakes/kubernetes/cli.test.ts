/** The standalone CLI (`npm run fake -- kubernetes`), spawned as a user would run it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function startCli(...args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/cli.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(output: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('npm run fake -- kubernetes', () => {
  it('serves /version on the given port until SIGTERM', async () => {
    const port = await freePort();
    const cli = startCli('kubernetes', '--port', String(port), '--ready-delay-ms', '10');
    const [, url] = await waitFor(cli.output, /fake kubernetes listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const version = (await (await fetch(`${url}/version`)).json()) as { major: string; minor: string; gitVersion: string };
    expect(version).toMatchObject({ major: '1', minor: '32' });
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('exits 2 with the usage for an unknown fake or a bad option', async () => {
    const unknown = startCli('nope');
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('usage: npm run fake -- <fake> [options]');
    const badOption = startCli('kubernetes', '--port', 'abc');
    expect(await badOption.exited).toBe(2);
    expect(badOption.output()).toContain('--port must be a non-negative integer');
  });
});
