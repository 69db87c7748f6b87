import { createHash } from 'node:crypto';
import type pg from 'pg';

/** How long an `Idempotency-Key` is remembered: a repeat within this window starts nothing new. */
export const IDEMPOTENCY_KEY_RETENTION_HOURS = 24;

/**
 * What to do with a request that carries an `Idempotency-Key`:
 * - `run`: carry it out. `launchKey` goes to the launch as its idempotency key, so a repeat racing
 *   the first request, or a retry after the first died half-way, lands on the same execution.
 * - `replay`: an earlier request with this key answered; answer the same.
 * - `mismatch`: the key was used for a different request (another body): refuse it.
 */
export type IdempotencyClaim =
  | { state: 'run'; launchKey: string }
  | { state: 'replay'; statusCode: number; response: unknown }
  | { state: 'mismatch' };

/** The `idempotency_keys` table: keys by scope (route and principal), with the first answer, for 24 hours. */
export class IdempotencyKeys {
  constructor(private readonly pool: pg.Pool) {}

  async claim(scope: string, key: string, request: unknown): Promise<IdempotencyClaim> {
    const requestHash = hashOf(request);
    // Expired keys are forgotten first (cheap on the created_at index), so an old key counts as new.
    await this.pool.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [
      IDEMPOTENCY_KEY_RETENTION_HOURS,
    ]);
    await this.pool.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (scope, key) DO NOTHING`,
      [scope, key, requestHash],
    );
    const { rows } = await this.pool.query<{ request_hash: string; status_code: number | null; response: unknown; created_at: Date }>(
      'SELECT request_hash, status_code, response, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const row = rows[0];
    // Deleted between the two statements (it expired just now): treat it as new in a later window.
    if (row === undefined) return this.claim(scope, key, request);
    if (row.request_hash !== requestHash) return { state: 'mismatch' };
    if (row.status_code !== null) return { state: 'replay', statusCode: row.status_code, response: row.response };
    // New, or a first request that is still running or died before answering: (re)run it.
    return { state: 'run', launchKey: `idempotency:${hashOf([scope, key, row.created_at.toISOString()])}` };
  }

  /** Records the answer that repeats of the request get. */
  async complete(scope: string, key: string, statusCode: number, response: unknown): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET status_code = $3, response = $4, completed_at = now()
       WHERE scope = $1 AND key = $2 AND status_code IS NULL`,
      [scope, key, statusCode, JSON.stringify(response)],
    );
  }

  /** Forgets a key whose request failed, so that a retry with it is carried out afresh. */
  async release(scope: string, key: string): Promise<void> {
    await this.pool.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL', [scope, key]);
  }
}

/** sha256 of a JSON value with its object keys sorted, so `{a, b}` and `{b, a}` are the same request. */
function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null, (_key, inner: unknown) => sortedKeys(inner))).digest('hex');
}

function sortedKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
