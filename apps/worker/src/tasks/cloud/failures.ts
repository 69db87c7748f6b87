import { ValidationError } from '@gantry/core';
import { UnknownAccountError, isProviderError } from '@gantry/providers';
import { TaskFailure, TransientTaskError, answeringFailures, type TaskImplementation } from '../Task';

export type FailureOutcome = { kind: 'retry'; message: string } | { kind: 'terminal'; message: string } | { kind: 'unexpected' };

/**
 * What a failed server group step means for the engine (docs/architecture.md "Providers"):
 * - Throttled/Transient provider errors reach a task only after the registry's own retries gave up
 *   on them; they may still heal, so the engine retries the task with its (longer) backoff;
 * - Fatal, NotFound and Conflict will not heal by waiting: TERMINAL, with the provider's message,
 *   which names the provider, operation, account, location and resource;
 * - an unknown account or a name the naming rules refuse is a configuration problem: TERMINAL;
 * - anything else is a bug, left to the engine to log with its stack.
 */
export function classifyFailure(error: unknown): FailureOutcome {
  if (error instanceof TaskFailure) return { kind: 'terminal', message: error.message };
  if (isProviderError(error)) return { kind: error.retryable ? 'retry' : 'terminal', message: error.message };
  if (error instanceof UnknownAccountError) {
    return { kind: 'terminal', message: `${error.message} (accounts are read from the file named by GANTRY_ACCOUNTS_FILE)` };
  }
  if (error instanceof ValidationError) return { kind: 'terminal', message: error.message };
  return { kind: 'unexpected' };
}

/** Wraps a server group task so that its failures are classified as above. */
export function serverGroupTask<Name extends string>(task: TaskImplementation<Name>): TaskImplementation<Name> {
  return answeringFailures(task, (error) => {
    const outcome = classifyFailure(error);
    switch (outcome.kind) {
      case 'retry':
        throw new TransientTaskError(outcome.message, { cause: error });
      case 'terminal':
        return { status: 'TERMINAL', error: outcome.message };
      case 'unexpected':
        throw error;
    }
  });
}
