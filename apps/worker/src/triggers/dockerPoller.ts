import {
  decideForPipeline,
  dockerTriggerSchema,
  matchDockerTrigger,
  normalizeRegistry,
  normalizeRepository,
  type DockerTrigger,
  type SecretResolver,
  type TriggerCandidate,
} from '@gantry/core';
import { DockerRegistryClient } from '@gantry/providers';
import type { MessageBus } from '@gantry/queue';
import { DockerTags, PostgresExecutionRepository, fireTriggers, selectTriggerCandidates } from '@gantry/store';
import type pg from 'pg';
import type { EngineLogger } from '../engine/EngineContext';
import { startPolling } from '../engine/polling';

/** One registry to poll, as configured (`dockerRegistries`). */
export interface PolledRegistry {
  name: string;
  address: string;
  username?: string;
  passwordSecret?: string;
  pollIntervalSeconds: number;
}

export interface DockerPollerDeps {
  pool: pg.Pool;
  bus: MessageBus;
  secrets: SecretResolver;
  log: EngineLogger;
  fetch?: typeof fetch;
}

/** Whether a docker trigger watches this registry: by its account (Spinnaker's) or by the registry's host. */
function watches(trigger: DockerTrigger, registry: PolledRegistry, host: string): boolean {
  if (trigger.account !== undefined && trigger.account !== '') return trigger.account === registry.name;
  return trigger.registry !== undefined && normalizeRegistry(trigger.registry) === host;
}

function watchingTriggers(candidate: TriggerCandidate, registry: PolledRegistry, host: string): DockerTrigger[] {
  const triggers: unknown[] = Array.isArray(candidate.definition.triggers) ? candidate.definition.triggers : [];
  return triggers.flatMap((raw) => {
    const parsed = dockerTriggerSchema.safeParse(raw);
    return parsed.success && watches(parsed.data, registry, host) ? [parsed.data] : [];
  });
}

/**
 * One poll of one registry: the repositories its docker triggers watch are listed, new tags
 * recorded (in PostgreSQL, shared by every process) and each new tag decided on for every pipeline
 * watching it. Any number of processes may poll at once and any may die half-way: a tag stays
 * pending until its triggers fired, and each launch is keyed by registry, repository, tag and
 * pipeline, so every tag starts each pipeline once.
 */
export async function pollRegistry(deps: DockerPollerDeps, registry: PolledRegistry): Promise<{ repositories: number; started: number }> {
  const host = normalizeRegistry(registry.address);
  const watching = (await selectTriggerCandidates(deps.pool, { type: 'docker' }))
    .map((candidate) => ({ candidate, triggers: watchingTriggers(candidate, registry, host) }))
    .filter(({ triggers }) => triggers.length > 0);
  const candidates = watching.map(({ candidate }) => candidate);
  const repositories = new Set(
    watching.flatMap(({ triggers }) => triggers.flatMap((trigger) => (trigger.repository ? [normalizeRepository(host, trigger.repository)] : []))),
  );
  const password = registry.passwordSecret === undefined ? undefined : deps.secrets(registry.passwordSecret);
  const client = new DockerRegistryClient({
    address: registry.address,
    ...(registry.username !== undefined && password !== undefined ? { credentials: { username: registry.username, password } } : {}),
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  const tags = new DockerTags(deps.pool);
  const executions = new PostgresExecutionRepository(deps.pool);
  const actor = `docker:${registry.name}`;
  let started = 0;
  for (const repository of repositories) {
    let listed: string[];
    try {
      listed = await client.listTags(repository);
    } catch (error) {
      // One repository's problem (gone, no access) does not stop the others.
      deps.log.warn({ registry: registry.name, repository, reason: error instanceof Error ? error.message : String(error) }, 'docker registry poll failed');
      continue;
    }
    for (const tag of await tags.record(registry.name, repository, listed)) {
      const push = { registry: host, repository, tag, digest: undefined, eventId: undefined };
      const decisions = candidates.flatMap(
        (candidate) =>
          decideForPipeline(candidate, 'docker', (trigger) =>
            watches(trigger, registry, host) ? matchDockerTrigger(trigger, push, actor) : { result: 'irrelevant' },
          ) ?? [],
      );
      const { outcomes, messages } = await fireTriggers({ pool: deps.pool, executions }, decisions, {
        kind: 'docker',
        actor,
        event: { registry: registry.name, repository, tag, polled: true },
        idempotencyKey: (decision) => `docker-poll:${registry.name}:${repository}:${tag}:${decision.candidate.pipelineId}`,
      });
      await deps.bus.sendAll(messages.map((message) => ({ message })));
      await tags.fired(registry.name, repository, tag);
      started += outcomes.filter((outcome) => outcome.outcome === 'started').length;
    }
  }
  return { repositories: repositories.size, started };
}

/**
 * One poll of the registry if it is due: however many processes call this, one of them polls per
 * interval (its lease is 90% of the interval, so timers that drift a little do not skip a round).
 */
export async function pollIfDue(deps: DockerPollerDeps, registry: PolledRegistry): Promise<{ repositories: number; started: number } | undefined> {
  const due = await new DockerTags(deps.pool).claimPoll(registry.name, registry.pollIntervalSeconds * 900);
  return due ? pollRegistry(deps, registry) : undefined;
}

/** Polls every configured registry at its interval until stopped; a poll never overlaps the previous one of its registry. */
export function startDockerPolling(deps: DockerPollerDeps, registries: readonly PolledRegistry[]): { stop(): Promise<void> } {
  const polled = registries.map((registry) => ({ ...registry, intervalSeconds: registry.pollIntervalSeconds }));
  return startPolling(polled, (registry) =>
    pollIfDue(deps, registry)
      .then((outcome) => (outcome !== undefined && outcome.started > 0 ? deps.log.info({ registry: registry.name, started: outcome.started }, 'docker tags polled: new tags started pipelines') : undefined))
      .catch((error: unknown) => deps.log.error({ err: error, registry: registry.name }, 'docker registry poll failed; the next one retries')),
  );
}
