import type { WebhookFields } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { TransientTaskError, defineTask, type TaskImplementation, type TaskResult } from '../Task';
import { readJsonPath } from './jsonPath';
import { sendFromTask, snippet, undeliverable, type ReceivedResponse } from '../http/sendRequest';
import type { HostLookup } from '../http/ssrfGuard';
import { buildHeaders, classifyStatusCode, hasPayload, readWebhookFields } from './webhookFields';

export interface WebhookTaskOptions {
  /** DNS used by the SSRF guard; tests substitute names that resolve to forbidden addresses. */
  lookup?: HostLookup;
}

/** `webhook` stage, step 1: sends the request once per stage attempt and records where to poll. */
export function buildCreateWebhookTask(options: WebhookTaskOptions = {}): TaskImplementation<'createWebhook'> {
  return defineTask({
    name: 'createWebhook',
    async run(ctx) {
      const config = readWebhookFields(ctx);
      const { method, url } = config;
      const what = `${method} ${url}`;

      let headers: Headers;
      try {
        headers = buildHeaders(config.customHeaders, {
          // Same key on every re-run of this attempt (e.g. after a crash mid-request), a new one on
          // a restarted stage: receivers that honour Idempotency-Key act once per attempt.
          'Idempotency-Key': `${ctx.execution.id}:${ctx.stage.id}:${ctx.stage.attempt}`,
          'X-Gantry-Execution-Id': ctx.execution.id,
          'X-Gantry-Stage-Id': ctx.stage.id,
        });
      } catch (error) {
        return { status: 'TERMINAL', error: `${what}: invalid customHeaders: ${(error as Error).message}` };
      }
      let body: string | undefined;
      if (hasPayload(config.payload)) {
        body = JSON.stringify(config.payload);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }

      const outcome = await sendFromTask({ url, method, headers, body }, ctx.services, options.lookup);
      if (outcome.kind === 'response') return judgeResponse(config, outcome.response);
      if (outcome.kind === 'networkError') throw new TransientTaskError(`${what} failed: ${outcome.message}`);
      return { status: 'TERMINAL', error: undeliverable(outcome, url, what) };
    },
  });
}

export const createWebhookTask = buildCreateWebhookTask();

function judgeResponse(config: WebhookFields, response: ReceivedResponse): TaskResult {
  const what = `${config.method} ${config.url}`;
  const code = response.statusCode;
  const webhook = webhookOutput(response);
  switch (classifyStatusCode(code, config)) {
    case 'failFast':
      return { status: 'TERMINAL', error: `${what} answered ${code}, one of failFastStatusCodes`, outputs: { webhook } };
    case 'retry':
      throw new TransientTaskError(`${what} answered ${code}: ${snippet(response.bodyText)}`);
    case 'fail':
      return { status: 'TERMINAL', error: `${what} answered ${code}: ${snippet(response.bodyText)}`, outputs: { webhook } };
    case 'success':
      break;
  }
  if (!config.waitForCompletion) return { status: 'SUCCEEDED', outputs: { webhook } };

  const statusEndpoint = resolveStatusEndpoint(config, response);
  if (!statusEndpoint.ok) return { status: 'TERMINAL', error: `${what}: ${statusEndpoint.error}`, outputs: { webhook } };
  // monitorWebhook reads it from the stage outputs: task state is private to this task.
  return {
    status: 'SUCCEEDED',
    outputs: { webhook: { ...webhook, statusEndpoint: statusEndpoint.url } },
    state: { statusEndpoint: statusEndpoint.url },
  };
}

function resolveStatusEndpoint(
  config: WebhookFields,
  response: ReceivedResponse,
): { ok: true; url: string } | { ok: false; error: string } {
  let raw: string;
  const resolution = config.statusUrlResolution ?? 'getMethod';
  switch (resolution) {
    case 'getMethod':
      return { ok: true, url: config.url };
    case 'locationHeader': {
      const location = response.headers.get('location');
      if (location === null) return { ok: false, error: 'statusUrlResolution is locationHeader but the response has no Location header' };
      raw = location;
      break;
    }
    case 'webhookResponse': {
      // The schema guarantees the path when this resolution is chosen.
      const path = config.statusUrlJsonPath ?? '';
      const found = readJsonPath(response.body, path);
      if (!found.found || typeof found.value !== 'string' || found.value.trim() === '') {
        return { ok: false, error: `no status URL at statusUrlJsonPath ${path} in the response: ${snippet(response.bodyText)}` };
      }
      raw = found.value.trim();
      break;
    }
  }
  try {
    // Relative references ("/jobs/42") are resolved against the URL that answered.
    return { ok: true, url: new URL(raw, response.url).href };
  } catch {
    return { ok: false, error: `status URL "${raw}" is not a valid URL` };
  }
}

function webhookOutput(response: ReceivedResponse): JsonObject {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    // Session cookies are credentials; stage outputs are visible to everyone who can see the execution.
    if (name !== 'set-cookie') headers[name] = value;
  });
  return {
    statusCode: response.statusCode,
    body: response.body,
    headers,
    ...(response.bodyTruncated ? { bodyTruncated: true } : {}),
  };
}
