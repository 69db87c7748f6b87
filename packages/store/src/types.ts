import type { Status } from '@gantry/core';
import type { EngineMessage } from '@gantry/queue';
import type { TraceCarrier } from '@gantry/telemetry';

/** A JSON object as stored in a JSONB column. */
export type JsonObject = Record<string, unknown>;

export interface PipelineRecord {
  id: string;
  application: string;
  name: string;
  /** Latest version number (1 on first save). */
  version: number;
  /** The definition of the latest version, as validated and normalised at save time. */
  definition: JsonObject;
  createdAt: Date;
  updatedAt: Date;
  /** Set for a pipeline synced from a git repository: where its latest version was read. */
  source?: PipelineSource;
}

/** The configured repository (by name), the file and the commit a git-managed pipeline comes from. */
export interface PipelineSource {
  repository: string;
  path: string;
  commit: string | null;
}

export interface PipelineVersionRecord {
  pipelineId: string;
  version: number;
  definition: JsonObject;
  createdBy: string | null;
  createdAt: Date;
  /** The commit a git-synced version was read at. */
  gitCommit?: string;
}

export interface TaskView {
  id: string;
  name: string;
  status: Status;
  attempt: number;
  index: number;
  retries: number;
  /** Run because another task of the stage failed (a deploy's rollback); the stage still fails. */
  onFailure: boolean;
  error: JsonObject | null;
  startTime: Date | null;
  endTime: Date | null;
}

export interface StageView {
  id: string;
  refId: string;
  type: string;
  name: string;
  status: Status;
  requisiteStageRefIds: string[];
  context: JsonObject;
  outputs: JsonObject;
  attempt: number;
  error: JsonObject | null;
  startTime: Date | null;
  endTime: Date | null;
  tasks: TaskView[];
}

export interface ExecutionSummary {
  id: string;
  pipelineId: string;
  pipelineVersion: number;
  application: string;
  name: string;
  status: Status;
  trigger: JsonObject;
  parameters: JsonObject;
  parentExecutionId: string | null;
  canceled: boolean;
  canceledBy: string | null;
  cancellationReason: string | null;
  pausedBy: string | null;
  pauseTime: Date | null;
  buildTime: Date;
  startTime: Date | null;
  endTime: Date | null;
}

export interface ExecutionDetail extends ExecutionSummary {
  stages: StageView[];
}

export interface ExecutionFilter {
  application?: string;
  pipelineId?: string;
  statuses?: Status[];
  /** Opaque cursor returned as `nextCursor` by the previous page. */
  cursor?: string;
  /** 1..500, default 50. */
  limit?: number;
}

export interface ExecutionPage {
  executions: ExecutionSummary[];
  nextCursor: string | null;
}

export interface AuditEventRecord {
  id: string;
  executionId: string | null;
  pipelineId: string | null;
  stageId: string | null;
  type: string;
  actor: string | null;
  data: JsonObject;
  createdAt: Date;
}

/** What a state change decided to send once it has committed. */
export interface CommandResult<T> {
  value: T;
  messages: EngineMessage[];
  /**
   * The trace of the execution the messages move (recorded at its launch): an operator's command
   * continues the execution's trace rather than moving the rest of it into the request's.
   */
  trace?: TraceCarrier;
}

export interface LaunchRequest {
  pipelineId: string;
  /** Defaults to the pipeline's latest version. */
  version?: number;
  trigger: JsonObject;
  /** As supplied; defaults/required/options are applied against the pipeline version's parameters. */
  parameters: JsonObject;
  actor?: string;
  /** A second launch with the same key returns the first execution instead of creating another. */
  idempotencyKey?: string;
  parentExecutionId?: string;
}

/** Executions as the API and tasks see them. Throws NotFoundError / ConflictError / ValidationError. */
export interface ExecutionRepository {
  /**
   * Creates the execution and its stages from the pipeline version (which it keeps running even if
   * the pipeline is saved again). With limitConcurrent and a running execution, it is queued when
   * keepWaitingPipelines is set, else refused with ConflictError.
   */
  launch(request: LaunchRequest): Promise<CommandResult<ExecutionDetail>>;
  get(id: string): Promise<ExecutionDetail>;
  list(filter: ExecutionFilter): Promise<ExecutionPage>;
  audit(executionId: string): Promise<AuditEventRecord[]>;
}

/** Who acts: the authenticated principal's name, and whom a service account said it acts for. */
export interface Actor {
  user?: string;
  /** Recorded beside the actor in the audit log (`data.onBehalfOf`); never an identity. */
  onBehalfOf?: string;
}

/** Who saves a pipeline version: a name, or the principal with the roles its automatic triggers then run with. */
export type SavedBy = string | { name: string; roles?: readonly string[]; onBehalfOf?: string };

/** Operator actions: each checks the state allows it (ConflictError otherwise) and records an audit event. */
export interface ExecutionCommands {
  cancel(executionId: string, input: Actor & { reason?: string }): Promise<CommandResult<ExecutionSummary>>;
  pause(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>>;
  resume(executionId: string, input: Actor): Promise<CommandResult<ExecutionSummary>>;
  /** `stage` is the stage's id or refId. */
  restartStage(executionId: string, stage: string, input: Actor): Promise<CommandResult<StageView>>;
  skipWait(executionId: string, stage: string, input: Actor): Promise<CommandResult<StageView>>;
  judge(
    executionId: string,
    stage: string,
    input: Actor & { judgmentStatus: 'continue' | 'stop'; judgmentInput?: string },
  ): Promise<CommandResult<StageView>>;
  /** An admin's break-glass: a stage waiting in a deploy freeze goes on; who and why are audited. */
  overrideFreeze(executionId: string, stage: string, input: Actor & { reason: string }): Promise<CommandResult<StageView>>;
}
