import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type PipelineDefinition } from '@gantry/core';
import type { Prisma as PrismaClient } from './database';
import { Prisma } from './generated/prisma/client';
import type { JsonObject, PipelineRecord, PipelineVersionRecord, SavedBy } from './types';
import { isUuid } from './uuid';

export const PIPELINE_SAVED = 'PIPELINE_SAVED';
export const PIPELINE_DELETED = 'PIPELINE_DELETED';

type Tx = Prisma.TransactionClient;

interface LockedPipeline {
  id: string;
  version: number;
  deletedAt: Date | null;
  name: string;
  gitRepository: string | null;
  gitPath: string | null;
}

// Only the version the pipeline row points at is needed to build a PipelineRecord; versions only grow.
const LATEST_VERSION = { versions: { orderBy: { version: 'desc' }, take: 1 } } as const;

/**
 * Pipelines and their immutable version history. Every save appends a version in one transaction
 * with its audit event; reads never see a deleted pipeline (its rows stay so executions keep their
 * history). Throws NotFoundError / ConflictError. Definitions must already be validated
 * (parsePipelineDefinition): this class stores, it does not judge.
 */
export class PipelineRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Version 1, or revives a deleted pipeline of the same application+name with its next version. */
  async create(definition: PipelineDefinition, actor?: SavedBy): Promise<PipelineRecord> {
    const json = toJsonObject(definition);
    const { application, name } = definition;
    return this.write(async (tx) => {
      const now = new Date();
      const [existing] = await tx.$queryRaw<LockedPipeline[]>`
        SELECT id, version, deleted_at AS "deletedAt" FROM pipelines
        WHERE application = ${application} AND name = ${name} FOR UPDATE`;
      if (existing && existing.deletedAt === null) {
        throw new ConflictError(`pipeline '${name}' already exists in application '${application}'`, {
          id: existing.id,
          application,
          name,
        });
      }
      // The unique (application, name) index keeps a deleted pipeline's name; saving that name again
      // brings the same pipeline back, so its history and executions stay attached to one id.
      const row = existing
        ? await tx.pipeline.update({
            where: { id: existing.id },
            data: { version: existing.version + 1, deletedAt: null, updatedAt: now },
          })
        : await tx.pipeline.create({
            data: { id: randomUUID(), application, name, version: 1, createdAt: now, updatedAt: now },
          });
      await appendVersion(tx, row.id, row.version, json, actor, now);
      return { ...pipelineFields(row), definition: json };
    });
  }

  /** Appends a version; ConflictError when `expectedVersion` is stale or the new name is taken. */
  async update(
    id: string,
    definition: PipelineDefinition,
    actor?: SavedBy,
    expectedVersion?: number,
  ): Promise<PipelineRecord> {
    const json = toJsonObject(definition);
    const { application, name } = definition;
    return this.write(async (tx) => {
      const now = new Date();
      const current = await lockById(tx, id);
      refuseGitManaged(current);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new ConflictError(
          `pipeline ${id} is at version ${current.version}, not the expected version ${expectedVersion}`,
          { id, expectedVersion, currentVersion: current.version },
        );
      }
      const holder = await tx.pipeline.findUnique({
        where: { application_name: { application, name } },
        select: { id: true, deletedAt: true },
      });
      if (holder && holder.id !== id) {
        const state = holder.deletedAt ? 'a deleted pipeline' : 'another pipeline';
        throw new ConflictError(`${state} already uses the name '${name}' in application '${application}'`, {
          id: holder.id,
          application,
          name,
        });
      }
      const row = await tx.pipeline.update({
        where: { id },
        data: { application, name, version: current.version + 1, updatedAt: now },
      });
      await appendVersion(tx, id, row.version, json, actor, now);
      return { ...pipelineFields(row), definition: json };
    });
  }

  async get(id: string): Promise<PipelineRecord> {
    const row = isUuid(id) ? await this.prisma.pipeline.findUnique({ where: { id }, include: LATEST_VERSION }) : null;
    if (!row || row.deletedAt) throw pipelineNotFound(id);
    return toPipelineRecord(row);
  }

  async getVersion(id: string, version: number): Promise<PipelineVersionRecord> {
    await this.assertLive(id);
    const row = await this.prisma.pipelineVersion.findUnique({ where: { pipelineId_version: { pipelineId: id, version } } });
    if (!row) throw new NotFoundError(`pipeline ${id} has no version ${version}`, { id, version });
    return toVersionRecord(row);
  }

  /** Newest first. */
  async listVersions(id: string): Promise<PipelineVersionRecord[]> {
    await this.assertLive(id);
    const rows = await this.prisma.pipelineVersion.findMany({ where: { pipelineId: id }, orderBy: { version: 'desc' } });
    return rows.map(toVersionRecord);
  }

  /** Ordered by application, then name. */
  async list(filter: { application?: string } = {}): Promise<PipelineRecord[]> {
    const rows = await this.prisma.pipeline.findMany({
      where: { deletedAt: null, ...(filter.application === undefined ? {} : { application: filter.application }) },
      orderBy: [{ application: 'asc' }, { name: 'asc' }],
      include: LATEST_VERSION,
    });
    return rows.map(toPipelineRecord);
  }

  /** Soft delete: the pipeline disappears from reads; its versions and executions stay. */
  async delete(id: string, actor?: SavedBy): Promise<void> {
    await this.write(async (tx) => {
      const current = await lockById(tx, id);
      refuseGitManaged(current);
      await tx.pipeline.update({ where: { id }, data: { deletedAt: new Date() } });
      const { name, onBehalfOf } = savedBy(actor);
      await tx.auditEvent.create({
        data: { pipelineId: id, type: PIPELINE_DELETED, actor: name, data: { version: current.version, ...onBehalfOf } },
      });
    });
  }

  /** Like get, by the unique application+name; null when there is no live pipeline of that name. */
  async findByName(application: string, name: string): Promise<PipelineRecord | null> {
    const row = await this.prisma.pipeline.findUnique({
      where: { application_name: { application, name } },
      include: LATEST_VERSION,
    });
    return row && !row.deletedAt ? toPipelineRecord(row) : null;
  }

  private async assertLive(id: string): Promise<void> {
    const row = isUuid(id)
      ? await this.prisma.pipeline.findUnique({ where: { id }, select: { deletedAt: true } })
      : null;
    if (!row || row.deletedAt) throw pipelineNotFound(id);
  }

  /** One transaction per save; a unique-index race with a concurrent save is the same conflict we check for. */
  private async write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.prisma.$transaction(work);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError('a pipeline with this application and name was saved concurrently', {
          target: error.meta?.target,
        });
      }
      throw error;
    }
  }
}

