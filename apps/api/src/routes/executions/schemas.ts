import { z } from 'zod';
import { STATUSES, artifactSchema } from '@gantry/core';
import { actorHeaders, errorResponses, idempotentHeaders, uuid } from '../commonSchemas';

const jsonObject = z.record(z.string(), z.unknown());
const status = z.enum(STATUSES);
const timestamp = z.date().nullable();

// Response schemas are the published contract: a field the store adds appears once it is added here.
export const taskViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status,
    attempt: z.number().int(),
    index: z.number().int(),
    retries: z.number().int(),
    onFailure: z.boolean().describe("Run because another task of the stage failed (a deploy's rollback.onFailure); the stage still fails"),
    error: jsonObject.nullable(),
    startTime: timestamp,
    endTime: timestamp,
  })
  .meta({ id: 'Task' });

export const stageViewSchema = z
  .object({
    id: z.string(),
    refId: z.string(),
    type: z.string(),
    name: z.string(),
    status,
    requisiteStageRefIds: z.array(z.string()),
    context: jsonObject,
    outputs: jsonObject,
    attempt: z.number().int(),
    error: jsonObject.nullable(),
    startTime: timestamp,
    endTime: timestamp,
    tasks: z.array(taskViewSchema),
  })
  .meta({ id: 'Stage' });

const executionFields = {
  id: z.string(),
  pipelineId: z.string(),
  pipelineVersion: z.number().int(),
  application: z.string(),
  name: z.string(),
  status,
  trigger: jsonObject,
  parameters: jsonObject,
  parentExecutionId: z.string().nullable(),
  canceled: z.boolean(),
  canceledBy: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  pausedBy: z.string().nullable(),
  pauseTime: timestamp,
  buildTime: z.date(),
  startTime: timestamp,
  endTime: timestamp,
};

export const executionSummarySchema = z.object(executionFields).meta({ id: 'ExecutionSummary' });

export const executionDetailSchema = z
  .object({ ...executionFields, stages: z.array(stageViewSchema) })
  .meta({ id: 'Execution' });

export const auditEventSchema = z
  .object({
    id: z.string(),
    executionId: z.string().nullable(),
    pipelineId: z.string().nullable(),
    stageId: z.string().nullable(),
    type: z.string(),
    actor: z.string().nullable(),
    data: jsonObject,
    createdAt: z.date(),
  })
  .meta({ id: 'AuditEvent' });

export const executionIdParams = z.object({ id: uuid });
export const pipelineIdParams = z.object({ id: uuid });
export const stageParams = z.object({
  id: uuid,
  stageId: z.string().min(1).max(200).describe("The stage's id or its refId"),
});

const statusList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  )
  .pipe(z.array(status).min(1, { error: 'name at least one status' }));

export const listExecutionsQuery = z.object({
  application: z.string().min(1).optional(),
  pipelineId: uuid.optional(),
  status: statusList.optional().describe(`Comma-separated statuses: ${STATUSES.join(', ')}`),
  cursor: z.string().min(1).max(500).optional().describe('nextCursor of the previous page'),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(500).optional().describe('Page size, default 50'),
});

export const triggerBody = z
  .strictObject({
    parameters: jsonObject.optional().describe("Values for the pipeline's parameters"),
    trigger: z
      .looseObject({
        user: z.string().optional(),
        artifacts: z.array(artifactSchema).optional().describe("Artifacts the pipeline's expectedArtifacts are bound from"),
        expectedArtifactIds: z.array(z.string().min(1)).optional().describe('Expected artifacts that must bind, or the execution does not start'),
      })
      .optional()
      .describe('Extra trigger fields; type is always "manual" and user defaults to X-Gantry-User'),
  })
  .optional();

export const cancelBody = z.strictObject({ reason: z.string().max(2000).optional() }).optional();

const judgmentStatus = z.enum(['continue', 'stop']);
const judgmentInput = z.string().max(2000).optional().describe('One of the stage\'s judgmentInputs values');

