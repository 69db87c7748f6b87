/** A stateful fake Kubernetes API server for tests and for running standalone (`npm run fake -- kubernetes`). */
export { startFakeKubernetes } from './server';
export type { FakeKubernetes, FakeKubernetesOptions, FakeKubernetesState, RequestRecord } from './server';
export type { DeploymentInfo, ReadinessPredicate } from './controller/index';
export type { FaultSpec } from './faults';
export type { FakeResourceName } from './resources';
export type { KubeObject } from './store';
export type { FakeToken } from './authn';
