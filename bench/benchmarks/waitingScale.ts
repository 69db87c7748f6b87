import type { Benchmark } from '../lib/result';
export const waitingScale: Benchmark = { name: 'waitingScale', description: 'todo', async run() { throw new Error('todo'); } };
