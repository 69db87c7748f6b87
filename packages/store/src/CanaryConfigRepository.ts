import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { ConflictError, NotFoundError } from '@gantry/core';
import { inTransaction, type SqlClient } from './database';
import type { JsonObject, SavedBy } from './types';
import { isUuid } from './uuid';

/** A stored canary config at its latest version (the document as saved, Kayenta's JSON). */
export interface CanaryConfigRecord {
  id: string;
  name: string;
  applications: string[];
  version: number;
  document: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface CanaryConfigVersionRecord {
  configId: string;
  version: number;
  document: JsonObject;
  createdBy: string | null;
  createdAt: Date;
}

/** What the store needs of a document; the API validated the rest (kayentaCanaryConfigSchema). */
export interface CanaryConfigDocument extends JsonObject {
  name: string;
  applications: string[];
}

const LATEST = `
  SELECT c.id, c.name, c.applications, c.version, c.created_at AS "createdAt", c.updated_at AS "updatedAt", v.document
  FROM canary_configs c JOIN canary_config_versions v ON v.config_id = c.id AND v.version = c.version`;

const saverName = (actor: SavedBy | undefined) => (actor === undefined || typeof actor === 'string' ? (actor ?? null) : actor.name);

function notFound(id: string): NotFoundError {
  return new NotFoundError(`canary config ${id} not found`, { resource: 'canaryConfig', id });
}

/**
 * Canary configs and their immutable version history (Kayenta's /canaryConfig, versioned as
 * Gantry's pipelines are). Every save appends a version in one transaction; a deleted config is
 * never read again but its versions stay. Throws NotFoundError / ConflictError (a live name taken).
 */
export class CanaryConfigRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(document: CanaryConfigDocument, actor?: SavedBy): Promise<CanaryConfigRecord> {
    return this.write(async (sql) => {
      await assertNameFree(sql, document.name);
      const id = randomUUID();
      await sql.query(`INSERT INTO canary_configs (id, name, applications, version) VALUES ($1, $2, $3, 1)`, [id, document.name, document.applications]);
      await appendVersion(sql, id, 1, document, actor);
      return latest(sql, id);
    });
  }

  /** Appends a version; ConflictError when `expectedVersion` is stale or another live config has the name. */
  async update(id: string, document: CanaryConfigDocument, actor?: SavedBy, expectedVersion?: number): Promise<CanaryConfigRecord> {
    return this.write(async (sql) => {
      const current = await lockLive(sql, id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new ConflictError(`canary config ${id} is at version ${current.version}, not the expected version ${expectedVersion}`, {
          id,
          expectedVersion,
          currentVersion: current.version,
        });
      }
      await assertNameFree(sql, document.name, id);
      const version = current.version + 1;
      await sql.query(`UPDATE canary_configs SET name = $2, applications = $3, version = $4, updated_at = now() WHERE id = $1`, [
        id,
        document.name,
        document.applications,
        version,
      ]);
      await appendVersion(sql, id, version, document, actor);
      return latest(sql, id);
    });
  }

  async get(id: string): Promise<CanaryConfigRecord> {
    if (!isUuid(id)) throw notFound(id);
    return latest(this.pool, id);
  }

  /** Live configs, by name; with `application`, those that list it. */
  async list(filter: { application?: string } = {}): Promise<CanaryConfigRecord[]> {
    const { rows } = await this.pool.query<CanaryConfigRecord>(
      `${LATEST} WHERE c.deleted_at IS NULL AND ($1::text IS NULL OR $1 = ANY (c.applications)) ORDER BY c.name`,
      [filter.application ?? null],
    );
    return rows;
  }

  /** Newest first. */
  async listVersions(id: string): Promise<CanaryConfigVersionRecord[]> {
    await this.get(id);
    const { rows } = await this.pool.query<CanaryConfigVersionRecord>(
      `SELECT config_id AS "configId", version, document, created_by AS "createdBy", created_at AS "createdAt"
       FROM canary_config_versions WHERE config_id = $1 ORDER BY version DESC`,
      [id],
    );
    return rows;
  }

  async getVersion(id: string, version: number): Promise<CanaryConfigVersionRecord> {
    const versions = await this.listVersions(id);
    const found = versions.find((row) => row.version === version);
    if (!found) throw new NotFoundError(`canary config ${id} has no version ${version}`, { id, version });
    return found;
  }

  /** Marks it deleted (its versions stay); NotFoundError if it is not live. */
  async delete(id: string): Promise<void> {
    await this.write(async (sql) => {
      await lockLive(sql, id);
      await sql.query(`UPDATE canary_configs SET deleted_at = now(), updated_at = now() WHERE id = $1`, [id]);
    });
  }

  private write<T>(work: (sql: SqlClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

async function latest(sql: SqlClient, id: string): Promise<CanaryConfigRecord> {
  const { rows } = await sql.query<CanaryConfigRecord>(`${LATEST} WHERE c.id = $1 AND c.deleted_at IS NULL`, [id]);
  const row = rows[0];
  if (!row) throw notFound(id);
  return row;
}

async function lockLive(sql: SqlClient, id: string): Promise<{ version: number }> {
  if (!isUuid(id)) throw notFound(id);
  const { rows } = await sql.query<{ version: number }>(`SELECT version FROM canary_configs WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, [id]);
  if (!rows[0]) throw notFound(id);
  return rows[0];
}

/** Kayenta refuses a second config with the same name; so does this (a concurrent twin meets the unique index). */
async function assertNameFree(sql: SqlClient, name: string, exceptId?: string): Promise<void> {
  const { rows } = await sql.query<{ id: string }>(`SELECT id FROM canary_configs WHERE name = $1 AND deleted_at IS NULL AND id <> COALESCE($2::uuid, '00000000-0000-0000-0000-000000000000')`, [
    name,
    exceptId ?? null,
  ]);
  if (rows[0]) throw new ConflictError(`a canary config named '${name}' already exists`, { id: rows[0].id, name });
}

async function appendVersion(sql: SqlClient, id: string, version: number, document: JsonObject, actor: SavedBy | undefined): Promise<void> {
  await sql.query(`INSERT INTO canary_config_versions (config_id, version, document, created_by) VALUES ($1, $2, $3, $4)`, [id, version, JSON.stringify(document), saverName(actor)]);
}
