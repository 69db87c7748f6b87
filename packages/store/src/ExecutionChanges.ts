import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The channel the triggers of migration 20261205194500_execution_changes notify, with an execution's id. */
export const EXECUTION_CHANGES_CHANNEL = 'gantry_execution';

/** The LISTEN connection's application_name (pg_stat_activity tells it apart). */
export const EXECUTION_CHANGES_APPLICATION = 'gantry-execution-changes';

/**
 * Which executions changed, as PostgreSQL tells it: every commit touching a watched execution, its
 * stages, its tasks' statuses or its audit log notifies `gantry_execution` (database triggers, so
 * whichever process wrote — a worker on either queue backend, another API process — every API
 * process hears it). One LISTEN connection per process, shared by all subscribers, opened by the
 * first subscription; when it breaks (a restarted database) it is opened again and every subscriber
 * is told its execution may have changed, since notifications sent meanwhile are lost.
 *
 * The triggers notify only for executions in `execution_watchers` (migration
 * 20261206084848_execution_watchers: a notifying commit holds PostgreSQL's global notify lock until
 * its commit record is flushed, so notifying for every execution serialised the engine's commits).
 * A subscription registers its execution there under this process's lease, renewed while anyone
 * here subscribes, and deleted after the last one leaves. An engine step about a stage notifies
 * once, when it reads its rows behind the lock (selectStagesAndTasks), and its writes to that
 * execution's rows skip the triggers.
 */
export class ExecutionChanges {
  private readonly listeners = new Map<string, Set<() => void>>();
  /** This process's name in execution_watchers. */
  private readonly watcher = randomUUID();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private renewal: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly reconnectDelayMs = 1_000,
    /** How long a registration outlives its last renewal (a process that died without unregistering). */
    private readonly leaseMs = 60_000,
  ) {}

  /**
   * Calls `onChange` after each commit that changed the execution. Resolves once the LISTEN and the
   * registration are in place, so a read made after it sees every change it could have missed;
   * rejects when the database cannot be reached (nothing stays subscribed then).
   */
  async subscribe(executionId: string, onChange: () => void): Promise<() => void> {
    const set = this.listeners.get(executionId) ?? new Set();
    this.listeners.set(executionId, set);
    set.add(onChange);
    const unsubscribe = () => {
      set.delete(onChange);
      if (set.size > 0 || this.listeners.get(executionId) !== set) return;
      this.listeners.delete(executionId);
      void this.client?.query('DELETE FROM execution_watchers WHERE execution_id = $1 AND watcher = $2', [executionId, this.watcher]).catch(() => undefined);
    };
    try {
      await this.connect();
      await this.register([executionId]);
    } catch (error) {
      unsubscribe();
      throw error;
    }
    this.renewal ??= setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3))).unref();
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.renewal);
    const client = this.client;
    this.client = undefined;
    await client?.query('DELETE FROM execution_watchers WHERE watcher = $1', [this.watcher]).catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  /**
   * Registers these executions, then waits for the transactions changing them now: each writer of
   * an execution's rows holds a lock on its row when its trigger looks for a registration (see the
   * migration), so one that holds it finishes before the caller's next read (which sees its
   * change), and one that takes it after this commit sees the registration and notifies.
   */
  private async register(executionIds: string[]): Promise<void> {
    const client = this.client;
    if (client === undefined) throw new Error('execution changes: not connected');
    await client.query(
      `WITH registered AS (
         INSERT INTO execution_watchers (execution_id, watcher, expires_at)
         SELECT id, $2, now() + $3 * interval '1 millisecond' FROM unnest($1::uuid[]) id
         ON CONFLICT (execution_id, watcher) DO UPDATE SET expires_at = EXCLUDED.expires_at)
       SELECT 1 FROM executions WHERE id = ANY($1::uuid[]) FOR UPDATE`,
      [executionIds, this.watcher, this.leaseMs],
    );
  }

  /** Renews this process's registrations, and drops those whose process stopped renewing. */
  private async renew(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    if (this.listeners.size === 0) {
      clearInterval(this.renewal);
      this.renewal = undefined;
      return;
    }
    await client
      .query(
        `WITH renewed AS (
           UPDATE execution_watchers SET expires_at = now() + $3 * interval '1 millisecond' WHERE watcher = $1 AND execution_id = ANY($2::uuid[]))
         DELETE FROM execution_watchers WHERE expires_at < now()`,
        [this.watcher, [...this.listeners.keys()], this.leaseMs],
      )
      .catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('execution changes: closed'));
    if (this.client !== undefined) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true, application_name: EXECUTION_CHANGES_APPLICATION });
    client.on('notification', (message) => {
      if (message.channel === EXECUTION_CHANGES_CHANNEL && message.payload !== undefined) this.tell(message.payload);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EXECUTION_CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed || this.listeners.size === 0) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      // Registered again (a long outage may have outlived the lease) before telling anyone to read.
      this.connect()
        .then(() => this.register([...this.listeners.keys()]))
        .then(
          () => {
            for (const id of this.listeners.keys()) this.tell(id);
          },
          () => this.reconnect(),
        );
    }, this.reconnectDelayMs);
  }

  private tell(executionId: string): void {
    for (const listener of [...(this.listeners.get(executionId) ?? [])]) listener();
  }
}
