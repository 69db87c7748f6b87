import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { authHeaders } from './client';

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'off';

/**
 * Follows GET /api/v1/executions/:id/stream (server-sent events fed by PostgreSQL LISTEN/NOTIFY)
 * and reads the execution again on each `changed` event. Read with fetch rather than EventSource,
 * which cannot send the bearer token; reconnects with a growing delay while `follow` holds.
 */
export function useExecutionStream(id: string, follow: boolean): StreamState {
  const client = useQueryClient();
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    if (!follow) {
      setState('off');
      return;
    }
    const abort = new AbortController();
    let delay = 500;
    const refresh = () => void client.invalidateQueries({ queryKey: ['execution', id] });
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          const response = await fetch(`/api/v1/executions/${id}/stream`, { headers: { ...authHeaders(), accept: 'text/event-stream' }, signal: abort.signal });
          if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
          setState('live');
          delay = 500;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            const events = buffer.split('\n\n');
            buffer = events.pop() ?? '';
            if (events.some((event) => event.split('\n').includes('event: changed'))) refresh();
          }
        } catch {
          if (abort.signal.aborted) return;
        }
        setState('reconnecting');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 10_000);
      }
    };
    void run();
    return () => abort.abort();
  }, [id, follow, client]);
  return state;
}
