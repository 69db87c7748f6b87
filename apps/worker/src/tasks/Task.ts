import type { DeployPolicy, PipelineDefinition, SecretResolver } from '@gantry/core';
import type { KayentaMetricsAccount } from '@gantry/canary';
import type { ArtifactAccounts, JenkinsClient, ProviderRegistry } from '@gantry/providers';
import type { AuthStore, ClusterPlace, JsonObject, PipelineRecord, SavedBy } from '@gantry/store';
import type { DriftChecker } from '../drift/DriftChecker';

/**
 * A task is one resumable step of a stage. The engine calls `run` until it returns a complete
 * status; a `RUNNING` result is a poll, re-run after `retryAfterMs` by a delayed RunTask message
 * (no worker ever sleeps). `run` may be called again for the same step after a crash, so its
 * external effects must be idempotent (look before create, idempotency keys).
 */
export interface TaskImplementation<Name extends string = string> {
  /** The name stage types plan with, e.g. `createWebhook`. */
  readonly name: Name;
  /** Fails the task TERMINAL when it has been running longer than this. */
  readonly timeoutMs?: number;
  /**
   * The task does no I/O (no service, no provider, no clock-driven wait) and answers at once from
   * its context: the engine may run it inside the step's transaction, under the execution's lock,
   * on the rows read there, saving the read before the lock.
   */
  readonly local?: true;
  run(ctx: TaskContext): Promise<TaskResult>;
}

/**
 * A task as the engine runs it: its name kept as a literal type, so the built-in task table can
 * check it against the plans, and a TaskFailure thrown anywhere inside it ending it TERMINAL.
 */
export function defineTask<Name extends string>(task: TaskImplementation<Name>): TaskImplementation<Name> {
  return answeringFailures(task, (error) => {
    if (error instanceof TaskFailure) return { status: 'TERMINAL', error: error.message };
    throw error;
  });
}

/** The task with what its run throws handed to `answer`, which returns a result or rethrows. */
export function answeringFailures<Name extends string>(task: TaskImplementation<Name>, answer: (error: unknown) => TaskResult): TaskImplementation<Name> {
  return {
    ...task,
    async run(ctx) {
      try {
        return await task.run(ctx);
      } catch (error) {
        return answer(error);
      }
    },
  };
}

export interface TaskContext {
  execution: {
    id: string;
    application: string;
    pipelineId: string;
    pipelineName: string;
    trigger: JsonObject;
    parameters: JsonObject;
    /** Every stage of the execution by refId, as it stands now. */
    stages: Record<string, { status: string; outputs: JsonObject }>;
  };
  stage: {
    id: string;
    refId: string;
    type: string;
    name: string;
    /** The stage's fields with every `${…}` already resolved, plus state set through the API (judgments, skips). */
    context: JsonObject;
    outputs: JsonObject;
    attempt: number;
    startTime: Date;
  };
  task: {
    id: string;
    name: string;
    /** Private state this task returned from its previous runs. */
    state: JsonObject;
    polls: number;
    startTime: Date;
  };
  services: TaskServices;
}

