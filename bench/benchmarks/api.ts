import type { Benchmark } from '../lib/result';
export const apiLatency: Benchmark = { name: 'api', description: 'todo', async run() { throw new Error('todo'); } };
