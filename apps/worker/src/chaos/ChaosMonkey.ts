import {
  applicationOfCluster,
  chaosGroupKey,
  chaosMonkeyConfigSchema,
  decideChaosDay,
  isChaosException,
  killWindowToday,
  randomFromSeed,
  workDaysSince,
  type ChaosMonkeyConfig,
} from '@gantry/core';
import { defaultLocationOf } from '@gantry/providers';
import {
  chaosDecisionExists,
  clusterPlacesOf,
  enabledChaosMonkeyConfigs,
  enqueueNotifications,
  inTransaction,
  insertAudit,
  insertChaosDecision,
  lastChaosKillDay,
  lockDueChaosDecision,
  selectChaosKillSwitch,
  selectChaosMonkeyConfig,
  updateChaosDecision,
  type ChaosDecisionRow,
  type ChaosMember,
  type ChaosVictim,
  type SqlClient,
} from '@gantry/store';
import { chooseVictims } from '@gantry/strategies';
import type pg from 'pg';
import type { EngineLogger } from '../engine/EngineContext';
import { startPolling } from '../engine/polling';
import type { ProviderDirectory } from '../tasks/Task';

/** A kill whose provider call keeps failing is given up after this many attempts (FAILED, audited). */
const MAX_KILL_ATTEMPTS = 5;
/** Kills carried out per tick at most, so one tick never holds a worker for long. */
const KILLS_PER_TICK = 20;

export interface ChaosMonkeyOptions {
  pool: pg.Pool;
  providers: ProviderDirectory;
  log: EngineLogger;
  now?: () => Date;
}

/**
 * Chaos Monkey's scheduler (README "Chaos Monkey"), run by every worker on a timer. A tick first
 * makes today's decision for each group of each opted-in application whose kill window is open
 * (core's decideChaosDay, stored under the (group, day) primary key: whichever worker inserts
 * first decides, the others' inserts do nothing), then carries out the kills that are due, each
 * locked by one worker (SKIP LOCKED): the victim is chosen and committed first, then terminated
 * (idempotent by instance id) and recorded KILLED with its audit event and notifications in one
 * transaction. The kill switch stops both.
 */
export class ChaosMonkey {
  private readonly now: () => Date;

