import type { ChaosMonkeyConfig } from '@gantry/core';
import type { SqlClient } from './database';
import { insertAudit } from './executionRows';

/**
 * Chaos Monkey's rows (README "Chaos Monkey"): each application's configuration, the global kill
 * switch, and one decision per group and day (the primary key makes a second worker's insert a
 * no-op). The workers' scheduler (apps/worker/src/chaos) drives them.
 */

export async function selectChaosMonkeyConfig(sql: SqlClient, application: string): Promise<ChaosMonkeyConfig | null> {
  const { rows } = await sql.query<{ config: ChaosMonkeyConfig }>('SELECT config FROM chaos_monkey_configs WHERE application = $1', [application]);
  return rows[0]?.config ?? null;
}

/** Stores a validated configuration, audited (who changed whose chaos, and to what). */
export async function saveChaosMonkeyConfig(sql: SqlClient, application: string, config: ChaosMonkeyConfig, updatedBy: string | undefined): Promise<void> {
  await sql.query(
    `INSERT INTO chaos_monkey_configs (application, config, updated_by, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (application) DO UPDATE SET config = EXCLUDED.config, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [application, JSON.stringify(config), updatedBy ?? null],
  );
  await insertAudit(sql, { type: 'CHAOS_MONKEY_CONFIGURED', actor: updatedBy ?? null, data: { application, config: { ...config } } });
}

/** The applications that opted in, with their configurations as stored (the scheduler parses them). */
export async function enabledChaosMonkeyConfigs(sql: SqlClient): Promise<{ application: string; config: unknown }[]> {
  const { rows } = await sql.query<{ application: string; config: unknown }>(
    `SELECT application, config FROM chaos_monkey_configs WHERE config->>'enabled' = 'true' ORDER BY application`,
  );
  return rows;
}

export interface ChaosKillSwitch {
  engaged: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export async function selectChaosKillSwitch(sql: SqlClient): Promise<ChaosKillSwitch> {
  const { rows } = await sql.query<{ engaged: boolean; updated_by: string | null; updated_at: Date }>('SELECT engaged, updated_by, updated_at FROM chaos_monkey_switch WHERE id = 1');
  const row = rows[0];
  return row === undefined ? { engaged: false, updatedBy: null, updatedAt: null } : { engaged: row.engaged, updatedBy: row.updated_by, updatedAt: row.updated_at.toISOString() };
}

export async function setChaosKillSwitch(sql: SqlClient, engaged: boolean, updatedBy: string | undefined): Promise<ChaosKillSwitch> {
  await sql.query(
    `INSERT INTO chaos_monkey_switch (id, engaged, updated_by, updated_at) VALUES (1, $1, $2, now())
     ON CONFLICT (id) DO UPDATE SET engaged = EXCLUDED.engaged, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [engaged, updatedBy ?? null],
  );
  await insertAudit(sql, { type: engaged ? 'CHAOS_MONKEY_SWITCH_ENGAGED' : 'CHAOS_MONKEY_SWITCH_RELEASED', actor: updatedBy ?? null, data: {} });
  return selectChaosKillSwitch(sql);
}

/** A server group a decision may pick its victim in. */
export interface ChaosMember {
  account: string;
  location?: string;
  cluster: string;
  serverGroup: string;
}

/** The instance a scheduled kill terminates, chosen and stored before the kill. */
export interface ChaosVictim extends ChaosMember {
  instanceId: string;
}

export type ChaosDecisionStatus = 'SCHEDULED' | 'KILLED' | 'SKIPPED' | 'FAILED';

export interface ChaosDecisionRow {
  groupKey: string;
  day: string;
  application: string;
  status: ChaosDecisionStatus;
  reason: string | null;
  members: ChaosMember[];
  killAt: string | null;
  windowEnd: string | null;
  victim: ChaosVictim | null;
  attempts: number;
  lastError: string | null;
  decidedAt: string;
  killedAt: string | null;
}

interface RawDecision {
  group_key: string;
  day: string;
  application: string;
  status: ChaosDecisionStatus;
  reason: string | null;
  members: ChaosMember[];
  kill_at: Date | null;
  window_end: Date | null;
  victim: ChaosVictim | null;
  attempts: number;
  last_error: string | null;
  decided_at: Date;
  killed_at: Date | null;
}

