import { randomUUID } from 'node:crypto';
import type { PipelineDefinition, PipelineFileReading } from '@gantry/core';
import type { Prisma as PrismaClient } from './database';
import type { Prisma } from './generated/prisma/client';
import { appendVersion, asJsonObject, toJsonObject } from './PipelineRepository';
import type { JsonObject } from './types';

type Tx = Prisma.TransactionClient;

/** What became of one file of a synced commit (or of a pipeline whose file the commit no longer has). */
export interface SyncedFile {
  path: string;
  outcome: 'created' | 'updated' | 'unchanged' | 'disabled' | 'error' | 'notApplied';
  pipelineId?: string;
  application?: string;
  name?: string;
  version?: number;
  errors?: string[];
}

/** A commit's sync report: applied whole, or not at all (`applied: false`, the files in error say why). */
export interface SyncReport {
  repository: string;
  commit: string;
  applied: boolean;
  files: SyncedFile[];
  syncedAt: string;
}

/** A pipeline the commit changed, its definition before and after (for the cron schedules to follow). */
export interface ChangedPipeline {
  pipelineId: string;
  before: JsonObject | undefined;
  after: JsonObject;
}

interface ManagedRow {
  id: string;
  application: string;
  name: string;
  version: number;
  deletedAt: Date | null;
  gitRepository: string | null;
  gitPath: string | null;
  versions: { definition: Prisma.JsonValue }[];
}

const LATEST = { versions: { orderBy: { version: 'desc' }, take: 1, select: { definition: true } } } as const;

/**
 * Applies commits of pipelines repositories and keeps their reports. A commit is applied in one
 * transaction or not at all; the (repository, commit) row makes it once, whoever syncs it.
 */
export class PipelineRepositorySyncs {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The commit's readings (core's readPipelineFiles) made the repository's pipelines: created,
   * updated (a new version carrying the commit), unchanged, or disabled when their file is gone
   * (kept, with their history). A file in error, or one that claims a pipeline another repository
   * or path manages, refuses the whole commit. A commit already synced answers its first report.
   */
  async apply(repository: string, commit: string, readings: readonly PipelineFileReading[]): Promise<{ report: SyncReport; changed: ChangedPipeline[]; repeated: boolean }> {
    return this.prisma.$transaction(
      async (tx) => {
        // One sync of a repository at a time, across processes: the second finds the commit done.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`pipelines-repository:${repository}`}))`;
        const done = await tx.pipelineRepositorySync.findUnique({ where: { repository_commit: { repository, commit } } });
        if (done) return { report: done.report as unknown as SyncReport, changed: [], repeated: true };
        const now = new Date();
        const managed = await tx.pipeline.findMany({ where: { gitRepository: repository }, include: LATEST });
        const plan = await planWrites(tx, repository, readings, managed);
        const failed = plan.some((entry) => entry.kind === 'error');
        const changed: ChangedPipeline[] = [];
        const files: SyncedFile[] = [];
        for (const entry of plan) {
          if (entry.kind === 'error') files.push({ path: entry.path, outcome: 'error', ...(entry.owner ?? {}), errors: entry.errors });
          else if (failed) files.push({ path: entry.path, outcome: 'notApplied', application: entry.definition.application, name: entry.definition.name });
          else files.push(await write(tx, repository, commit, entry, now, changed));
        }
        // A pipeline some file still defines (one moved to another path) is not removed.
        const kept = new Set(plan.flatMap((entry) => (entry.kind === 'write' && entry.target !== undefined ? [entry.target.id] : [])));
        const orphans = managed.filter((row) => !kept.has(row.id));
        if (!failed) files.push(...(await disableRemoved(tx, repository, commit, readings, orphans, now, changed)));
        const report: SyncReport = { repository, commit, applied: !failed, files, syncedAt: now.toISOString() };
        await tx.pipelineRepositorySync.create({
          data: { repository, commit, applied: !failed, report: report as unknown as Prisma.InputJsonObject, createdAt: now },
        });
        return { report, changed, repeated: false };
      },
      { timeout: 30_000 },
    );
  }

  /** The report of one commit, if it was synced. */
  async report(repository: string, commit: string): Promise<SyncReport | undefined> {
    const row = await this.prisma.pipelineRepositorySync.findUnique({ where: { repository_commit: { repository, commit } } });
    return row === null ? undefined : (row.report as unknown as SyncReport);
  }

  /** The newest reports of a repository first. */
  async reports(repository: string, limit = 20): Promise<SyncReport[]> {
    const rows = await this.prisma.pipelineRepositorySync.findMany({ where: { repository }, orderBy: { createdAt: 'desc' }, take: limit });
    return rows.map((row) => row.report as unknown as SyncReport);
  }
}

type PlanEntry =
  | { kind: 'error'; path: string; errors: string[]; owner?: { application: string; name: string } }
  | { kind: 'write'; path: string; definition: PipelineDefinition; target: ManagedRow | undefined };

