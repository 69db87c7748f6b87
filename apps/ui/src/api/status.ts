import type { Status } from './client';

export const FINISHED: ReadonlySet<Status> = new Set(['SUCCEEDED', 'TERMINAL', 'CANCELED', 'STOPPED', 'FAILED_CONTINUE', 'SKIPPED']);
export const ALL_STATUSES: readonly Status[] = ['NOT_STARTED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED_CONTINUE', 'TERMINAL', 'CANCELED', 'SKIPPED', 'STOPPED'];

/** A status as people read it ("TERMINAL" is a failure). */
export function statusLabel(status: Status): string {
  switch (status) {
    case 'NOT_STARTED':
      return 'not started';
    case 'FAILED_CONTINUE':
      return 'failed, continued';
    case 'TERMINAL':
      return 'failed';
    default:
      return status.toLowerCase();
  }
}

export function durationMs(start: string | null, end: string | null, now = Date.now()): number | undefined {
  if (start === null) return undefined;
  return (end === null ? now : Date.parse(end)) - Date.parse(start);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatTime(iso: string | null): string {
  return iso === null ? '—' : new Date(iso).toLocaleString();
}

/** Any JSON value as text: strings as they are, anything else as JSON. */
export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
