import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, type Action, type Grant, type ResourceKind } from '@gantry/core';
import type pg from 'pg';

/** Tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'gantry_';
// A token is used at most this often in `last_used_at` writes: a busy client costs no write per request.
const LAST_USED_RESOLUTION_SECONDS = 60;

/** An API token as listed: never the token itself, which is only in `create`'s answer. */
export interface ApiTokenView {
  id: string;
  name: string;
  roles: string[];
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  /** Set: the token acts as this service account (its roles are the account's, read at each use). */
  serviceAccount: string | null;
}

export interface ServiceAccountView {
  name: string;
  roles: string[];
  createdBy: string | null;
  createdAt: string;
}

interface TokenRow {
  id: string;
  name: string;
  roles: string[];
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  service_account: string | null;
}

/** SHA-256 is enough here: tokens are 256 random bits, so there is nothing to guess or to salt. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

function tokenView(row: TokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
    serviceAccount: row.service_account,
  };
}

const TOKEN_COLUMNS = 'id, name, roles, created_by, created_at, expires_at, revoked_at, last_used_at, service_account';

export interface NewToken {
  name: string;
  roles: string[];
  expiresAt?: Date;
  createdBy: string;
  /** The service account the token acts as (the caller checks it exists; the foreign key refuses one that does not). */
  serviceAccount?: string;
}

/** API tokens, role grants and service accounts (tables api_tokens, role_grants, service_accounts). */
export class AuthStore {
  constructor(private readonly pool: pg.Pool) {}

  /** A new token; the answer is the only place its value ever appears. */
  async createToken(input: NewToken): Promise<{ token: string; view: ApiTokenView }> {
    const token = newToken();
    const view = await this.insertToken(token, input);
    return { token, view };
  }

  /** Stores a token chosen elsewhere (GANTRY_ADMIN_TOKEN); storing the same one again changes nothing. */
  async ensureToken(token: string, input: { name: string; roles: string[]; createdBy: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_tokens (id, name, token_hash, roles, created_by) VALUES (gen_random_uuid(), $1, $2, $3, $4)
       ON CONFLICT (token_hash) DO UPDATE SET roles = EXCLUDED.roles, revoked_at = NULL`,
      [input.name, hashToken(token), input.roles, input.createdBy],
    );
  }

  private async insertToken(token: string, input: NewToken): Promise<ApiTokenView> {
    const { rows } = await this.pool.query<TokenRow>(
      `INSERT INTO api_tokens (id, name, token_hash, roles, created_by, expires_at, service_account) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
       RETURNING ${TOKEN_COLUMNS}`,
      [input.name, hashToken(token), input.roles, input.createdBy, input.expiresAt ?? null, input.serviceAccount ?? null],
    );
    return tokenView(rows[0] as TokenRow);
  }

  /** The live (not revoked, not expired) token with this value, its use recorded; undefined otherwise. */
  async useToken(token: string): Promise<ApiTokenView | undefined> {
    const { rows } = await this.pool.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens
       WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
      await this.pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.id]);
      row.last_used_at = new Date();
    }
    return tokenView(row);
  }

  async listTokens(): Promise<ApiTokenView[]> {
    const { rows } = await this.pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`);
    return rows.map(tokenView);
  }

  async countTokens(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM api_tokens');
    return Number(rows[0]?.n ?? 0);
  }

  /** Revoking twice is fine; an unknown id is a 404. */
  async revokeToken(id: string): Promise<ApiTokenView> {
    const { rows } = await this.pool.query<TokenRow>(
      `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) throw new NotFoundError(`no API token ${id}`, { id });
    return tokenView(row);
  }

  async grants(): Promise<Grant[]> {
    const { rows } = await this.pool.query<{ role: string; kind: ResourceKind; name: string; actions: Action[] }>(
      'SELECT role, kind, name, actions FROM role_grants ORDER BY role, kind, name',
    );
    return rows;
  }

  /** Replaces everything `role` is granted (an empty list removes the role's grants). */
  async setRoleGrants(role: string, grants: readonly Omit<Grant, 'role'>[], updatedBy: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DELETE FROM role_grants WHERE role = $1', [role]);
      for (const grant of grants) {
        await client.query(
          `INSERT INTO role_grants (role, kind, name, actions, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (role, kind, name) DO UPDATE SET actions = EXCLUDED.actions`,
          [role, grant.kind, grant.name, [...new Set(grant.actions)], updatedBy],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async serviceAccount(name: string): Promise<ServiceAccountView | undefined> {
    return (await this.queryServiceAccounts('WHERE name = $1', [name]))[0];
  }

  async listServiceAccounts(): Promise<ServiceAccountView[]> {
    return this.queryServiceAccounts('ORDER BY name', []);
  }

  async putServiceAccount(name: string, roles: string[], createdBy: string): Promise<ServiceAccountView> {
    await this.pool.query(
      `INSERT INTO service_accounts (name, roles, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET roles = EXCLUDED.roles`,
      [name, roles, createdBy],
    );
    return (await this.serviceAccount(name)) as ServiceAccountView;
  }

  async deleteServiceAccount(name: string): Promise<void> {
    const { rowCount } = await this.pool.query('DELETE FROM service_accounts WHERE name = $1', [name]);
    if (rowCount === 0) throw new NotFoundError(`no service account ${name}`, { name });
  }

  private async queryServiceAccounts(where: string, values: unknown[]): Promise<ServiceAccountView[]> {
    const { rows } = await this.pool.query<{ name: string; roles: string[]; created_by: string | null; created_at: Date }>(
      `SELECT name, roles, created_by, created_at FROM service_accounts ${where}`,
      values,
    );
    return rows.map((row) => ({ name: row.name, roles: row.roles, createdBy: row.created_by, createdAt: row.created_at.toISOString() }));
  }
}
