/**
 * The Helm chart (deploy/helm/gantry) with the Helm 4 and kubectl 1.35 of test/support/kubeTools:
 * it lints, renders with its defaults and with the two-worker + Ingress example, and the rendered
 * manifests apply to the Kubernetes fake and read back.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startFakeKubernetes, type FakeKubernetes } from '../fakes/kubernetes';
import { kubectl, kubeTool } from '../support/kubeTools';
import { driftSettingsOf, loadConfig } from '../../packages/config/src';

const CHART = new URL('../../deploy/helm/gantry', import.meta.url).pathname;
const TWO_WORKERS = new URL('../../deploy/helm/examples/two-workers-ingress.yaml', import.meta.url).pathname;
const run = promisify(execFile);

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface Container {
  name: string;
  command: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: { requests: { cpu: string; memory: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { annotations: Record<string, string> };
  spec: { containers: Container[]; volumes: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[] };
}

async function helm(args: string[]): Promise<string> {
  const { stdout } = await run(kubeTool('helm'), args, { env: { ...process.env, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch, HELM_DATA_HOME: scratch }, timeout: 60_000 });
  return stdout;
}

async function render(...values: string[]): Promise<{ text: string; manifests: Manifest[] }> {
  const text = await helm(['template', 'gantry', CHART, '--namespace', 'default', ...values.flatMap((file) => ['-f', file])]);
  const manifests = parseAllDocuments(text).map((doc) => doc.toJS() as Manifest | null).filter((m): m is Manifest => m !== null);
  return { text, manifests };
}

function one(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  expect(found, `${kind}/${name}`).toHaveLength(1);
  return found[0]!;
}

function template(deployment: Manifest): PodTemplate {
  return deployment.spec!.template as PodTemplate;
}

function env(container: Container, name: string): Container['env'][number] | undefined {
  return container.env.find((e) => e.name === name);
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'gantry-helm-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the Helm chart', () => {
  it('passes helm lint with its defaults and with the two-worker example', async () => {
    expect(await helm(['lint', CHART])).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(await helm(['lint', CHART, '-f', TWO_WORKERS])).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders with its defaults: API and worker Deployments, Service, budgets, the migration hook, no Ingress', async () => {
    const { manifests } = await render();
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      'Deployment/gantry-api', 'Deployment/gantry-worker', 'Job/gantry-migrate', 'PodDisruptionBudget/gantry-api',
      'PodDisruptionBudget/gantry-worker', 'Secret/gantry', 'Service/gantry',
    ]);
    const api = template(one(manifests, 'Deployment', 'gantry-api'));
    const [apiContainer] = api.spec.containers;
    expect(apiContainer!.command).toEqual(['npm', 'run', 'start:api']);
    expect(apiContainer!.ports).toEqual([{ name: 'http', containerPort: 8084 }]);
    expect(apiContainer!.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(apiContainer!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(apiContainer!.resources.requests).toEqual({ cpu: '250m', memory: '384Mi' });
    expect(env(apiContainer!, 'HOST')?.value).toBe('0.0.0.0');
    expect(env(apiContainer!, 'GANTRY_AUTH')?.value).toBe('on');
    expect(env(apiContainer!, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry', key: 'DATABASE_URL' });
    expect(env(apiContainer!, 'REDIS_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry', key: 'REDIS_URL' });
    expect(env(apiContainer!, 'GANTRY_ADMIN_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry', key: 'GANTRY_ADMIN_TOKEN' });
    expect(api.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8084', 'prometheus.io/path': '/metrics' });

    const worker = one(manifests, 'Deployment', 'gantry-worker');
    expect(worker.spec!.replicas).toBe(1);
    const [workerContainer] = template(worker).spec.containers;
    expect(workerContainer!.command).toEqual(['npm', 'run', 'start:worker']);
    expect(env(workerContainer!, 'GANTRY_METRICS_PORT')?.value).toBe('9464');
    expect(workerContainer!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(template(worker).metadata.annotations['prometheus.io/port']).toBe('9464');

    const secret = one(manifests, 'Secret', 'gantry');
    expect(Buffer.from(secret.data!.GANTRY_ADMIN_TOKEN!, 'base64').toString()).toMatch(/^[A-Za-z0-9]{48}$/);
    const job = one(manifests, 'Job', 'gantry-migrate');
    // The Secret the Job reads is a hook too, created before it (lower weight).
    expect(job.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(Number(secret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(Number(job.metadata.annotations!['helm.sh/hook-weight']));
    const jobContainer = (job.spec!.template as PodTemplate).spec.containers[0]!;
    expect(jobContainer.command).toEqual(['npm', 'run', 'migrate']);
    expect(jobContainer.env.map((e) => e.name)).toEqual(['DATABASE_URL']);
  });

  it('passes the drift settings to the API and the workers as GANTRY_DRIFT_* variables, and none by default', async () => {
    const defaults = await render();
    const driftEnv = (manifests: Manifest[], deployment: string) =>
      template(one(manifests, 'Deployment', deployment)).spec.containers[0]!.env.filter((e) => e.name.startsWith('GANTRY_DRIFT_'));
    expect(driftEnv(defaults.manifests, 'gantry-worker')).toEqual([]);

    const values = join(scratch, 'drift.yaml');
    const watches = { web: { url: 'https://git.example.com/deploy.git', path: 'k8s/web', account: 'k8s', namespace: 'prod', application: 'shop', passwordSecret: 'git_token' } };
    const notifications = [{ type: 'slack', address: '#ops' }];
    writeFileSync(values, JSON.stringify({ drift: { intervalSec: 0, watches, notifications } }));
    const { manifests } = await render(values);
    for (const deployment of ['gantry-api', 'gantry-worker']) {
      const rendered = Object.fromEntries(driftEnv(manifests, deployment).map((e) => [e.name, e.value]));
      expect(Object.keys(rendered)).toEqual(['GANTRY_DRIFT_INTERVAL_SEC', 'GANTRY_DRIFT_WATCHES', 'GANTRY_DRIFT_NOTIFICATIONS']);
      // Read as Gantry reads its environment.
      expect(driftSettingsOf(loadConfig(rendered))).toEqual({ intervalSeconds: 0, watches: [{ name: 'web', branch: 'main', notifications: [], ...watches.web }], notifications });
    }
  });

  it('refuses to render without a PostgreSQL, naming the value', async () => {
    await expect(helm(['template', 'gantry', CHART, '--set', 'postgresql.url='])).rejects.toThrow(/postgresql.url or postgresql.existingSecret is required/);
    await expect(helm(['template', 'gantry', CHART, '--set', 'adminToken.value=short'])).rejects.toThrow(/adminToken.value must be at least 20 characters/);
  });

  it('renders two workers, an Ingress, the accounts file and pipeline secrets from the example values', async () => {
    const { manifests } = await render(TWO_WORKERS);
    expect(one(manifests, 'Deployment', 'gantry-worker').spec!.replicas).toBe(2);
    const ingress = one(manifests, 'Ingress', 'gantry');
    expect(ingress.spec).toMatchObject({
      ingressClassName: 'nginx',
      tls: [{ secretName: 'gantry-tls', hosts: ['gantry.example.com'] }],
      rules: [{ host: 'gantry.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gantry', port: { name: 'http' } } } }] } }],
    });
    const api = template(one(manifests, 'Deployment', 'gantry-api'));
    const container = api.spec.containers[0]!;
    expect(env(container, 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry-external', key: 'DATABASE_URL' });
    expect(env(container, 'GANTRY_ADMIN_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry-external', key: 'GANTRY_ADMIN_TOKEN' });
    expect(env(container, 'GANTRY_ACCOUNTS_FILE')?.value).toBe('/etc/gantry/accounts/accounts.yaml');
    expect(env(container, 'GANTRY_CONFIG_FILE')?.value).toBe('/etc/gantry/config/config.yaml');
    expect(env(container, 'K8S_TOKEN')?.valueFrom?.secretKeyRef).toEqual({ name: 'gantry-external', key: 'K8S_TOKEN' });
    expect(container.volumeMounts.map((m) => m.mountPath)).toEqual(['/data', '/etc/gantry/accounts', '/etc/gantry/config']);
    expect(api.spec.volumes.find((v) => v.name === 'accounts')?.secret?.secretName).toBe('gantry');

    const secret = one(manifests, 'Secret', 'gantry');
    // The external Secret holds the URLs and the token; the chart's holds only what the values gave.
    expect(Object.keys(secret.data!).sort()).toEqual(['GANTRY_SECRETS', 'accounts.yaml']);
    expect(JSON.parse(Buffer.from(secret.data!.GANTRY_SECRETS!, 'base64').toString())).toEqual({ github: 'a-webhook-signing-secret' });
    expect(Buffer.from(secret.data!['accounts.yaml']!, 'base64').toString()).toContain('provider: kubernetes');
    const configMap = one(manifests, 'ConfigMap', 'gantry');
    expect(configMap.data!['config.yaml']).toBe('logLevel: info\n');
  });

  describe('applied to the Kubernetes fake with kubectl', () => {
    let fake: FakeKubernetes;
    beforeAll(async () => {
      fake = await startFakeKubernetes({ readyDelayMs: 50 });
      // The fake serves v1, apps/v1, batch/v1, networking.k8s.io/v1 Ingress and CRDs, not policy: its
      // kind is made known to it as a CRD first, so kubectl finds it through discovery as on a real cluster.
      // It serves no OpenAPI schema either, hence --validate=false (a real API server validates).
      const missing = [
        { group: 'policy', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
      ];
      const crds = missing.map(({ group, kind, plural }) => ({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.${group}` },
        spec: {
          group, scope: 'Namespaced', names: { kind, plural, singular: kind.toLowerCase() },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      }));
      const crdFile = join(scratch, 'crds.json');
      writeFileSync(crdFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds }));
      await kubectl(fake.url, ['apply', '--validate=false', '-f', crdFile]);
    });
    afterAll(async () => {
      await fake?.close();
    });

    it('creates every rendered object and reads the Deployments back', async () => {
      const { text, manifests } = await render(TWO_WORKERS);
      const rendered = join(scratch, 'rendered.yaml');
      writeFileSync(rendered, text);
      const applied = await kubectl(fake.url, ['--namespace', 'default', 'apply', '--validate=false', '-f', rendered]);
      for (const m of manifests) expect(applied).toMatch(new RegExp(`${m.kind.toLowerCase()}[^ ]*/${m.metadata.name} created`));

      const deployments = JSON.parse(await kubectl(fake.url, ['--namespace', 'default', 'get', 'deploy', '-o', 'json'])) as { items: Manifest[] };
      const replicas = Object.fromEntries(deployments.items.map((d) => [d.metadata.name, d.spec!.replicas]));
      expect(replicas).toEqual({ 'gantry-api': 1, 'gantry-worker': 2 });
      const worker = deployments.items.find((d) => d.metadata.name === 'gantry-worker')!;
      expect(template(worker).spec.containers[0]!.command).toEqual(['npm', 'run', 'start:worker']);
      // The fake's controller rolls both workers out (it runs no containers: pods are Running by fiat).
      expect(await kubectl(fake.url, ['--namespace', 'default', 'rollout', 'status', 'deployment/gantry-worker', '--timeout=30s'])).toContain('successfully rolled out');
      const pods = JSON.parse(await kubectl(fake.url, ['--namespace', 'default', 'get', 'pods', '-l', 'app.kubernetes.io/component=worker', '-o', 'json'])) as { items: PodTemplate[] };
      expect(pods.items).toHaveLength(2);
      for (const pod of pods.items) expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464' });

      const names = async (resource: string): Promise<string[]> =>
        (JSON.parse(await kubectl(fake.url, ['--namespace', 'default', 'get', resource, '-o', 'json'])) as { items: Manifest[] }).items.map((i) => i.metadata.name).sort();
      expect(await names('services')).toEqual(['gantry']);
      expect(await names('secrets')).toEqual(['gantry']);
      expect(await names('configmaps')).toEqual(['gantry']);
      expect(await names('poddisruptionbudgets')).toEqual(['gantry-api', 'gantry-worker']);
      expect(await names('ingresses')).toEqual(['gantry']);
      expect(await names('jobs')).toEqual(['gantry-migrate']);
    });

    it('creates the objects of the default render too (its own namespace) and reads them back: one worker, no Ingress', async () => {
      const { text, manifests } = await render();
      const rendered = join(scratch, 'defaults.yaml');
      writeFileSync(rendered, text);
      await kubectl(fake.url, ['create', 'namespace', 'defaults']);
      const applied = await kubectl(fake.url, ['--namespace', 'defaults', 'apply', '--validate=false', '-f', rendered]);
      for (const m of manifests) expect(applied).toMatch(new RegExp(`${m.kind.toLowerCase()}[^ ]*/${m.metadata.name} created`));
      const read = async (resource: string) =>
        (JSON.parse(await kubectl(fake.url, ['--namespace', 'defaults', 'get', resource, '-o', 'json'])) as { items: Manifest[] }).items;
      expect(Object.fromEntries((await read('deploy')).map((d) => [d.metadata.name, d.spec!.replicas]))).toEqual({ 'gantry-api': 1, 'gantry-worker': 1 });
      expect(await kubectl(fake.url, ['--namespace', 'defaults', 'rollout', 'status', 'deployment/gantry-api', '--timeout=30s'])).toContain('successfully rolled out');
      expect((await read('poddisruptionbudgets')).map((p) => p.metadata.name).sort()).toEqual(['gantry-api', 'gantry-worker']);
      expect((await read('jobs')).map((j) => j.metadata.name)).toEqual(['gantry-migrate']);
      expect(await read('ingresses')).toEqual([]);
    });
  });
});