export const judgmentBody = z.strictObject({ judgmentStatus, judgmentInput });

/** Spinnaker's PATCH of a stage: either a manual judgment or skipping the rest of a wait. */
export const patchStageBody = z
  .looseObject({
    judgmentStatus: judgmentStatus.optional(),
    judgmentInput,
    skipRemainingWait: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    const judging = body.judgmentStatus !== undefined;
    const skipping = body.skipRemainingWait === true;
    if (judging === skipping) {
      ctx.addIssue({
        code: 'custom',
        path: judging ? ['skipRemainingWait'] : ['judgmentStatus'],
        message: judging
          ? 'give either judgmentStatus or skipRemainingWait, not both'
          : 'give judgmentStatus ("continue" or "stop") or skipRemainingWait: true',
      });
    }
  });

const accepted = 'Accepted: the engine carries the change out asynchronously';

export const triggerSchema = {
  tags: ['executions'],
  summary: 'Trigger a pipeline manually',
  description: accepted,
  headers: idempotentHeaders,
  params: pipelineIdParams,
  body: triggerBody,
  response: { 202: executionDetailSchema, ...errorResponses(400, 404, 409, 413, 415, 422, 503) },
};

export const getExecutionSchema = {
  tags: ['executions'],
  summary: 'An execution with its stages, tasks, outputs and timings',
  params: executionIdParams,
  response: { 200: executionDetailSchema, ...errorResponses(400, 404) },
};

export const listExecutionsSchema = {
  tags: ['executions'],
  summary: 'Executions, newest first, a page at a time',
  querystring: listExecutionsQuery,
  response: {
    200: z.object({ executions: z.array(executionSummarySchema), nextCursor: z.string().nullable() }),
    ...errorResponses(400),
  },
};

export const executionEventsSchema = {
  tags: ['executions'],
  summary: 'The audit trail of an execution, oldest first',
  params: executionIdParams,
  response: { 200: z.object({ events: z.array(auditEventSchema) }), ...errorResponses(400, 404) },
};

const executionCommand = {
  tags: ['executions'],
  description: accepted,
  headers: actorHeaders,
  params: executionIdParams,
  response: { 202: executionSummarySchema, ...errorResponses(400, 404, 409, 413, 415) },
};

export const cancelSchema = {
  ...executionCommand,
  summary: 'Cancel an execution',
  description: `${accepted}. A stage that moved traffic (a canary, a deploy) first undoes it: the execution stays RUNNING with \`canceled: true\` until that cleanup has ended, then turns CANCELED.`,
  body: cancelBody,
};
export const pauseSchema = { ...executionCommand, summary: 'Pause an execution' };
export const resumeSchema = { ...executionCommand, summary: 'Resume a paused execution' };

const stageCommand = {
  tags: ['executions'],
  description: accepted,
  headers: actorHeaders,
  params: stageParams,
  response: { 202: stageViewSchema, ...errorResponses(400, 404, 409, 413, 415) },
};

export const restartStageSchema = { ...stageCommand, summary: 'Restart a stage (and the stages after it)' };
export const skipWaitSchema = { ...stageCommand, summary: 'Skip the rest of a wait stage' };
export const overrideFreezeSchema = {
  ...stageCommand,
  summary: 'Break glass: let a stage waiting in a deploy freeze go on (admin only; audited with who and why)',
  body: z.strictObject({ reason: z.string().trim().min(1, { error: 'say why the freeze is overridden' }).max(1000) }),
};
export const judgmentSchema = {
  ...stageCommand,
  summary: 'Answer a manual judgment (a manualJudgment stage, or a deploy waiting on its cluster.judgment)',
  body: judgmentBody,
};
export const patchStageSchema = {
  ...stageCommand,
  summary: "Spinnaker's stage update: a manual judgment or skipRemainingWait",
  body: patchStageBody,
};
