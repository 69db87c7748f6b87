import { parentPort } from 'node:worker_threads';
import { evaluateEach, type BatchOptions } from '@gantry/core/celBatch';
import type { ExpressionScope } from '@gantry/core';

/**
 * Runs in the sandbox thread: evaluates each job's sources (CEL or SpEL) over its scope. It says which
 * expression it starts, so that the parent can name the one that ran over the time limit.
 */
const port = parentPort;
if (port === null) throw new Error('expressionThread runs as a worker thread');

port.on('message', (job: { sources: string[]; scope: ExpressionScope; options?: BatchOptions }) => {
  const outcomes = evaluateEach(job.sources, job.scope, (index) => port.postMessage({ type: 'start', index }), job.options);
  port.postMessage({ type: 'done', outcomes });
});
port.postMessage({ type: 'ready' });