  constructor(private readonly options: ChaosMonkeyOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async tick(): Promise<void> {
    if ((await selectChaosKillSwitch(this.options.pool)).engaged) return;
    for (const { application, config } of await enabledChaosMonkeyConfigs(this.options.pool)) {
      const parsed = chaosMonkeyConfigSchema.safeParse(config);
      if (!parsed.success) {
        this.options.log.warn({ application, reason: parsed.error.message }, 'chaos monkey: configuration no longer valid; skipped');
        continue;
      }
      await this.decide(application, parsed.data).catch((error: unknown) => this.options.log.warn({ err: error, application }, 'chaos monkey: deciding failed; retried on the next tick'));
    }
    for (let kills = 0; kills < KILLS_PER_TICK && (await inTransaction(this.options.pool, (sql) => this.killOne(sql))); kills++);
  }

  /** Today's decision for each group of the application that has none yet, while its window is open. */
  private async decide(application: string, config: ChaosMonkeyConfig): Promise<void> {
    const now = this.now();
    const window = killWindowToday(config.killWindow, now);
    if (!window.open) return;
    const groups = new Map<string, ChaosMember[]>();
    const decided = new Set<string>();
    const accounts = new Set(this.options.providers.accounts().map((account) => account.name));
    for (const place of await clusterPlacesOf(this.options.pool, application)) {
      // A cluster in an account no longer configured has nothing left to kill.
      if (!accounts.has(place.account)) continue;
      const { account, provider } = this.options.providers.forAccount(place.account);
      const location = place.location ?? defaultLocationOf(account);
      const resolved = { account: place.account, cluster: place.cluster, ...(location === undefined ? {} : { location }) };
      if (isChaosException(config, resolved)) continue;
      const key = chaosGroupKey(config.grouping, application, resolved);
      if (decided.has(key) || (await chaosDecisionExists(this.options.pool, key, window.day))) {
        decided.add(key);
        continue;
      }
      const serverGroups = await provider.listServerGroups({ ...resolved, application: applicationOfCluster(place.cluster) });
      const members = serverGroups.filter((group) => group.capacity.desired > 0).map((group) => ({ ...resolved, serverGroup: group.name }));
      groups.set(key, [...(groups.get(key) ?? []), ...members]);
    }
    for (const [groupKey, members] of groups) {
      if (members.length === 0) continue;
      const last = await lastChaosKillDay(this.options.pool, groupKey, window.day);
      const decision = decideChaosDay({ config, window, now, seed: `${groupKey}:${window.day}`, workDaysSinceLastKill: workDaysSince(last, window.day, config.killWindow.workDays) });
      const made = await insertChaosDecision(this.options.pool, {
        groupKey,
        day: window.day,
        application,
        members,
        windowEnd: window.end,
        ...(decision.kill ? { status: 'SCHEDULED', reason: `drawn today (a 1 in ${config.meanTimeBetweenKillsInWorkDays} chance)`, killAt: decision.at } : { status: 'SKIPPED', reason: decision.reason }),
      });
      if (made) this.options.log.info({ application, groupKey, day: window.day, kill: decision.kill }, 'chaos monkey: decided');
    }
  }

  /** One step of the oldest due kill (choose the victim, or kill it); false when there is none to take. */
  private async killOne(sql: SqlClient): Promise<boolean> {
    const now = this.now();
    const due = await lockDueChaosDecision(sql, now);
    if (due === null || (await selectChaosKillSwitch(sql)).engaged) return false;
    const config = chaosMonkeyConfigSchema.safeParse(await selectChaosMonkeyConfig(sql, due.application));
    if (!config.success || !config.data.enabled) return this.skip(sql, due, `chaos monkey was turned off for ${due.application} before the kill`);
    if (due.windowEnd !== null && now.getTime() >= Date.parse(due.windowEnd)) return this.skip(sql, due, 'the kill window closed before the kill (the kill switch was engaged, or no worker ran)');
    if (due.victim === null) {
      // Committed before anything is killed, so a worker that dies mid-kill leaves the same victim to the next.
      const victim = await this.chooseVictim(due);
      if (victim === null) return this.skip(sql, due, 'no healthy instance in the group to terminate');
      await updateChaosDecision(sql, due, { victim });
      return true;
    }
    const { victim } = due;
    const ref = { account: victim.account, name: victim.serverGroup, ...(victim.location === undefined ? {} : { location: victim.location }) };
    try {
      await this.options.providers.forAccount(victim.account).provider.terminateInstances(ref, [victim.instanceId]);
    } catch (error) {
      const attempts = due.attempts + 1;
      const failed = attempts >= MAX_KILL_ATTEMPTS;
      await updateChaosDecision(sql, due, { attempts, lastError: String(error), ...(failed ? { status: 'FAILED' } : {}) });
      if (failed) await insertAudit(sql, { type: 'CHAOS_MONKEY_KILL_FAILED', actor: 'chaos-monkey', data: { ...auditData(due, victim), error: String(error) } });
      this.options.log.warn({ err: error, groupKey: due.groupKey, attempts }, 'chaos monkey: kill failed');
      return false;
    }
    await updateChaosDecision(sql, due, { status: 'KILLED', killedAt: now, attempts: due.attempts + 1, lastError: null });
    await insertAudit(sql, { type: 'CHAOS_MONKEY_KILL', actor: 'chaos-monkey', data: auditData(due, victim) });
    const subject = `Chaos Monkey terminated instance ${victim.instanceId} of ${victim.serverGroup}`;
    const text = `${subject} (application ${due.application}, account ${victim.account}${victim.location === undefined ? '' : `, location ${victim.location}`}, group ${due.groupKey}, ${due.day}).`;
    await enqueueNotifications(
      sql,
      config.data.notifications.map((target) => ({
        key: `chaos:${due.groupKey}:${due.day}:${target.type}:${target.address}`,
        target,
        event: 'chaosMonkey.kill',
        message: { subject, text, linkPath: `/applications/${encodeURIComponent(due.application)}` },
      })),
    );
    this.options.log.info({ groupKey: due.groupKey, day: due.day, instance: victim.instanceId }, 'chaos monkey: killed');
    return true;
  }

  private async skip(sql: SqlClient, due: ChaosDecisionRow, reason: string): Promise<boolean> {
    await updateChaosDecision(sql, due, { status: 'SKIPPED', reason });
    return true;
  }

  /** A healthy instance of the group's server groups, drawn from the group and day. */
  private async chooseVictim(due: ChaosDecisionRow): Promise<ChaosVictim | null> {
    const candidates: ChaosVictim[] = [];
    for (const member of due.members) {
      const ref = { account: member.account, name: member.serverGroup, ...(member.location === undefined ? {} : { location: member.location }) };
      const instances = await this.options.providers.forAccount(member.account).provider.listInstances(ref);
      for (const instance of instances) if (instance.healthy) candidates.push({ ...member, instanceId: instance.id });
    }
    const [chosen] = chooseVictims(candidates.map((_, index) => ({ id: String(index), healthy: true })), 1, randomFromSeed(`${due.groupKey}:${due.day}`));
    return chosen === undefined ? null : (candidates[Number(chosen)] ?? null);
  }
}

function auditData(due: ChaosDecisionRow, victim: ChaosVictim): Record<string, string> {
  return {
    application: due.application,
    groupKey: due.groupKey,
    day: due.day,
    account: victim.account,
    ...(victim.location === undefined ? {} : { location: victim.location }),
    serverGroup: victim.serverGroup,
    instanceId: victim.instanceId,
  };
}

/** Runs the scheduler now and every `intervalMs` until stopped; a failed tick is logged and the next one tries again. */
export function startChaosMonkey(options: ChaosMonkeyOptions & { intervalMs: number }): { stop(): Promise<void> } {
  const monkey = new ChaosMonkey(options);
  return startPolling([{ name: 'chaos-monkey', intervalSeconds: options.intervalMs / 1000 }], () =>
    monkey.tick().catch((error: unknown) => options.log.warn({ err: error }, 'chaos monkey: tick failed; retried on the next one')),
  );
}
