import { describe, expect, it } from 'vitest';
import { check } from './testSupport';
import { webhookStage } from './webhook';

describe('webhook stage', () => {
  it('defaults to a GET without monitoring: one createWebhook task', () => {
    expect(check(webhookStage, { url: 'https://example.com/hook' })).toEqual({
      ok: true,
      data: { url: 'https://example.com/hook', method: 'GET', waitForCompletion: false },
      tasks: ['createWebhook'],
    });
  });

  it('monitors when waitForCompletion is set', () => {
    const fields = {
      url: 'https://ci.example.com/build',
      method: 'post',
      customHeaders: { Authorization: 'Bearer ${trigger.token}', Accept: ['application/json'] },
      payload: { version: '${parameters.version}' },
      waitForCompletion: true,
      statusUrlResolution: 'webhookResponse',
      statusUrlJsonPath: '$.links.status',
      statusJsonPath: '$.state',
      progressJsonPath: '$.progress',
      successStatuses: 'SUCCESS,OK',
      canceledStatuses: 'ABORTED',
      terminalStatuses: 'FAILED',
      failFastStatusCodes: [404, 410],
      retryStatusCodes: [503],
      waitBeforeMonitor: 5,
      pollInterval: '10',
    };
    expect(check(webhookStage, fields)).toEqual({
      ok: true,
      data: { ...fields, method: 'POST', pollInterval: 10 },
      tasks: ['createWebhook', 'monitorWebhook'],
    });
  });

  it('accepts expressions in the url and method', () => {
    expect(check(webhookStage, { url: 'https://${parameters.host}/x', method: '${parameters.method}' })).toMatchObject({
      ok: true,
      data: { method: '${parameters.method}' },
    });
  });

  it('rejects bad urls, methods and status codes', () => {
    expect(check(webhookStage, { url: 'ftp://x', method: 'FETCH', failFastStatusCodes: [99] })).toEqual({
      ok: false,
      issues: [
        { path: ['url'], message: 'expected an http(s) URL' },
        {
          path: ['method'],
          message: 'Invalid option: expected one of "GET"|"POST"|"PUT"|"PATCH"|"DELETE"|"HEAD" (or a string containing a ${…} expression)',
        },
        { path: ['failFastStatusCodes', 0], message: 'Too small: expected number to be >=100' },
      ],
    });
    expect(check(webhookStage, {})).toMatchObject({ ok: false, issues: [{ path: ['url'] }] });
  });

  it('requires what monitoring needs', () => {
    expect(check(webhookStage, { url: 'https://x', waitForCompletion: true, statusUrlResolution: 'webhookResponse' })).toEqual({
      ok: false,
      issues: [
        { path: ['statusJsonPath'], message: 'statusJsonPath is required when waitForCompletion is true' },
        { path: ['statusUrlJsonPath'], message: 'statusUrlJsonPath is required when statusUrlResolution is webhookResponse' },
      ],
    });
  });
});
