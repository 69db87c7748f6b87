import type { WebhookFields } from '@gantry/core';
import type { JsonObject } from '@gantry/store';
import { defineTask, type TaskContext, type TaskResult } from '../Task';
import { readJsonPath } from './jsonPath';
import { sendFromTask, snippet, undeliverable, type ReceivedResponse } from '../http/sendRequest';
import { buildHeaders, classifyStatusCode, DEFAULT_POLL_INTERVAL_SEC, readWebhookFields, statusesOf } from './webhookFields';

/** Consecutive failed polls (5xx, network) tolerated before the stage gives up. */
export const MAX_CONSECUTIVE_POLL_FAILURES = 10;

/** `webhook` stage, step 2 (when waitForCompletion): polls the status URL until a final status. */
export const monitorWebhookTask = defineTask({
  name: 'monitorWebhook',
  async run(ctx) {
    const config = readWebhookFields(ctx);
    const statusUrl = statusEndpointOf(ctx, config);
    if (statusUrl === undefined) {
      return { status: 'TERMINAL', error: `no status URL recorded by createWebhook for ${config.url} (webhook.statusEndpoint output missing)` };
    }
    const what = `GET ${statusUrl}`;
    const pollMs = Math.max(1, Math.round((config.pollInterval ?? DEFAULT_POLL_INTERVAL_SEC) * 1000));

    let headers: Headers;
    try {
      headers = buildHeaders(config.customHeaders, { 'X-Gantry-Execution-Id': ctx.execution.id, 'X-Gantry-Stage-Id': ctx.stage.id });
    } catch (error) {
      return { status: 'TERMINAL', error: `${what}: invalid customHeaders: ${(error as Error).message}` };
    }

    const failedPoll = (message: string): TaskResult => {
      const failures = consecutiveFailuresOf(ctx) + 1;
      if (failures >= MAX_CONSECUTIVE_POLL_FAILURES) {
        return { status: 'TERMINAL', error: `${what} failed ${failures} times in a row; last error: ${message}` };
      }
      return { status: 'RUNNING', retryAfterMs: pollMs, state: { consecutiveFailures: failures, lastError: message } };
    };

    const outcome = await sendFromTask({ url: statusUrl, method: 'GET', headers }, ctx.services);
    if (outcome.kind === 'networkError') return failedPoll(`failed: ${outcome.message}`);
    if (outcome.kind !== 'response') return { status: 'TERMINAL', error: undeliverable(outcome, statusUrl, what) };

    const response = outcome.response;
    const code = response.statusCode;
    switch (classifyStatusCode(code, config)) {
      case 'failFast':
        return { status: 'TERMINAL', error: `${what} answered ${code}, one of failFastStatusCodes` };
      case 'retry':
        return failedPoll(`answered ${code}: ${snippet(response.bodyText)}`);
      case 'fail':
        return { status: 'TERMINAL', error: `${what} answered ${code}: ${snippet(response.bodyText)}` };
      case 'success':
        return judgeStatus(ctx, config, what, response, pollMs);
    }
  },
});

function judgeStatus(ctx: TaskContext, config: WebhookFields, what: string, response: ReceivedResponse, pollMs: number): TaskResult {
  // The schema guarantees statusJsonPath whenever this task is planned (waitForCompletion).
  const statusPath = config.statusJsonPath ?? '$.status';
  const found = readJsonPath(response.body, statusPath);
  if (!found.found) {
    return { status: 'TERMINAL', error: `${what}: no status at statusJsonPath ${statusPath} in the response: ${snippet(response.bodyText)}` };
  }
  if (found.value !== null && typeof found.value === 'object') {
    return { status: 'TERMINAL', error: `${what}: the value at statusJsonPath ${statusPath} is not a string: ${snippet(JSON.stringify(found.value))}` };
  }
  const status = String(found.value);
  const progress = config.progressJsonPath === undefined ? null : readProgress(response.body, config.progressJsonPath);
  // Rewritten whole (not just `monitor`) so the result is right whether the engine merges outputs
  // shallowly or deeply.
  const outputs: JsonObject = {
    webhook: { ...previousWebhookOutput(ctx), monitor: { statusCode: response.statusCode, body: response.body, status, progress } },
  };

  const normalized = status.trim().toLowerCase();
  if (statusesOf(config.successStatuses).includes(normalized)) return { status: 'SUCCEEDED', outputs };
  if (statusesOf(config.canceledStatuses).includes(normalized)) {
    return { status: 'TERMINAL', error: `canceled by remote: ${what} reported status "${status}"`, outputs };
  }
  if (statusesOf(config.terminalStatuses).includes(normalized)) {
    return { status: 'TERMINAL', error: `${what} reported terminal status "${status}"`, outputs };
  }
  return { status: 'RUNNING', retryAfterMs: pollMs, outputs, state: { consecutiveFailures: 0 } };
}

function readProgress(body: unknown, path: string): unknown {
  const found = readJsonPath(body, path);
  return found.found ? found.value : null;
}

function previousWebhookOutput(ctx: TaskContext): JsonObject {
  const webhook = ctx.stage.outputs['webhook'];
  return isObject(webhook) ? webhook : {};
}

function statusEndpointOf(ctx: TaskContext, config: WebhookFields): string | undefined {
  const recorded = previousWebhookOutput(ctx)['statusEndpoint'];
  if (typeof recorded === 'string' && recorded !== '') return recorded;
  // getMethod polls the webhook's own URL, which needs nothing from createWebhook.
  return (config.statusUrlResolution ?? 'getMethod') === 'getMethod' ? config.url : undefined;
}

function consecutiveFailuresOf(ctx: TaskContext): number {
  const n = ctx.task.state['consecutiveFailures'];
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : 0;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
