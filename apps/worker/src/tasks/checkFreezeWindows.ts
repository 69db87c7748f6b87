import { FREEZE_OVERRIDE_CONTEXT, FREEZE_TASK, freezeVerdict, stageAccount, type FreezeVerdict } from '@gantry/core';
import { insertAudit, type JsonObject, type SqlClient } from '@gantry/store';
import { z } from 'zod';
import type { TaskContext, TaskImplementation, TaskResult, TransactionalEffect } from './Task';

/**
 * The first task of a deploy-type stage that a freeze window covers (the engine plans it): while a
 * window is in force the stage waits, by delayed re-runs of this task (never a sleeping worker, and
 * the delayed message outlives a worker crash), or fails at once when a window says `fail`. An
 * admin's override (POST …/stages/:stage/overrideFreeze) lets a waiting stage go on. Each turn is
 * in the stage outputs (`freeze`) and the audit log.
 */

/** A long freeze is re-checked at least this often, so a configuration change or a cancel is not far behind. */
export const MAX_FREEZE_POLL_MS = 5 * 60_000;

const overrideSchema = z.object({ user: z.string(), reason: z.string(), at: z.string() });
const stateSchema = z.object({ announced: z.boolean().optional() });

export const checkFreezeWindowsTask: TaskImplementation = {
  name: FREEZE_TASK,
  async run(ctx) {
    const now = new Date();
    const verdict = freezeVerdict(ctx.services.policy.freezeWindows, { application: ctx.execution.application, account: stageAccount(ctx.stage.context) }, now);
    const announced = stateSchema.safeParse(ctx.task.state).data?.announced === true;
    if (verdict === undefined) {
      // Waited through a freeze that has now ended: said so; never frozen: nothing to say.
      if (!announced) return { status: 'SUCCEEDED' };
      return { status: 'SUCCEEDED', outputs: { freeze: { ...freezeOutput(ctx), status: 'ended', endedAt: now.toISOString() } }, effect: audit(ctx, 'FREEZE_ENDED', {}) };
    }
    const override = overrideSchema.safeParse(ctx.stage.context[FREEZE_OVERRIDE_CONTEXT]);
    if (override.success) {
      // The API recorded the override (who, why) in the audit log when it was made.
      return { status: 'SUCCEEDED', outputs: { freeze: { ...describe(verdict), status: 'overridden', overriddenBy: override.data.user, reason: override.data.reason, overriddenAt: override.data.at } } };
    }
    if (verdict.action === 'fail') {
      return {
        status: 'TERMINAL',
        error: `frozen: ${describeWindows(verdict)}; the window says fail, so the stage does not wait (it ends ${verdict.until.toISOString()})`,
        outputs: { freeze: { ...describe(verdict), status: 'refused' } },
        effect: audit(ctx, 'FREEZE_REFUSED', describe(verdict)),
      };
    }
    const waiting: TaskResult = {
      status: 'RUNNING',
      retryAfterMs: Math.min(MAX_FREEZE_POLL_MS, Math.max(1000, verdict.until.getTime() - now.getTime())),
      outputs: { freeze: { ...describe(verdict), status: 'waiting' } },
      state: { announced: true },
    };
    return announced ? waiting : { ...waiting, effect: audit(ctx, 'FREEZE_WAITING', describe(verdict)) };
  },
};

function describe(verdict: FreezeVerdict): JsonObject {
  return {
    action: verdict.action,
    until: verdict.until.toISOString(),
    windows: verdict.windows.map((window) => ({
      window: window.window,
      action: window.action,
      until: window.until.toISOString(),
      ...(window.reason === undefined ? {} : { reason: window.reason }),
    })),
  };
}

function describeWindows(verdict: FreezeVerdict): string {
  return verdict.windows.map((window) => `window "${window.window}"${window.reason === undefined ? '' : ` (${window.reason})`} until ${window.until.toISOString()}`).join(', ');
}

function freezeOutput(ctx: TaskContext): JsonObject {
  return z.record(z.string(), z.unknown()).safeParse(ctx.stage.outputs.freeze).data ?? {};
}

function audit(ctx: TaskContext, type: string, data: JsonObject): TransactionalEffect {
  return (sql) => insertAudit(sql as SqlClient, { type, executionId: ctx.execution.id, stageId: ctx.stage.id, data: { refId: ctx.stage.refId, ...data } });
}
