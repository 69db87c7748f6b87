import { apiLatency } from './benchmarks/api';
import { canaryPower } from './benchmarks/canaryPower';
import { embeddedStartup } from './benchmarks/embeddedStartup';
import { engineScaleOut } from './benchmarks/engineScaleOut';
import { engineVsBullmq } from './benchmarks/engineVsBullmq';
import { manifestDeploy } from './benchmarks/manifestDeploy';
import { rollback } from './benchmarks/rollback';
import { tracingOverhead } from './benchmarks/tracingOverhead';
import { uiRender } from './benchmarks/ui';
import { waitingScale } from './benchmarks/waitingScale';
import type { Benchmark } from './lib/result';

/** In run order: the cheap, self-contained ones first so a quick look fails fast. */
export const BENCHMARKS: readonly Benchmark[] = [engineVsBullmq, engineScaleOut, tracingOverhead, embeddedStartup, apiLatency, waitingScale, canaryPower, rollback, uiRender, manifestDeploy];
