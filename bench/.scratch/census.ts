import { createBenchDatabase } from '../lib/database';
import { benchQueue } from '../lib/queues';
import { runEngineChains } from '../benchmarks/engineVsBullmq/engineChains';
import { installQueryCensus, queryCensusReport, resetQueryCensus } from '../tools/queryCensus';

installQueryCensus();
const kind = (process.argv[2] ?? 'redis') as 'redis' | 'postgres';
const database = await createBenchDatabase();
const queue = benchQueue(kind, database.url, 'census');
resetQueryCensus();
const result = await runEngineChains(database.db, queue.config, { executions: 50, stages: 20, concurrency: 20, timeoutMs: 120_000 });
console.log(JSON.stringify({ tps: result.transitionsPerSecond, lat: result.schedulingLatencyMs, cpu: result.cpu }));
console.log(queryCensusReport(40));
await queue.cleanup();
await database.drop();
process.exit(0);
