/** For tests of `npm run fake -- <fake>`: spawn the CLI as a user would and wait for its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function startFakeCli(...args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fakes/cli.ts', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The fake CLIs a test file started, so that whichever still runs after a test can be SIGKILLed. */
export class StartedFakeClis {
  private readonly started: CliProcess[] = [];

  start(...args: string[]): CliProcess {
    const cli = startFakeCli(...args);
    this.started.push(cli);
    return cli;
  }

  killRunning(): void {
    for (const cli of this.started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
}

export async function waitForOutput(output: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
