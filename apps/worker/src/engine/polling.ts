/** A source polled at its own interval (a docker registry, a pipelines repository), by a unique name. */
export interface PolledSource {
  name: string;
  intervalSeconds: number;
}

/**
 * Polls each source now and then every `intervalSeconds` until stopped. A poll never overlaps the
 * previous one of its source (a slow registry or a big clone skips a tick instead of piling up), and
 * `poll` handles its own errors: the next tick is the retry. `stop` waits for the polls in flight.
 */
export function startPolling<S extends PolledSource>(sources: readonly S[], poll: (source: S) => Promise<void>): { stop(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const timers = sources.map((source) => {
    const tick = () => {
      if (running.has(source.name)) return;
      running.set(
        source.name,
        poll(source).finally(() => running.delete(source.name)),
      );
    };
    tick();
    const timer = setInterval(tick, source.intervalSeconds * 1000);
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
