/** A stateful fake Google Compute Engine API (v1, REST/JSON) for tests and for running standalone (`npm run fake -- gcp`). */
export { startFakeGcp } from './server';
export type { FakeGcp, FakeGcpOptions, RequestRecord } from './server';
export type { InstanceFailurePredicate, ManagedGroupInfo } from './controller';
export type { BuilderFailurePredicate, BuilderInfo } from './zonalInstances';
export type { FaultSpec } from './faults';
export type { FaultStatus } from './errors';
