import type { PipelineRepositorySetting } from '@gantry/config';
import { hasCronTriggers, readPipelineFiles, type SecretResolver } from '@gantry/core';
import { GitMirror } from '@gantry/providers';
import type { OutgoingMessage } from '@gantry/queue';
import { PipelineRepositorySyncs, type Database, type SyncReport } from '@gantry/store';
import type { EngineLogger } from '../engine/EngineContext';

/** What a sync came to: the report of the head commit, and whether this call applied it (or found it done). */
export interface SyncOutcome {
  report: SyncReport;
  repeated: boolean;
  /** The cron schedule syncs the changed pipelines need. */
  messages: OutgoingMessage[];
}

/**
 * Syncs configured pipelines repositories: fetch the branch head, read its pipeline files, apply the
 * commit whole (PipelineRepositorySyncs). Any number of workers may sync at once: each commit is
 * applied once, the others answer its report.
 */
export class PipelineRepositorySyncer {
  private readonly mirrors = new Map<string, GitMirror>();
  private readonly syncs: PipelineRepositorySyncs;

  constructor(
    db: Pick<Database, 'prisma'>,
    readonly repositories: readonly PipelineRepositorySetting[],
    secrets: SecretResolver,
    private readonly log: EngineLogger,
  ) {
    this.syncs = new PipelineRepositorySyncs(db.prisma);
    for (const repository of repositories) {
      const password = repository.passwordSecret === undefined ? undefined : secrets(repository.passwordSecret);
      if (repository.passwordSecret !== undefined && password === undefined) {
        log.warn({ repository: repository.name, secret: repository.passwordSecret }, 'the pipelines repository names a password secret that is not configured; fetching without credentials');
      }
      this.mirrors.set(
        repository.name,
        new GitMirror({
          url: repository.url,
          branch: repository.branch,
          ...(password === undefined ? {} : { credentials: { username: repository.username ?? 'git', password } }),
        }),
      );
    }
  }

  /** Undefined for a repository that is not configured. A fetch failure throws (the caller logs or retries). */
  async sync(name: string): Promise<SyncOutcome | undefined> {
    const repository = this.repositories.find((candidate) => candidate.name === name);
    const mirror = this.mirrors.get(name);
    if (repository === undefined || mirror === undefined) return undefined;
    const commit = await mirror.fetchHead();
    const known = await this.syncs.report(name, commit);
    if (known !== undefined) return { report: known, repeated: true, messages: [] };
    const readings = readPipelineFiles(await mirror.pipelineFiles(commit, repository.path));
    const { report, changed, repeated } = await this.syncs.apply(name, commit, readings);
    if (!repeated) {
      const errors = report.files.filter((file) => file.outcome === 'error').map((file) => file.path);
      if (report.applied) this.log.info({ repository: name, commit, changed: changed.length }, 'pipelines repository synced');
      else this.log.warn({ repository: name, commit, errors }, 'pipelines repository commit refused: files in error, nothing applied');
    }
    const messages = changed
      .filter((change) => hasCronTriggers(change.before) || hasCronTriggers(change.after))
      .map((change): OutgoingMessage => ({ message: { type: 'SyncCronTriggers', pipelineId: change.pipelineId } }));
    return { report, repeated, messages };
  }
}

/** Syncs every repository at its interval until stopped; a sync never overlaps the previous one of its repository. */
export function startPipelineRepositoryPolling(
  syncer: PipelineRepositorySyncer,
  send: (messages: OutgoingMessage[]) => Promise<void>,
  log: EngineLogger,
): { stop(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const timers = syncer.repositories.map((repository) => {
    const poll = () => {
      if (running.has(repository.name)) return;
      const done = syncer
        .sync(repository.name)
        .then((outcome) => (outcome === undefined ? undefined : send(outcome.messages)))
        .catch((error: unknown) => log.error({ err: error, repository: repository.name }, 'pipelines repository sync failed; the next one retries'))
        .finally(() => running.delete(repository.name));
      running.set(repository.name, done);
    };
    poll();
    const timer = setInterval(poll, repository.intervalSeconds * 1000);
    timer.unref();
    return timer;
  });
  return {
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(running.values());
    },
  };
}
