import type { PipelineRepositorySetting } from '@gantry/config';
import { hasCronTriggers, readPipelineFiles, syncRefusals, type PipelineFileReading, type SaveRule, type SecretResolver, type SyncPrincipal, type WatchAccounts } from '@gantry/core';
import { GitMirror, routerLookup } from '@gantry/providers';
import type { OutgoingMessage } from '@gantry/queue';
import { PipelineRepositorySyncs, type Database, type SyncReport } from '@gantry/store';
import type { EngineLogger } from '../engine/EngineContext';
import { startPolling } from '../engine/polling';
import type { PermissionSource, ProviderDirectory } from '../tasks/Task';

/** What a sync checks each file against, as a save through the API would be checked. */
export interface SyncChecks {
  /** The grants and service accounts (authentication on); undefined: no permission checks, as the API with authentication off. */
  permissions: PermissionSource | undefined;
  /** The deploy policy's save rules. */
  rules: readonly SaveRule[];
  /** The accounts the rules read (with their tags). */
  providers: Pick<ProviderDirectory, 'accounts'>;
  /** The drift watches' accounts (a syncManifests stage naming a watch acts in its account). */
  watchAccounts?: WatchAccounts;
}

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
    private readonly db: Pick<Database, 'prisma'>,
    readonly repositories: readonly PipelineRepositorySetting[],
    secrets: SecretResolver,
    private readonly log: EngineLogger,
    private readonly checks: SyncChecks,
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
    const readings = await this.checked(repository, readPipelineFiles(await mirror.pipelineFiles(commit, repository.path)));
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

  /**
   * Each file through the checks a save through the API makes (core's syncRefusals), as the
   * repository's `runAs` service account: a file that fails them is in error, so its commit is not
   * applied (PipelineRepositorySyncs.apply applies a commit whole or not at all).
   */
  private async checked(repository: PipelineRepositorySetting, readings: PipelineFileReading[]): Promise<PipelineFileReading[]> {
    const { permissions } = this.checks;
    const principal = await this.principalOf(repository, permissions);
    const grants = permissions === undefined || principal === undefined || 'refused' in principal ? [] : await permissions.grants();
    const named = new Set(readings.flatMap((reading) => ('definition' in reading ? reading.definition.triggers.flatMap((trigger) => (typeof trigger.runAsUser === 'string' ? [trigger.runAsUser] : [])) : [])));
    const serviceAccounts = new Map<string, readonly string[]>();
    for (const accountName of named) {
      const account = await permissions?.serviceAccount(accountName);
      if (account !== undefined) serviceAccounts.set(accountName, account.roles);
    }
    const configs = this.checks.providers.accounts();
    const accounts = configs.map((account) => ({ name: account.name, provider: account.provider, tags: account.tags ?? [] }));
    const routerOf = routerLookup(configs);
    // Where each file's pipeline is now: moving it to another application needs WRITE on both, as a PUT does.
    const rows = await this.db.prisma.pipeline.findMany({ where: { gitRepository: repository.name }, select: { gitPath: true, application: true } });
    const applicationAt = new Map(rows.map((row) => [row.gitPath, row.application]));
    return readings.map((reading) => {
      if (!('definition' in reading)) return reading;
      const errors = syncRefusals(reading.definition, applicationAt.get(reading.path), {
        principal,
        grants,
        serviceAccounts,
        rules: this.checks.rules,
        accounts,
        routerOf,
        ...(this.checks.watchAccounts === undefined ? {} : { watchAccounts: this.checks.watchAccounts }),
      });
      return errors.length === 0 ? reading : { path: reading.path, errors, application: reading.definition.application, name: reading.definition.name };
    });
  }

  private async principalOf(repository: PipelineRepositorySetting, permissions: PermissionSource | undefined): Promise<SyncPrincipal> {
    if (permissions === undefined) return undefined;
    if (repository.runAs === undefined) {
      return { refused: `pipelines repository '${repository.name}' names no runAs service account: with authentication on, its sync saves as that account` };
    }
    const account = await permissions.serviceAccount(repository.runAs);
    if (account === undefined) return { refused: `pipelines repository '${repository.name}' syncs as service account ${repository.runAs}, which does not exist` };
    return { name: repository.runAs, roles: account.roles };
  }
}

/** Syncs every repository at its interval until stopped; a sync never overlaps the previous one of its repository. */
export function startPipelineRepositoryPolling(
  syncer: PipelineRepositorySyncer,
  send: (messages: OutgoingMessage[]) => Promise<void>,
  log: EngineLogger,
): { stop(): Promise<void> } {
  return startPolling(syncer.repositories, (repository) =>
    syncer
      .sync(repository.name)
      .then((outcome) => (outcome === undefined ? undefined : send(outcome.messages)))
      .catch((error: unknown) => log.error({ err: error, repository: repository.name }, 'pipelines repository sync failed; the next one retries')),
  );
}
