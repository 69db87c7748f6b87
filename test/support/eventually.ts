/** Polling for tests: waits for a condition without asserting wall-clock durations. */

/** Polls until `check` returns a value other than undefined (or throws the last error on timeout). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError instanceof Error ? lastError : new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads until `done` accepts the value (a read that throws fails at once); on timeout, says the last value read. */
export async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000, pollMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Polls until `condition` holds (a check that throws fails at once). */
export async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 30_000, pollMs = 50): Promise<void> {
  await readUntil(condition, (met) => met, timeoutMs, pollMs);
}
