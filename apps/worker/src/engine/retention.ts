import { pruneExecutions, type RetentionPolicy } from '@gantry/store';
import type pg from 'pg';
import type { EngineLogger } from './EngineContext';

/**
 * Enforces the retention policy at start and then every `intervalMs`. Every worker runs it: the
 * deletes are idempotent, so two workers pruning at once only find less to delete.
 */
export function startRetentionPrune(deps: { pool: pg.Pool; policy: RetentionPolicy; log: EngineLogger; intervalMs: number }): () => Promise<void> {
  if (deps.policy.maxAgeDays <= 0 && deps.policy.keepPerPipeline <= 0) return async () => undefined;
  let running: Promise<void> | undefined;
  const prune = async () => {
    try {
      const total = { executions: 0, auditEvents: 0 };
      for (;;) {
        const batch = await pruneExecutions(deps.pool, deps.policy, new Date());
        total.executions += batch.executions;
        total.auditEvents += batch.auditEvents;
        if (batch.executions < 500) break;
      }
      if (total.executions + total.auditEvents > 0) deps.log.info({ ...total, policy: deps.policy }, 'pruned executions and audit events past the retention policy');
    } catch (error) {
      // The next round tries again (a database outage, say); nothing is half deleted, each batch is one transaction.
      deps.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'retention prune failed; retrying at the next interval');
    }
  };
  const tick = () => {
    running ??= prune().finally(() => (running = undefined));
  };
  tick();
  const timer = setInterval(tick, deps.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
