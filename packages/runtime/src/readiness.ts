import type { ReadinessCheck } from './infrastructure';

/** A hung dependency must not hang the probe: after this, the process is reported not ready. */
export const DEFAULT_READINESS_TIMEOUT_MS = 5_000;

/**
 * The readiness checks, answered within `timeoutMs` whatever a dependency does: a check that throws
 * or does not answer in time becomes one failed check naming why (a probe never hangs, never 500s).
 */
export async function checkReadiness(readiness: () => Promise<ReadinessCheck[]>, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): Promise<ReadinessCheck[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness checks did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([readiness(), timeout]);
  } catch (error) {
    return [{ name: 'readiness', ok: false, error: error instanceof Error ? error.message : String(error) }];
  } finally {
    clearTimeout(timer);
  }
}

/** Ready when there is at least one check and every one is ok. */
export function isReady(checks: readonly ReadinessCheck[]): boolean {
  return checks.length > 0 && checks.every((check) => check.ok);
}
