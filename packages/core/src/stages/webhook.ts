import { z } from 'zod';
import { secretReferenceSchema } from '../secrets';
import { allowingExpressions, seconds } from './fields';
import { defineStageType } from './StageType';

export const WEBHOOK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

const httpUrl = z.url({
  protocol: /^https?$/,
  // Only the format complaint is reworded; a missing url still says it is missing.
  error: (issue) => (issue.code === 'invalid_format' ? 'expected an http(s) URL' : undefined),
});
// Spinnaker pipelines sometimes spell methods in lower case; stored upper case either way.
const method = z.preprocess(
  (value) => (typeof value === 'string' && !value.includes('${') ? value.toUpperCase() : value),
  z.enum(WEBHOOK_METHODS),
);
const statusCode = z.number().int().min(100).max(599);
// Spinnaker keeps status lists as comma-separated text ("SUCCESS,OK").
const statusList = z.string();

const webhookShape = {
  url: httpUrl,
  method: method.default('GET'),
  // A header's value may be a {"secret": "name"} reference, resolved only when the request is sent.
  customHeaders: z.record(z.string(), z.union([z.string(), z.array(z.string()), secretReferenceSchema])).optional(),
  payload: z.unknown().optional(),
  failFastStatusCodes: z.array(statusCode).optional(),
  retryStatusCodes: z.array(statusCode).optional(),
  waitForCompletion: z.boolean().default(false),
  statusUrlResolution: z.enum(['getMethod', 'locationHeader', 'webhookResponse']).optional(),
  statusUrlJsonPath: z.string().min(1).optional(),
  statusJsonPath: z.string().min(1).optional(),
  progressJsonPath: z.string().min(1).optional(),
  successStatuses: statusList.optional(),
  canceledStatuses: statusList.optional(),
  terminalStatuses: statusList.optional(),
  waitBeforeMonitor: seconds.optional(),
  pollInterval: seconds.optional(),
};

interface MonitorFields {
  waitForCompletion?: unknown;
  statusUrlResolution?: unknown;
  statusUrlJsonPath?: unknown;
  statusJsonPath?: unknown;
}

// Monitoring needs to know where the status is; Spinnaker fails such a stage only at run time.
function checkMonitoring(fields: MonitorFields, ctx: z.RefinementCtx): void {
  if (fields.waitForCompletion !== true) return;
  if (fields.statusJsonPath === undefined) {
    ctx.addIssue({ code: 'custom', path: ['statusJsonPath'], message: 'statusJsonPath is required when waitForCompletion is true' });
  }
  if (fields.statusUrlResolution === 'webhookResponse' && fields.statusUrlJsonPath === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['statusUrlJsonPath'],
      message: 'statusUrlJsonPath is required when statusUrlResolution is webhookResponse',
    });
  }
}

/** The webhook stage's fields, as its tasks read them once expressions are resolved. */
export const webhookFieldsSchema = z.looseObject(webhookShape).superRefine(checkMonitoring);

export type WebhookFields = z.output<typeof webhookFieldsSchema>;

/**
 * `webhook`: call an HTTP endpoint and, with `waitForCompletion`, poll a status URL until the JSON
 * at `statusJsonPath` is one of the success, canceled or terminal statuses. Field names are
 * Spinnaker's; `pollInterval` (seconds between status checks) is Gantry's.
 */
export const webhookStage = defineStageType({
  type: 'webhook',
  fields: z.looseObject(allowingExpressions(webhookShape)).superRefine(checkMonitoring),
  tasks: (fields) => (fields.waitForCompletion === true ? ['createWebhook', 'monitorWebhook'] : ['createWebhook']),
});