function decisionOf(row: RawDecision): ChaosDecisionRow {
  return {
    groupKey: row.group_key,
    day: row.day,
    application: row.application,
    status: row.status,
    reason: row.reason,
    members: row.members,
    killAt: row.kill_at?.toISOString() ?? null,
    windowEnd: row.window_end?.toISOString() ?? null,
    victim: row.victim,
    attempts: row.attempts,
    lastError: row.last_error,
    decidedAt: row.decided_at.toISOString(),
    killedAt: row.killed_at?.toISOString() ?? null,
  };
}

/**
 * Records a group's decision for the day unless one exists (whichever worker came first made it).
 * True when this call made it.
 */
export async function insertChaosDecision(
  sql: SqlClient,
  decision: { groupKey: string; day: string; application: string; status: 'SCHEDULED' | 'SKIPPED'; reason: string; members: ChaosMember[]; killAt?: Date; windowEnd: Date },
): Promise<boolean> {
  const { rowCount } = await sql.query(
    `INSERT INTO chaos_monkey_decisions (group_key, day, application, status, reason, members, kill_at, window_end)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (group_key, day) DO NOTHING`,
    [decision.groupKey, decision.day, decision.application, decision.status, decision.reason, JSON.stringify(decision.members), decision.killAt ?? null, decision.windowEnd],
  );
  return rowCount === 1;
}

/** Whether the group's decision for the day is made (saves reading the cloud again on every tick). */
export async function chaosDecisionExists(sql: SqlClient, groupKey: string, day: string): Promise<boolean> {
  const { rowCount } = await sql.query('SELECT 1 FROM chaos_monkey_decisions WHERE group_key = $1 AND day = $2', [groupKey, day]);
  return rowCount === 1;
}

/** The day of the group's last kill before `day`, for minTimeBetweenKillsInWorkDays. */
export async function lastChaosKillDay(sql: SqlClient, groupKey: string, day: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ day: string | null }>(`SELECT max(day) AS day FROM chaos_monkey_decisions WHERE group_key = $1 AND status = 'KILLED' AND day < $2`, [groupKey, day]);
  return rows[0]?.day ?? undefined;
}

/** Locks the oldest scheduled decision due at `now` that no other worker holds; null when none. Call in a transaction. */
export async function lockDueChaosDecision(sql: SqlClient, now: Date): Promise<ChaosDecisionRow | null> {
  const { rows } = await sql.query<RawDecision>(
    `SELECT * FROM chaos_monkey_decisions WHERE status = 'SCHEDULED' AND kill_at <= $1 ORDER BY kill_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return rows[0] === undefined ? null : decisionOf(rows[0]);
}

export async function updateChaosDecision(
  sql: SqlClient,
  key: { groupKey: string; day: string },
  change: { status?: ChaosDecisionStatus; reason?: string; victim?: ChaosVictim; attempts?: number; lastError?: string | null; killedAt?: Date },
): Promise<void> {
  await sql.query(
    `UPDATE chaos_monkey_decisions SET status = COALESCE($3, status), reason = COALESCE($4, reason), victim = COALESCE($5, victim),
       attempts = COALESCE($6, attempts), last_error = CASE WHEN $7::boolean THEN $8 ELSE last_error END, killed_at = COALESCE($9, killed_at)
     WHERE group_key = $1 AND day = $2`,
    [
      key.groupKey,
      key.day,
      change.status ?? null,
      change.reason ?? null,
      change.victim === undefined ? null : JSON.stringify(change.victim),
      change.attempts ?? null,
      change.lastError !== undefined,
      change.lastError ?? null,
      change.killedAt ?? null,
    ],
  );
}

/** An application's decisions, newest day first (the kills made and the days without one). */
export async function chaosDecisionsOf(sql: SqlClient, application: string, limit: number): Promise<ChaosDecisionRow[]> {
  const { rows } = await sql.query<RawDecision>('SELECT * FROM chaos_monkey_decisions WHERE application = $1 ORDER BY day DESC, group_key LIMIT $2', [application, limit]);
  return rows.map(decisionOf);
}
