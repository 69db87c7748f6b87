import type { ExitRecord } from '@gantry/providers/local/protocol';

/** "exit code 3; stderr: line | line": how an instance ended, for logs and the deploy's error. */
export function describeExit(exit: ExitRecord): string {
  const how = exit.reason ?? (exit.code !== null ? `exit code ${exit.code}` : exit.signal !== null ? `killed by ${exit.signal}` : 'exited');
  const code = exit.reason !== undefined && exit.code !== null ? ` (exit code ${exit.code})` : '';
  const stderr = exit.stderrTail.length > 0 ? `; stderr: ${exit.stderrTail.join(' | ')}` : '; stderr: (empty)';
  return `${how}${code}${stderr}`;
}
