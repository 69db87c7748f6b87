import { parentPort } from 'node:worker_threads';
import { evaluateEach } from '@gantry/core/celBatch';
import type { ExpressionScope } from '@gantry/core';

/**
 * Runs in the sandbox thread: evaluates each job's CEL sources over its scope. It says which
 * expression it starts, so that the parent can name the one that ran over the time limit.
 */
const port = parentPort;
if (port === null) throw new Error('expressionThread runs as a worker thread');

port.on('message', (job: { sources: string[]; scope: ExpressionScope }) => {
  const outcomes = evaluateEach(job.sources, job.scope, (index) => port.postMessage({ type: 'start', index }));
  port.postMessage({ type: 'done', outcomes });
});
port.postMessage({ type: 'ready' });
