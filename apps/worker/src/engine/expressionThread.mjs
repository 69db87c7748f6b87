// The expression sandbox thread's entry (see expressionSandbox.ts). Plain JavaScript so that it
// starts the same under tsx, vitest and plain node: it registers tsx, then loads the TypeScript.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// Lowest CPU priority for this thread only (Linux keeps a nice value per thread): an expression
// burning its whole time budget must not take the CPU from the event loop that answers probes and
// renews queue locks, even on a machine with few cores.
try {
  setPriority(19);
} catch {
  // Not permitted here (some platforms); the time limit still bounds the expression.
}
register();
await import('./expressionThread.ts');