/** What tasks may reach beyond their own stage. */
export interface TaskServices {
  /** Start an execution of another pipeline exactly once per key; returns its id. */
  startPipeline(input: {
    application: string;
    pipeline: string;
    parameters: JsonObject;
    trigger: JsonObject;
    idempotencyKey: string;
    parentExecutionId: string;
  }): Promise<{ executionId: string }>;
  /**
   * The latest execution (by start time) of a pipeline of `application`, named by id or name, whose
   * status is one of `statuses`: its trigger and its stages' outputs in the order they ran. Null
   * when there is no such pipeline; `execution` null when it has no such execution.
   */
  latestExecution(input: { application: string; pipeline: string; statuses: readonly string[] }): Promise<{
    pipelineId: string;
    execution: { id: string; trigger: JsonObject; stages: { refId: string; outputs: JsonObject }[] } | null;
  } | null>;
  /**
   * Pipelines as a savePipeline stage saves them: `find` reads the stored one with this id, else the
   * live one of this application and name; `save` creates it, or appends a version to `existingId`,
   * as `actor` (ValidationError / ConflictError as the store throws them), then asks the workers to
   * sync cron schedules when it has (or had) a cron trigger.
   */
  pipelines: {
    find(input: { id?: string; application: string; name: string }): Promise<PipelineRecord | null>;
    save(input: { definition: PipelineDefinition; actor: SavedBy; existing?: PipelineRecord }): Promise<PipelineRecord>;
  };
  /** Status and stage outputs of another execution (null when it does not exist). */
  getExecutionOutcome(executionId: string): Promise<{ status: string; outputs: JsonObject } | null>;
  webhook: { allowedHosts: string[]; timeoutMs: number };
  fetch: typeof fetch;
  /** The configured secrets, for `{"secret": "name"}` references resolved at the moment of use. */
  secrets: SecretResolver;
  /**
   * The configured accounts, each with its provider. Provider calls made through it are already
   * retried for Throttled/Transient errors; what still fails is the task's to classify.
   */
  providers: ProviderDirectory;
  /** Server groups of a cluster Gantry's records show were once healthy (what a rollback may restore). */
  knownHealthyServerGroups(place: ClusterPlace): Promise<ReadonlySet<string>>;
  /** The configuration's deploy policy: traffic guards and freeze windows (README "Deploy policy"). */
  policy: DeployPolicy;
  /**
   * A client for the configured Jenkins master of that name (`jenkinsMasters`), its API token
   * read from the secrets now; undefined when no master has the name.
   */
  jenkins(master: string): JenkinsClient | undefined;
  /** The artifact accounts (the built-in two and the configured `artifactAccounts`), secrets read at the moment of use. */
  artifacts: ArtifactAccounts;
  /**
   * The configured metrics account of that name (`metricsAccounts`) with its secrets read now;
   * undefined when none has the name. Throws, naming the secret, when a secret is not set.
   */
  metricsAccount(name: string): KayentaMetricsAccount | undefined;
  /** The stored canary config (its latest version, Kayenta's JSON) with that id; undefined when there is none. */
  canaryConfig(id: string): Promise<JsonObject | undefined>;
  /** The time schedules are measured by (tests run it faster than the wall clock). */
  clock: TaskClock;
  /**
   * Role grants and service accounts, for re-checking a deploy's permissions before its provider
   * calls (checkDeployPermissions). Unset with authentication off: nothing is re-checked.
   */
  permissions?: PermissionSource;
  /** Drift's desired state, observations and checks (README "Drift"), which syncManifests converges on. */
  drift: DriftServices;
}

export type DriftServices = Pick<DriftChecker, 'watch' | 'desired' | 'observe' | 'check'>;

/**
 * A clock for tasks that wait towards instants (a kayentaCanary's intervals): `now` in ms, and the
 * real delay before a poll for a wait of `ms` on this clock.
 */
export interface TaskClock {
  now(): number;
  delayFor(ms: number): number;
}

export const SYSTEM_CLOCK: TaskClock = { now: () => Date.now(), delayFor: (ms) => ms };

/** Where the worker reads the current grants and service accounts (an AuthStore). */
export type PermissionSource = Pick<AuthStore, 'grants' | 'serviceAccount'>;

/** What tasks and routes need of the provider registry (tests substitute their own). */
export type ProviderDirectory = Pick<ProviderRegistry, 'forAccount' | 'accounts'>;

/** Writes that must commit together with the task's result, exactly once (same transaction). */
export type TransactionalEffect = (sql: { query(text: string, values?: unknown[]): Promise<unknown> }) => Promise<void>;

interface ResultCommon {
  /** Merged into the stage's outputs (visible to later stages as `stages.<refId>.outputs`). */
  outputs?: JsonObject;
  /** Replaces the task's private state. */
  state?: JsonObject;
  effect?: TransactionalEffect;
}

export type TaskResult =
  | (ResultCommon & { status: 'SUCCEEDED' })
  | (ResultCommon & { status: 'RUNNING'; retryAfterMs: number })
  | (ResultCommon & { status: 'TERMINAL' | 'FAILED_CONTINUE' | 'STOPPED'; error: string });

/** Thrown by a task for a failure worth retrying (network blip, 5xx, throttling): retried with jittered backoff. */
export class TransientTaskError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientTaskError';
  }
}

/** A TERMINAL outcome decided inside a task's helpers, so that task bodies read as straight lines. */
export class TaskFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
  }
}
