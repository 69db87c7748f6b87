import type pg from 'pg';
import { inTransaction } from './database';

/**
 * How long finished executions and audit events are kept. Zero turns a rule off; both off (the
 * default) keeps everything. Executions that have not ended (NOT_STARTED, RUNNING, PAUSED) are
 * never pruned, whatever their age.
 */
export interface RetentionPolicy {
  /** Finished executions that ended more than this many days ago go, and audit events older than it. */
  maxAgeDays: number;
  /** Per pipeline, only the newest this many finished executions are kept. */
  keepPerPipeline: number;
}

export interface PruneResult {
  executions: number;
  auditEvents: number;
}

const FINISHED = `status NOT IN ('NOT_STARTED', 'RUNNING', 'PAUSED')`;

/**
 * One batch of the policy: deletes at most `batch` executions (their stages and tasks cascade) and
 * their audit events, plus audit events past the age, in one transaction. Repeating it is safe and
 * converges; the caller loops while a batch comes back full.
 */
export async function pruneExecutions(pool: pg.Pool, policy: RetentionPolicy, now: Date, batch = 500): Promise<PruneResult> {
  if (policy.maxAgeDays <= 0 && policy.keepPerPipeline <= 0) return { executions: 0, auditEvents: 0 };
  const cutoff = policy.maxAgeDays > 0 ? new Date(now.getTime() - policy.maxAgeDays * 86_400_000) : null;
  return inTransaction(pool, async (sql) => {
    const doomed = await sql.query<{ id: string }>(
      `SELECT id FROM (
         SELECT id, end_time, row_number() OVER (PARTITION BY pipeline_id ORDER BY end_time DESC NULLS LAST, id DESC) AS newest
           FROM executions WHERE ${FINISHED}
       ) ranked
       WHERE ($1::int > 0 AND newest > $1) OR ($2::timestamptz IS NOT NULL AND end_time < $2)
       LIMIT $3`,
      [policy.keepPerPipeline, cutoff, batch],
    );
    const ids = doomed.rows.map((row) => row.id);
    if (ids.length > 0) await sql.query(`DELETE FROM executions WHERE id = ANY($1::uuid[]) AND ${FINISHED}`, [ids]);
    const audit = await sql.query(
      `DELETE FROM audit_events WHERE execution_id = ANY($1::uuid[]) OR ($2::timestamptz IS NOT NULL AND created_at < $2)`,
      [ids, cutoff],
    );
    return { executions: ids.length, auditEvents: audit.rowCount ?? 0 };
  });
}
