import { MissingSecretError, formatPath, resolveSecretReferences, webhookFieldsSchema, type WebhookFields } from '@gantry/core';
import { TaskFailure, type TaskContext } from '../Task';
import { readFields } from '../readFields';
import { JsonPathSyntaxError, parseJsonPath } from './jsonPath';

/**
 * The webhook stage's fields as both webhook tasks read them: core's schema (what the API validated
 * at save time and the stage start again), plus what must hold before a request is sent, so a
 * misconfigured monitor fails the stage without having fired a webhook that cannot be followed.
 */
const sendableWebhookSchema = webhookFieldsSchema.superRefine((fields, issues) => {
  for (const field of ['statusUrlJsonPath', 'statusJsonPath', 'progressJsonPath'] as const) {
    const path = fields[field];
    if (path === undefined) continue;
    try {
      parseJsonPath(path);
    } catch (error) {
      if (!(error instanceof JsonPathSyntaxError)) throw error;
      issues.addIssue({ code: 'custom', path: [field], message: error.message });
    }
  }
  if (hasPayload(fields.payload) && (fields.method === 'GET' || fields.method === 'HEAD')) {
    issues.addIssue({ code: 'custom', path: ['payload'], message: `a ${fields.method} request cannot carry a payload` });
  }
  if (fields.waitForCompletion && statusesOf(fields.successStatuses).length === 0) {
    issues.addIssue({ code: 'custom', path: ['successStatuses'], message: 'required when waitForCompletion is true' });
  }
});

/**
 * The fields with every `{"secret": "name"}` (in customHeaders or the payload) replaced by the
 * configured secret. Only in memory, for the request about to be sent: the stage's stored context
 * keeps the reference.
 */
export function readWebhookFields(ctx: TaskContext): WebhookFields {
  let context: Record<string, unknown>;
  try {
    context = resolveSecretReferences(ctx.stage.context, ctx.services.secrets) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof MissingSecretError)) throw error;
    throw new TaskFailure(`webhook ${formatPath(error.path)}: ${error.message}`);
  }
  return readFields(sendableWebhookSchema, { ...ctx, stage: { ...ctx.stage, context } });
}

/** Spinnaker writes status lists comma-separated ("SUCCESS, DONE"); compared lower-cased. */
export function statusesOf(list: string | undefined): string[] {
  return (list ?? '')
    .split(',')
    .map((status) => status.trim().toLowerCase())
    .filter((status) => status !== '');
}

/** Seconds between status checks when the stage gives no `pollInterval`. */
export const DEFAULT_POLL_INTERVAL_SEC = 10;

/** A null payload means "no body", as in Spinnaker's UI for body-less calls. */
export function hasPayload(payload: unknown): boolean {
  return payload !== undefined && payload !== null;
}

export type StatusCodeClass = 'success' | 'failFast' | 'retry' | 'fail';

/** failFast wins over retry so a team can mark e.g. 503 as "don't bother retrying". */
export function classifyStatusCode(code: number, fields: Pick<WebhookFields, 'failFastStatusCodes' | 'retryStatusCodes'>): StatusCodeClass {
  if ((fields.failFastStatusCodes ?? []).includes(code)) return 'failFast';
  if (code === 429 || code >= 500 || (fields.retryStatusCodes ?? []).includes(code)) return 'retry';
  if (code >= 200 && code < 300) return 'success';
  return 'fail';
}

/**
 * Custom headers plus the headers Gantry adds. Gantry's own are set last so a receiver can always
 * rely on them (e.g. to recognise the re-send of a request after a worker crash).
 */
export function buildHeaders(custom: WebhookFields['customHeaders'], gantry: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(custom ?? {})) {
    for (const value of Array.isArray(values) ? values : [values]) {
      // readWebhookFields resolved every {"secret": "name"} already; one left here is a bug, not a header.
      if (typeof value !== 'string') throw new Error(`customHeaders.${name}: unresolved secret reference`);
      headers.append(name, value);
    }
  }
  for (const [name, value] of Object.entries(gantry)) headers.set(name, value);
  return headers;
}
