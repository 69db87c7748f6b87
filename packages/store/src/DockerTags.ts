import type pg from 'pg';
import { inTransaction } from './database';

/**
 * The tags polled registries have shown (`docker_tags`), shared by every API and worker process:
 * a tag is new once, whichever process sees it first, and stays pending until its triggers fired.
 */
export class DockerTags {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Records what one poll saw and answers the tags whose triggers are due: the new ones, and any
   * left pending by a poller that died before firing them. The first poll of a repository primes
   * it: the tags it already has are recorded as fired (as Spinnaker's igor does, a trigger starts
   * on tags pushed after it began watching, not on the registry's history).
   */
  async record(registry: string, repository: string, tags: readonly string[]): Promise<string[]> {
    return inTransaction(this.pool, async (sql) => {
      const primed = await sql.query(
        `INSERT INTO docker_polled_repositories (registry, repository) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING primed_at`,
        [registry, repository],
      );
      const priming = primed.rows.length > 0;
      await sql.query(
        `INSERT INTO docker_tags (registry, repository, tag, triggered_at)
         SELECT $1, $2, tag, CASE WHEN $4::boolean THEN now() END FROM unnest($3::text[]) AS tag
         ON CONFLICT DO NOTHING`,
        [registry, repository, [...new Set(tags)], priming],
      );
      const pending = await sql.query<{ tag: string }>(
        `SELECT tag FROM docker_tags WHERE registry = $1 AND repository = $2 AND triggered_at IS NULL ORDER BY first_seen_at, tag`,
        [registry, repository],
      );
      return pending.rows.map((row) => row.tag);
    });
  }

  /**
   * Whether this process should poll `registry` now: true for the one process that moves its last
   * poll time on, when the previous poll (by anyone) is at least `intervalMs` old.
   */
  async claimPoll(registry: string, intervalMs: number): Promise<boolean> {
    const { rows } = await this.pool.query(
      `INSERT INTO docker_registry_polls (registry, polled_at) VALUES ($1, now())
       ON CONFLICT (registry) DO UPDATE SET polled_at = now()
       WHERE docker_registry_polls.polled_at <= now() - make_interval(secs => $2::double precision / 1000)
       RETURNING registry`,
      [registry, intervalMs],
    );
    return rows.length > 0;
  }

  /** The tag's triggers have fired (their launches are idempotent, so a repeat before this is harmless). */
  async fired(registry: string, repository: string, tag: string): Promise<void> {
    await this.pool.query(`UPDATE docker_tags SET triggered_at = now() WHERE registry = $1 AND repository = $2 AND tag = $3 AND triggered_at IS NULL`, [
      registry,
      repository,
      tag,
    ]);
  }
}
