import type pg from 'pg';

/** How long a delivery id is remembered: a redelivery within this window starts nothing new. */
const DELIVERY_RETENTION_HOURS = 24;

/**
 * What to do with a delivery:
 * - `process`: start what it triggers. `epoch` (when this delivery id was first seen in the current
 *   window) goes into the launch idempotency keys, so a second request racing the first, or a retry
 *   after the first died half-way, lands on the same executions instead of new ones.
 * - `seen`: an earlier request already handled it; answer with its executions.
 */
export type DeliveryClaim =
  | { state: 'process'; epoch: Date }
  | { state: 'seen'; epoch: Date; executions: DeliveredExecution[] };

/** An execution a delivery started. */
export interface DeliveredExecution {
  id: string;
  pipelineId: string;
  pipelineName: string;
  application: string;
}

/** The `webhook_deliveries` table: generic webhook deliveries by source and delivery id, for 24 hours. */
export class WebhookDeliveries {
  constructor(private readonly pool: pg.Pool) {}

  async claim(source: string, deliveryId: string): Promise<DeliveryClaim> {
    // Expired ids are forgotten first (cheap on the received_at index), so an old id counts as new.
    await this.pool.query(`DELETE FROM webhook_deliveries WHERE received_at < now() - make_interval(hours => $1)`, [
      DELIVERY_RETENTION_HOURS,
    ]);
    const inserted = await this.pool.query<{ received_at: Date }>(
      `INSERT INTO webhook_deliveries (source, delivery_id, execution_ids) VALUES ($1, $2, '{}')
       ON CONFLICT (source, delivery_id) DO NOTHING RETURNING received_at`,
      [source, deliveryId],
    );
    const fresh = inserted.rows[0];
    if (fresh !== undefined) return { state: 'process', epoch: fresh.received_at };
    const { rows } = await this.pool.query<{ received_at: Date; execution_ids: string[] | null; completed_at: Date | null }>(
      'SELECT received_at, execution_ids, completed_at FROM webhook_deliveries WHERE source = $1 AND delivery_id = $2',
      [source, deliveryId],
    );
    const row = rows[0];
    // Deleted between the two statements (it expired just now): treat it as new in a later window.
    if (row === undefined) return this.claim(source, deliveryId);
    if (row.completed_at === null) return { state: 'process', epoch: row.received_at };
    return { state: 'seen', epoch: row.received_at, executions: await this.executions(row.execution_ids ?? []) };
  }

  private async executions(ids: readonly string[]): Promise<DeliveredExecution[]> {
    const { rows } = await this.pool.query<DeliveredExecution>(
      `SELECT id, pipeline_id AS "pipelineId", pipeline_name AS "pipelineName", application
       FROM executions WHERE id = ANY($1::uuid[]) ORDER BY application, pipeline_name, id`,
      [ids],
    );
    return rows;
  }

  /** Records the executions a processed delivery maps to (added to any a racing request recorded). */
  async complete(source: string, deliveryId: string, epoch: Date, executionIds: readonly string[]): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries
       SET execution_ids = ARRAY(SELECT DISTINCT unnest(COALESCE(execution_ids, '{}') || $4::uuid[])), completed_at = now()
       WHERE source = $1 AND delivery_id = $2 AND received_at = $3`,
      [source, deliveryId, epoch, executionIds],
    );
  }
}
