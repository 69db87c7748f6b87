import type { TraceCarrier } from '@gantry/telemetry';
import type { EngineMessage } from './messages';

/**
 * The schema version of the messages this code writes. Workers of several versions share one
 * queue during a rolling upgrade, so a message says which version wrote it:
 *
 * 1. no `v` field: the messages before versioning.
 * 2. `v` and an optional `trace` (W3C trace context of the execution's trace). Additive: a worker
 *    of version 1 reads such a message as before and ignores both fields.
 *
 * A later change that an older worker would misread (a field renamed, a meaning changed) must
 * raise the version. A worker leaves a message of a version newer than its own on the queue
 * for a newer worker (see MessageConsumer), so an upgrade half done loses nothing.
 */
export const MESSAGE_VERSION = 2;

/** What a queue job (or an outbox row) holds: the message's own fields, its version, its trace. */
export type QueuedMessage = EngineMessage & { v?: number; trace?: TraceCarrier };

/**
 * The message as written now. Fields the message already carries win: a row the outbox recorded
 * keeps the version and trace it was recorded with, even when another worker relays it.
 */
export function seal(message: EngineMessage | QueuedMessage, trace: TraceCarrier | undefined): QueuedMessage {
  return { v: MESSAGE_VERSION, ...(trace === undefined ? {} : { trace }), ...message };
}

export type Unsealed =
  | { kind: 'current'; message: EngineMessage; trace?: TraceCarrier; version: number }
  /** Written by a newer version than `understood`: to be left for a worker that reads it. */
  | { kind: 'newer'; version: number };

/** Splits a job's data into the message and its envelope, refusing versions newer than `understood`. */
export function unseal(data: QueuedMessage, understood: number = MESSAGE_VERSION): Unsealed {
  const { v, trace, ...message } = data;
  const version = typeof v === 'number' ? v : 1;
  if (version > understood) return { kind: 'newer', version };
  return trace === undefined ? { kind: 'current', message, version } : { kind: 'current', message, trace, version };
}

/**
 * A message written by a newer Gantry than this worker (a rolling upgrade in progress). It is put
 * back, for as long as it takes, never counted as a failure: a newer worker, or this one's
 * replacement, takes it. It comes back after a short constant delay, not the outage backoff that
 * grows to seconds, so a newer worker sharing the queue gets it soon (see `retryDelayMs`).
 */
export class NewerMessageVersionError extends Error {
  constructor(readonly version: number) {
    super(`message schema version ${version} is newer than this worker's ${MESSAGE_VERSION}; left for a newer worker`);
    this.name = 'NewerMessageVersionError';
  }
}