/** Which row each file writes (its own by path, else the pipeline of its name), refusing names others hold. */
async function planWrites(tx: Tx, repository: string, readings: readonly PipelineFileReading[], managed: readonly ManagedRow[]): Promise<PlanEntry[]> {
  const byPath = new Map(managed.map((row) => [row.gitPath, row]));
  const present = new Set(readings.map((reading) => reading.path));
  const entries: PlanEntry[] = [];
  for (const reading of readings) {
    if (!('definition' in reading)) {
      const owner = reading.application === undefined || reading.name === undefined ? undefined : { application: reading.application, name: reading.name };
      entries.push({ kind: 'error', path: reading.path, errors: reading.errors, ...(owner === undefined ? {} : { owner }) });
      continue;
    }
    const { application, name } = reading.definition;
    const own = byPath.get(reading.path);
    const holder = await tx.pipeline.findUnique({ where: { application_name: { application, name } }, include: LATEST });
    // A file moved within the repository keeps its pipeline: the old path is gone in this commit.
    const moved = own === undefined && holder?.gitRepository === repository && holder.gitPath !== null && !present.has(holder.gitPath);
    if (holder && holder.id !== own?.id && !moved) {
      if (holder.gitRepository !== null) {
        const where = holder.gitRepository === repository ? `file ${holder.gitPath ?? '?'}` : `git repository '${holder.gitRepository}'`;
        entries.push({ kind: 'error', path: reading.path, errors: [`pipeline '${name}' of application '${application}' is managed by ${where}`], owner: { application, name } });
        continue;
      }
      if (own !== undefined) {
        entries.push({ kind: 'error', path: reading.path, errors: [`another pipeline already uses the name '${name}' in application '${application}'`], owner: { application, name } });
        continue;
      }
    }
    // A pipeline first saved through the API is adopted by the file that names it: git holds it from now on.
    entries.push({ kind: 'write', path: reading.path, definition: reading.definition, target: own ?? holder ?? undefined });
  }
  return entries;
}

async function write(tx: Tx, repository: string, commit: string, entry: Extract<PlanEntry, { kind: 'write' }>, now: Date, changed: ChangedPipeline[]): Promise<SyncedFile> {
  const json = toJsonObject(entry.definition);
  const { application, name } = entry.definition;
  const actor = `git:${repository}`;
  const git = { commit, path: entry.path };
  const target = entry.target;
  if (target === undefined) {
    const row = await tx.pipeline.create({
      data: { id: randomUUID(), application, name, version: 1, createdAt: now, updatedAt: now, gitRepository: repository, gitPath: entry.path },
    });
    await appendVersion(tx, row.id, 1, json, actor, now, git);
    changed.push({ pipelineId: row.id, before: undefined, after: json });
    return { path: entry.path, outcome: 'created', pipelineId: row.id, application, name, version: 1 };
  }
  const before = target.versions[0] === undefined ? undefined : asJsonObject(target.versions[0].definition, target.id);
  const same = before !== undefined && canonical(before) === canonical(json) && target.deletedAt === null && target.gitRepository === repository && target.gitPath === entry.path;
  if (same) return { path: entry.path, outcome: 'unchanged', pipelineId: target.id, application, name, version: target.version };
  const version = target.version + 1;
  await tx.pipeline.update({
    where: { id: target.id },
    data: { application, name, version, deletedAt: null, updatedAt: now, gitRepository: repository, gitPath: entry.path },
  });
  await appendVersion(tx, target.id, version, json, actor, now, git);
  changed.push({ pipelineId: target.id, before, after: json });
  return { path: entry.path, outcome: 'updated', pipelineId: target.id, application, name, version };
}

/** Pipelines whose file the commit no longer has: a version with `disabled: true`, so nothing triggers them and their history stays. */
async function disableRemoved(
  tx: Tx,
  repository: string,
  commit: string,
  readings: readonly PipelineFileReading[],
  managed: readonly ManagedRow[],
  now: Date,
  changed: ChangedPipeline[],
): Promise<SyncedFile[]> {
  const present = new Set(readings.map((reading) => reading.path));
  const files: SyncedFile[] = [];
  for (const row of managed) {
    if (row.gitPath === null || present.has(row.gitPath) || row.versions[0] === undefined) continue;
    const before = asJsonObject(row.versions[0].definition, row.id);
    if (before.disabled === true) continue;
    const after = { ...before, disabled: true };
    const version = row.version + 1;
    await tx.pipeline.update({ where: { id: row.id }, data: { version, updatedAt: now } });
    await appendVersion(tx, row.id, version, after, `git:${repository}`, now, { commit, path: row.gitPath });
    changed.push({ pipelineId: row.id, before, after });
    files.push({ path: row.gitPath, outcome: 'disabled', pipelineId: row.id, application: row.application, name: row.name, version });
  }
  return files;
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order, so stored and read definitions compare by content. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
