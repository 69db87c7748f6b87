import { readFileSync } from 'node:fs';
import type { AgentFile } from './protocol';

/** The agent file's content, or null when it is missing or unreadable (a half-written file is never seen: it is renamed into place). */
export function readAgentFile(file: string): AgentFile | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<AgentFile>;
    if (typeof parsed.pid !== 'number' || typeof parsed.port !== 'number' || typeof parsed.token !== 'string') return null;
    return { pid: parsed.pid, port: parsed.port, token: parsed.token, startedAt: String(parsed.startedAt ?? '') };
  } catch {
    return null;
  }
}
