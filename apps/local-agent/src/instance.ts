import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { Agent as HttpAgent, get } from 'node:http';
import { join } from 'node:path';
import { isInstanceProcess, portAnswers, signal, tailLines } from '@gantry/providers/local/processes';
import type { ExitRecord, InstanceCommand, InstanceState, InstanceView } from '@gantry/providers/local/protocol';
import type { PersistedInstance } from '@gantry/providers/local/state';
import { describeExit } from './exits';

export interface InstanceContext {
  serverGroup: string;
  imageDir: string;
  run: InstanceCommand;
  logDir: string;
  /** A free port for the next process of this instance. */
  pickPort(): Promise<number>;
  /** Something worth persisting or routing on changed (pid, port, state). */
  changed(): void;
  /** Test fault injection: health checks of this group fail whatever the instance answers. */
  failing(): boolean;
  log(message: string): void;
}

/** An instance is failing when it exits (or times out) this many times in a row before getting healthy. */
export const CRASH_LOOP_FAILURES = 3;
const MAX_BACKOFF_MS = 10_000;
const BASE_BACKOFF_MS = 500;
const CHECK_INTERVAL_MS = { starting: 250, up: 1_000 } as const;
const CHECK_TIMEOUT_MS = 2_000;
const FAILED_CHECKS_UNTIL_DOWN = 2;
const STOP_GRACE_MS = 10_000;

/**
 * One instance slot of a server group: a child process on its own port, health-checked over HTTP,
 * restarted with exponential backoff when it exits, and stoppable with a grace period. Instances
 * adopted from an earlier agent are not its children: their exit is noticed by polling the pid.
 */
