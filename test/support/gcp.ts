import { BackendServicesClient, ImagesClient } from '@google-cloud/compute';
import type { FakeGcp } from '../fakes/gcp';
import { parseAccounts, type GcpAccountConfig } from '../../packages/providers/src';
import { GceClient } from '../../packages/providers/src/gcp/client';
import { gcpClientOptions } from '../../packages/providers/src/gcp';

/** Helpers for tests against the fake Compute API: an account on it, and what exists before Gantry runs. */

export const GCP_REGION = 'us-central1';

/** A gcp account on the fake (region us-central1, machine type e2-small by default), as accounts.yaml would give it. */
export function gcpAccount(fake: FakeGcp, name = 'gcp'): GcpAccountConfig {
  const yaml = `accounts:\n  - name: ${name}\n    provider: gcp\n    project: ${fake.project}\n    regions: [${GCP_REGION}]\n    endpoint: ${fake.url}\n    defaultMachineType: e2-small\n`;
  const [account] = parseAccounts(yaml, 'accounts.yaml');
  if (account?.provider !== 'gcp') throw new Error('the gcp test account did not parse');
  return account;
}

/**
 * Inserts, through the real client, a global backend service (the load balancer's, made by
 * whoever runs it) and images (bake base images), waiting for their operations.
 */
export async function seedGcp(account: GcpAccountConfig, seed: { backendServices?: string[]; images?: string[] }): Promise<void> {
  const options = gcpClientOptions(account, {});
  const services = new BackendServicesClient(options);
  const images = new ImagesClient(options);
  const gce = new GceClient(options, account.project, account.name);
  const scope = { operation: 'seed', region: GCP_REGION };
  try {
    for (const name of seed.backendServices ?? []) {
      await gce.mutate(scope, () => services.insert({ project: account.project, backendServiceResource: { name, loadBalancingScheme: 'EXTERNAL', protocol: 'HTTP' } }));
    }
    for (const name of seed.images ?? []) {
      await gce.mutate(scope, () => images.insert({ project: account.project, imageResource: { name, rawDisk: { source: 'https://storage.googleapis.com/gantry-test/disk.tar.gz' } } }));
    }
  } finally {
    await Promise.all([services.close(), images.close(), gce.close()]);
  }
}

/** Backends of a global backend service in the fake: instance group name → capacityScaler. */
export function backendsOf(fake: FakeGcp, backendService: string): Record<string, number> {
  const service = fake.backendServices().find((candidate) => candidate.name === backendService);
  const backends = Array.isArray(service?.backends) ? service.backends : [];
  return Object.fromEntries(
    backends.flatMap((backend) => {
      const record = backend as { group?: unknown; capacityScaler?: unknown };
      if (typeof record.group !== 'string') return [];
      return [[record.group.slice(record.group.lastIndexOf('/') + 1), typeof record.capacityScaler === 'number' ? record.capacityScaler : 1]];
    }),
  );
}
