/**
 * Every Prometheus label Gantry may use, with why its values are a bounded set. A label whose
 * values grow with use (an execution, stage or task id, a URL, a user) makes a series per value and
 * takes Prometheus down; such a label name is refused here, whatever metric declares it.
 */
export const BOUNDED_LABELS: Record<string, string> = {
  type: 'an engine message type or a stage type: the types the code defines',
  outcome: 'ok or error',
  status: 'an execution or stage status: the statuses core defines',
  application: 'applications are configuration, created by people, not per execution',
  pipeline: "a pipeline's name: pipelines are configuration, not per execution",
  backend: 'the queue backend: redis or postgres',
  state: 'a queue job state: waiting, prioritized, active, delayed, failed',
  provider: 'a provider kind: kubernetes, aws, gcp, local',
  operation: 'a CloudProvider method name or a Kubernetes manifest client operation (apply, get, list, patch, delete, logs, discovery)',
  kind: 'a closed set of kinds (provider error kinds, rollback kinds, sign-in failure kinds)',
  result: 'a canary verdict: pass, marginal, fail',
  // The local agent's own registry (apps/local-agent), one per machine it runs groups on.
  cluster: "the local agent's clusters: configuration",
  server_group: "the local agent's live server groups (a cluster keeps a few; destroyed ones leave)",
  code: 'an HTTP status code',
};
