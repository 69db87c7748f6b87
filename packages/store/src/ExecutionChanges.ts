import pg from 'pg';

/** The channel the triggers of migration 20261205194500_execution_changes notify, with an execution's id. */
export const EXECUTION_CHANGES_CHANNEL = 'gantry_execution';

/**
 * Which executions changed, as PostgreSQL tells it: every commit touching an execution, its stages,
 * its tasks' statuses or its audit log notifies `gantry_execution` (database triggers, so whichever
 * process wrote — a worker on either queue backend, another API process — every API process
 * hears it). One LISTEN connection per process, shared by all subscribers, opened by the first
 * subscription; when it breaks (a restarted database) it is opened again and every subscriber is
 * told its execution may have changed, since notifications sent meanwhile are lost.
 */
export class ExecutionChanges {
  private readonly listeners = new Map<string, Set<() => void>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly reconnectDelayMs = 1_000,
  ) {}

  /**
   * Calls `onChange` after each commit that changed the execution. Resolves once the LISTEN is in
   * place, so a read made after it sees every change it could have missed; rejects when the
   * database cannot be reached (nothing stays subscribed then).
   */
  async subscribe(executionId: string, onChange: () => void): Promise<() => void> {
    const set = this.listeners.get(executionId) ?? new Set();
    this.listeners.set(executionId, set);
    set.add(onChange);
    const unsubscribe = () => {
      set.delete(onChange);
      if (set.size === 0 && this.listeners.get(executionId) === set) this.listeners.delete(executionId);
    };
    try {
      await this.connect();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('execution changes: closed'));
    if (this.client !== undefined) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, keepAlive: true });
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
      this.connect().then(
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
