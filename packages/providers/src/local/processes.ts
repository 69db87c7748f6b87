import { closeSync, openSync, readFileSync, readSync, fstatSync } from 'node:fs';
import { connect } from 'node:net';

/** Small facts about OS processes and ports: the agent supervises and re-adopts instances with them, the provider checks its agent. */

/** Whether the process runs; a zombie (exited, not yet reaped by its new parent) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may hold spaces and parentheses, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Whether `pid` is the process the agent started for instance `instanceId`: on Linux its
 * environment carries GANTRY_INSTANCE_ID, which guards against a recycled pid; elsewhere a live
 * pid is all there is to go on.
 */
export function isInstanceProcess(pid: number, instanceId: string): boolean {
  if (!isAlive(pid)) return false;
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return process.platform !== 'linux';
  }
  return environ.toString('utf8').split('\0').includes(`GANTRY_INSTANCE_ID=${instanceId}`);
}

/** Signals the instance's whole process group (it runs detached), so a shell's children go too. */
export function signal(pid: number, name: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, name);
      return;
    } catch {
      // Not a group leader (or gone): try the pid alone, then give up quietly.
    }
  }
}

export function portAnswers(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The last `lines` non-empty lines of a file, reading at most its last 8 KiB. */
export function tailLines(file: string, lines = 10): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 8_192);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').split('\n').map((line) => line.trimEnd()).filter((line) => line !== '').slice(-lines);
  } finally {
    closeSync(fd);
  }
}