export class Instance {
  readonly id: string;
  port: number;
  pid: number | null;
  state: InstanceState = 'starting';
  restarts: number;
  startedAt: string;
  lastExit: ExitRecord | undefined;
  /** Exits (or start timeouts) in a row without getting healthy in between. */
  failuresInARow = 0;
  /** Requests the proxy is forwarding to this instance now (drained before it stops). */
  inFlight = 0;
  /** Keep-alive connections from the proxy, per process (a new process has a new port). */
  httpAgent = newHttpAgent();
  private child: ChildProcess | undefined;
  /** Which process of this slot the callbacks are about: one more per launch or adoption. */
  private generation = 0;
  private exitHandled = true;
  private timer: NodeJS.Timeout | undefined;
  private failedChecks = 0;
  private stopped: Promise<void> | undefined;
  private exited: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly context: InstanceContext,
    record: PersistedInstance,
  ) {
    this.id = record.id;
    this.port = record.port;
    this.pid = record.pid;
    this.restarts = record.restarts;
    this.startedAt = record.startedAt;
    this.lastExit = record.lastExit;
  }

  /** Starts a new process (on a new free port). */
  async launch(): Promise<void> {
    if (this.stopped) return;
    this.port = await this.context.pickPort();
    if (this.stopped) return;
    const { run, imageDir, serverGroup } = this.context;
    mkdirSync(this.context.logDir, { recursive: true });
    const out = openSync(join(this.context.logDir, `${this.id}.out`), 'w');
    const err = openSync(join(this.context.logDir, `${this.id}.err`), 'w');
    this.state = 'starting';
    this.startedAt = new Date().toISOString();
    this.failedChecks = 0;
    const generation = this.begin();
    this.httpAgent.destroy();
    this.httpAgent = newHttpAgent();
    try {
      const child = spawn(run.command, run.args, {
        cwd: imageDir,
        env: { ...process.env, ...run.env, PORT: String(this.port), GANTRY_SERVER_GROUP: serverGroup, GANTRY_IMAGE_DIR: imageDir, GANTRY_INSTANCE_ID: this.id },
        stdio: ['ignore', out, err],
        // Its own process group: stopping it signals the app's children too, and a signal sent to
        // the agent's group does not reach it, so it outlives an agent restart.
        detached: true,
      });
      this.child = child;
      this.pid = child.pid ?? null;
      child.once('error', (error) => this.exitedWith(generation, null, null, `cannot start ${run.command}: ${error.message}`));
      child.once('exit', (code, signalName) => this.exitedWith(generation, code, signalName, undefined));
      child.unref();
    } finally {
      closeSync(out);
      closeSync(err);
    }
    this.context.changed();
    this.scheduleCheck();
  }

  /**
   * Takes over a process an earlier agent started, if it is still the same process; otherwise
   * starts a new one. Its exit code will be unknown (it is not our child).
   */
  async adoptOrLaunch(): Promise<void> {
    if (this.pid !== null && isInstanceProcess(this.pid, this.id)) {
      this.begin();
      this.state = (await portAnswers(this.port)) ? 'up' : 'starting';
      this.failedChecks = 0;
      this.context.changed();
      this.scheduleCheck();
      return;
    }
    await this.launch();
  }

  /** Stops the process: SIGTERM, then SIGKILL after the grace period. No restart follows. */
  stop(): Promise<void> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  /**
   * Chaos: SIGKILLs the process if it is still `pid` (the incarnation the caller chose), which the
   * supervisor then sees as a crash and restarts. Another pid (already replaced) or a stopping slot
   * is left alone, so a repeated kill never hits the replacement. True when a signal was sent.
   */
  kill(pid: number): boolean {
    if (this.stopped || this.pid !== pid || this.exitHandled || !this.isRunning()) return false;
    signal(pid, 'SIGKILL');
    return true;
  }

  /** Resolves when no request is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  requestDone(): void {
    this.inFlight -= 1;
    if (this.inFlight > 0) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  toRecord(): PersistedInstance {
    return { id: this.id, pid: this.pid, port: this.port, startedAt: this.startedAt, restarts: this.restarts, ...(this.lastExit ? { lastExit: this.lastExit } : {}) };
  }

  view(): InstanceView {
    return { ...this.toRecord(), state: this.state };
  }

  private async terminate(): Promise<void> {
    clearTimeout(this.timer);
    this.state = 'stopping';
    this.httpAgent.destroy();
    const pid = this.pid;
    if (pid === null || !this.isRunning()) return;
    const gone = new Promise<void>((resolve) => {
      this.exited = resolve;
    });
    signal(pid, 'SIGTERM');
    const poll = setInterval(() => {
      if (!this.isRunning()) this.exited?.();
    }, 100);
    const kill = setTimeout(() => signal(pid, 'SIGKILL'), STOP_GRACE_MS);
    await gone;
    clearInterval(poll);
    clearTimeout(kill);
  }

  private isRunning(): boolean {
    if (this.child) return this.child.exitCode === null && this.child.signalCode === null;
    return this.pid !== null && isInstanceProcess(this.pid, this.id);
  }

  private begin(): number {
    this.generation += 1;
    this.exitHandled = false;
    return this.generation;
  }

  private exitedWith(generation: number, code: number | null, signalName: string | null, reason: string | undefined): void {
    if (generation !== this.generation || this.exitHandled) return;
    this.exitHandled = true;
    this.child = undefined;
    if (this.stopped) {
      this.exited?.();
      return;
    }
    clearTimeout(this.timer);
    this.lastExit = {
      code,
      signal: signalName,
      stderrTail: tailLines(join(this.context.logDir, `${this.id}.err`)),
      at: new Date().toISOString(),
      ...(reason === undefined ? {} : { reason }),
    };
    // A healthy check resets the count, so this counts exits since the instance was last up.
    this.failuresInARow += 1;
    this.state = 'down';
    this.restarts += 1;
    this.context.changed();
    const backoff = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (this.failuresInARow - 1));
    this.context.log(`instance ${this.id} (pid ${this.pid ?? '?'}) ${describeExit(this.lastExit)}; restarting in ${backoff} ms`);
    this.timer = setTimeout(() => void this.launch(), backoff);
  }

  private scheduleCheck(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.state === 'up' ? CHECK_INTERVAL_MS.up : CHECK_INTERVAL_MS.starting);
  }

  private async check(): Promise<void> {
    const generation = this.generation;
    if (this.stopped || this.exitHandled) return;
    if (this.child === undefined && !this.isRunning()) {
      // An adopted process is not our child: its exit shows only as a dead pid.
      this.exitedWith(generation, null, null, 'the process is gone (exit code unknown: it was adopted from an earlier agent)');
      return;
    }
    const healthy = !this.context.failing() && (await httpOk(this.port, this.context.run.healthPath));
    if (this.stopped || generation !== this.generation || this.exitHandled) return;
    const before = this.state;
    if (healthy) {
      this.state = 'up';
      this.failedChecks = 0;
      this.failuresInARow = 0;
    } else if (this.state === 'up' && ++this.failedChecks >= FAILED_CHECKS_UNTIL_DOWN) {
      // Running but no longer answering: out of the proxy until its check passes again.
      this.state = 'down';
    } else if (this.state === 'starting' && Date.now() - Date.parse(this.startedAt) > this.context.run.startTimeoutSec * 1000) {
      this.timedOut();
      return;
    }
    if (before !== this.state) this.context.changed();
    this.scheduleCheck();
  }

  /** Never healthy within startTimeoutSec: kill it; its exit counts as a failure and restarts it. */
  private timedOut(): void {
    const pid = this.pid;
    const generation = this.generation;
    const reason = `not healthy (GET ${this.context.run.healthPath} → 200) within ${this.context.run.startTimeoutSec} s (startTimeoutSec)`;
    if (this.child) {
      this.child.removeAllListeners('exit');
      this.child.once('exit', (code, signalName) => this.exitedWith(generation, code, signalName, reason));
    }
    if (pid !== null) signal(pid, 'SIGKILL');
    if (!this.child) this.exitedWith(generation, null, 'SIGKILL', reason);
  }
}

function newHttpAgent(): HttpAgent {
  return new HttpAgent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1_000 });
}

function httpOk(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false, timeout: CHECK_TIMEOUT_MS }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}
