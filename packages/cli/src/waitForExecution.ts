import { STATUSES, isComplete } from '@gantry/core';
import { z } from 'zod';
import { CliError, EXIT, type ExitCode } from './errors';
import type { GantryClient } from './gantryClient';
import type { CliIo } from './io';

export interface WaitOptions {
  wait: boolean;
  pollMs: number;
}

const createdSchema = z.object({ id: z.string() });

const executionSchema = z.object({
  id: z.string(),
  status: z.enum(STATUSES),
  stages: z.array(z.object({ refId: z.string(), status: z.string(), error: z.record(z.string(), z.unknown()).nullable().optional() })).optional(),
});

/** The first stage error, in words, for the one line that says why an execution did not succeed. */
function firstStageError(execution: z.infer<typeof executionSchema>): string | undefined {
  for (const stage of execution.stages ?? []) {
    const message = stage.error?.message;
    if (typeof message === 'string') return `stage ${stage.refId}: ${message}`;
  }
  return undefined;
}

/** Polls an execution until it is complete; OK only when it SUCCEEDED. Progress goes to stderr. */
export async function waitForExecution(client: GantryClient, id: string, io: CliIo, pollMs: number): Promise<ExitCode> {
  let lastStatus = '';
  for (;;) {
    const parsed = executionSchema.safeParse(await client.request('GET', `/executions/${encodeURIComponent(id)}`));
    if (!parsed.success) throw new CliError(`GET /executions/${id}: unexpected answer (no status)`, EXIT.FAILED);
    const execution = parsed.data;
    if (execution.status !== lastStatus) {
      lastStatus = execution.status;
      if (!isComplete(execution.status)) io.stderr(`execution ${id}: ${execution.status}\n`);
    }
    if (isComplete(execution.status)) {
      const why = execution.status === 'SUCCEEDED' ? undefined : firstStageError(execution);
      io.stderr(`execution ${id}: ${execution.status}${why === undefined ? '' : ` (${why})`}\n`);
      return execution.status === 'SUCCEEDED' ? EXIT.OK : EXIT.FAILED;
    }
    await io.sleep(pollMs);
  }
}

/** Prints the created execution's id on stdout (the one thing scripts need), then maybe waits for it. */
export async function reportCreatedExecution(client: GantryClient, answer: unknown, what: string, io: CliIo, wait: WaitOptions): Promise<ExitCode> {
  const created = createdSchema.safeParse(answer);
  if (!created.success) throw new CliError(`${what}: the answer has no id`, EXIT.FAILED);
  io.stdout(`${created.data.id}\n`);
  return wait.wait ? waitForExecution(client, created.data.id, io, wait.pollMs) : EXIT.OK;
}
