import type { Status } from '@gantry/core';
import type { EngineMessage } from '@gantry/queue';

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
}

export interface PipelineVersionRecord {
  pipelineId: string;
  version: number;
  definition: JsonObject;
  createdBy: string | null;
  createdAt: Date;
}

export interface TaskView {
  id: string;
  name: string;
  status: Status;
  attempt: number;
  index: number;
  retries: number;
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
}
