import { MissingSecretError, formatPath, resolveSecretReferences } from '@gantry/core';
import { z } from 'zod';
import type { TaskContext, TaskResult } from '../Task';
import { readContext } from '../readContext';
import { JsonPathSyntaxError, parseJsonPath } from './jsonPath';

/** The webhook stage's fields (Spinnaker's names) as both webhook tasks read them. */

// Pasted Spinnaker pipelines and `${…}` embedded in strings leave "true"/"10" behind.
const looseBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const looseNumber = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** Spinnaker writes status lists comma-separated ("SUCCESS, DONE"); a real list is accepted too. */
const statusList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) =>
    (Array.isArray(value) ? value : (value ?? '').split(','))
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== ''),
  );

const headerValue = z
  .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))])
  .transform((value) => (Array.isArray(value) ? value : [value]).map(String));

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const webhookContextSchema = z
  .object({
    url: z.string().trim().min(1),
    method: z
      .string()
      .default('GET')
      .transform((m) => m.toUpperCase())
      .pipe(z.enum(METHODS)),
    customHeaders: z.record(z.string(), headerValue).nullish().transform((h) => h ?? {}),
    payload: z.unknown().optional(),
    waitForCompletion: looseBoolean.default(false),
    statusUrlResolution: z.enum(['getMethod', 'locationHeader', 'webhookResponse']).default('getMethod'),
    statusUrlJsonPath: z.string().optional(),
    statusJsonPath: z.string().optional(),
    progressJsonPath: z.string().optional(),
    successStatuses: statusList,
    canceledStatuses: statusList,
    terminalStatuses: statusList,
    failFastStatusCodes: z.array(looseNumber.pipe(z.number().int())).nullish().transform((c) => c ?? []),
    retryStatusCodes: z.array(looseNumber.pipe(z.number().int())).nullish().transform((c) => c ?? []),
    pollInterval: looseNumber.pipe(z.number().positive().finite()).default(10),
  })
  // Checked before the first request is sent, so a misconfigured monitor fails the stage without
  // having fired a webhook that can't be followed.
  .superRefine((ctx, issues) => {
    const validPath = (field: 'statusUrlJsonPath' | 'statusJsonPath' | 'progressJsonPath') => {
      const path = ctx[field];
      if (path === undefined) return;
      try {
        parseJsonPath(path);
      } catch (error) {
        if (!(error instanceof JsonPathSyntaxError)) throw error;
        issues.addIssue({ code: 'custom', path: [field], message: error.message });
      }
    };
    validPath('statusUrlJsonPath');
    validPath('statusJsonPath');
    validPath('progressJsonPath');
    if (hasPayload(ctx.payload) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      issues.addIssue({ code: 'custom', path: ['payload'], message: `a ${ctx.method} request cannot carry a payload` });
    }
    if (!ctx.waitForCompletion) return;
    if (ctx.statusJsonPath === undefined) {
      issues.addIssue({ code: 'custom', path: ['statusJsonPath'], message: 'required when waitForCompletion is true' });
    }
    if (ctx.successStatuses.length === 0) {
      issues.addIssue({ code: 'custom', path: ['successStatuses'], message: 'required when waitForCompletion is true' });
    }
    if (ctx.statusUrlResolution === 'webhookResponse' && ctx.statusUrlJsonPath === undefined) {
      issues.addIssue({
        code: 'custom',
        path: ['statusUrlJsonPath'],
        message: 'required when statusUrlResolution is webhookResponse',
      });
    }
  });

export type WebhookContext = z.output<typeof webhookContextSchema>;

/**
 * The stage's webhook fields with every `{"secret": "name"}` (in customHeaders or the payload)
 * replaced by the configured secret. Only in memory, for the request about to be sent: the stage's
 * stored context keeps the reference.
 */
export function readWebhookContext(ctx: TaskContext): { ok: true; value: WebhookContext } | { ok: false; result: TaskResult } {
  let context: Record<string, unknown>;
  try {
    context = resolveSecretReferences(ctx.stage.context, ctx.services.secrets) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof MissingSecretError)) throw error;
    return { ok: false, result: { status: 'TERMINAL', error: `webhook ${formatPath(error.path)}: ${error.message}` } };
  }
  return readContext(webhookContextSchema, context, 'webhook');
}

/** A null payload means "no body", as in Spinnaker's UI for body-less calls. */
export function hasPayload(payload: unknown): boolean {
  return payload !== undefined && payload !== null;
}

export type StatusCodeClass = 'success' | 'failFast' | 'retry' | 'fail';

/** failFast wins over retry so a team can mark e.g. 503 as "don't bother retrying". */
export function classifyStatusCode(code: number, ctx: Pick<WebhookContext, 'failFastStatusCodes' | 'retryStatusCodes'>): StatusCodeClass {
  if (ctx.failFastStatusCodes.includes(code)) return 'failFast';
  if (code === 429 || code >= 500 || ctx.retryStatusCodes.includes(code)) return 'retry';
  if (code >= 200 && code < 300) return 'success';
  return 'fail';
}

/**
 * Custom headers plus the headers Gantry adds. Gantry's own are set last so a receiver can always
 * rely on them (e.g. to recognise the re-send of a request after a worker crash).
 */
export function buildHeaders(custom: WebhookContext['customHeaders'], gantry: Record<string, string>): Headers {
  const headers = new Headers();
  for (const [name, values] of Object.entries(custom)) {
    for (const value of values) headers.append(name, value);
  }
  for (const [name, value] of Object.entries(gantry)) headers.set(name, value);
  return headers;
}