/** Locks the live pipeline row so concurrent saves of one pipeline take their version numbers in turn. */
async function lockById(tx: Tx, id: string): Promise<LockedPipeline> {
  if (!isUuid(id)) throw pipelineNotFound(id);
  const [row] = await tx.$queryRaw<LockedPipeline[]>`
    SELECT id, version, deleted_at AS "deletedAt", name, git_repository AS "gitRepository", git_path AS "gitPath"
    FROM pipelines WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row || row.deletedAt) throw pipelineNotFound(id);
  return row;
}

/**
 * A pipeline synced from git changes only through its repository: an API edit would be overwritten
 * by the next sync, or silently diverge from what review approved.
 */
function refuseGitManaged(pipeline: LockedPipeline): void {
  if (pipeline.gitRepository === null) return;
  throw new ConflictError(
    `pipeline '${pipeline.name}' is managed by git repository '${pipeline.gitRepository}' (${pipeline.gitPath ?? 'its file'}): change it there`,
    { id: pipeline.id, repository: pipeline.gitRepository, path: pipeline.gitPath },
  );
}

export async function appendVersion(
  tx: Tx,
  pipelineId: string,
  version: number,
  definition: JsonObject,
  actor: SavedBy | undefined,
  now: Date,
  git?: { commit: string; path: string },
): Promise<void> {
  const { name, roles, onBehalfOf } = savedBy(actor);
  await tx.pipelineVersion.create({
    data: {
      pipelineId,
      version,
      definition: toInputJson(definition),
      createdBy: name,
      createdByRoles: [...roles],
      createdAt: now,
      ...(git === undefined ? {} : { gitCommit: git.commit }),
    },
  });
  await tx.auditEvent.create({
    data: { pipelineId, type: PIPELINE_SAVED, actor: name, data: { version, ...onBehalfOf, ...(git ?? {}) }, createdAt: now },
  });
}

/** The columns a saver fills: its name, its roles (none known for a bare name) and whom it acted for. */
function savedBy(actor: SavedBy | undefined): { name: string | null; roles: readonly string[]; onBehalfOf: { onBehalfOf?: string } } {
  if (actor === undefined || typeof actor === 'string') return { name: actor ?? null, roles: [], onBehalfOf: {} };
  return { name: actor.name, roles: actor.roles ?? [], onBehalfOf: actor.onBehalfOf === undefined ? {} : { onBehalfOf: actor.onBehalfOf } };
}

function pipelineNotFound(id: string): NotFoundError {
  return new NotFoundError(`pipeline ${id} not found`, { resource: 'pipeline', id });
}

interface PipelineRow {
  id: string;
  application: string;
  name: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  gitRepository: string | null;
  gitPath: string | null;
}

interface VersionRow {
  pipelineId: string;
  version: number;
  definition: Prisma.JsonValue;
  createdBy: string | null;
  createdAt: Date;
  gitCommit: string | null;
}

function pipelineFields(row: PipelineRow, gitCommit: string | null = null): Omit<PipelineRecord, 'definition'> {
  return {
    id: row.id,
    application: row.application,
    name: row.name,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...(row.gitRepository === null ? {} : { source: { repository: row.gitRepository, path: row.gitPath ?? '', commit: gitCommit } }),
  };
}

function toPipelineRecord(row: PipelineRow & { versions: VersionRow[] }): PipelineRecord {
  const latest = row.versions[0];
  // Every save writes the pipeline row and its version row together, so a gap is corruption.
  if (!latest || latest.version !== row.version) {
    throw new Error(`pipeline ${row.id} has no row for its version ${row.version}`);
  }
  return { ...pipelineFields(row, latest.gitCommit), definition: asJsonObject(latest.definition, row.id) };
}

function toVersionRecord(row: VersionRow): PipelineVersionRecord {
  return {
    pipelineId: row.pipelineId,
    version: row.version,
    definition: asJsonObject(row.definition, row.pipelineId),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    ...(row.gitCommit === null ? {} : { gitCommit: row.gitCommit }),
  };
}

/** A JSON round trip, so what we return is exactly what a later read returns (no undefined, no Dates). */
export function toJsonObject(definition: PipelineDefinition): JsonObject {
  const json: unknown = JSON.parse(JSON.stringify(definition));
  return asJsonObject(json, `${definition.application}/${definition.name}`);
}

export function asJsonObject(value: unknown, owner: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`pipeline ${owner}: a definition must be a JSON object`);
  }
  return value as JsonObject;
}

/** JsonObject holds `unknown` values; after toJsonObject's round trip they are all JSON. */
function toInputJson(value: JsonObject): Prisma.InputJsonObject {
  return value as Prisma.InputJsonObject;
}
