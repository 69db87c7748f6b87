/** Shared by the fake's tests: the real @google-cloud/compute clients pointed at the fake, and operation polling. */
import compute, { type protos } from '@google-cloud/compute';
import { PassThroughClient } from 'google-auth-library';
import type { FakeGcp } from './server';

export type Operation = protos.google.cloud.compute.v1.IOperation;

export const REGION = 'us-central1';
export const ZONE = 'us-central1-a';

type ClientOptions = NonNullable<ConstructorParameters<typeof compute.InstanceTemplatesClient>[0]>;

/**
 * As in FACTS.md: plain http to 127.0.0.1 and no Google credentials. The cast: google-gax types
 * `authClient` with its own nested copy of google-auth-library (10.5 beside the root 10.9), whose
 * classes TypeScript will not mix; at run time either works.
 */
export function clientsFor(fake: FakeGcp) {
  const options: ClientOptions = {
    apiEndpoint: fake.apiEndpoint,
    port: fake.port,
    protocol: 'http',
    authClient: new PassThroughClient() as unknown as ClientOptions['authClient'],
  };
  return {
    project: fake.project,
    templates: new compute.InstanceTemplatesClient(options),
    images: new compute.ImagesClient(options),
    backendServices: new compute.BackendServicesClient(options),
    urlMaps: new compute.UrlMapsClient(options),
    regionBackendServices: new compute.RegionBackendServicesClient(options),
    healthChecks: new compute.HealthChecksClient(options),
    migs: new compute.RegionInstanceGroupManagersClient(options),
    instanceGroups: new compute.RegionInstanceGroupsClient(options),
    globalOperations: new compute.GlobalOperationsClient(options),
    regionOperations: new compute.RegionOperationsClient(options),
    instances: new compute.InstancesClient(options),
    disks: new compute.DisksClient(options),
    zoneOperations: new compute.ZoneOperationsClient(options),
  };
}

export type Clients = ReturnType<typeof clientsFor>;

export async function closeClients(clients: Clients): Promise<void> {
  const { project: _project, ...closable } = clients;
  await Promise.all(Object.values(closable).map((client) => client.close()));
}

/**
 * Waits for the operation a mutating call answered with, as a caller of the client library must
 * (it does not poll): `wait` on the zonal, regional or global operations API until DONE.
 */
export async function untilDone(clients: Clients, started: Promise<[{ latestResponse: unknown }, ...unknown[]]>): Promise<Operation> {
  let operation = (await started)[0].latestResponse as Operation;
  while (operation.status !== 'DONE') {
    const name = operation.name ?? '';
    const lastSegment = (link: string) => link.slice(link.lastIndexOf('/') + 1);
    if (operation.zone) [operation] = await clients.zoneOperations.wait({ project: clients.project, zone: lastSegment(operation.zone), operation: name });
    else if (operation.region) [operation] = await clients.regionOperations.wait({ project: clients.project, region: lastSegment(operation.region), operation: name });
    else [operation] = await clients.globalOperations.wait({ project: clients.project, operation: name });
  }
  return operation;
}

/** The GaxiosError a call rejected with: its HTTP status and the error JSON (the client puts the body text in `message`). */
export async function gceError(call: Promise<unknown>): Promise<{ code: number; error: { code: number; message: string; status: string; errors: { reason: string; message: string; domain: string }[] } }> {
  try {
    await call;
  } catch (error) {
    const { code, message } = error as { code: unknown; message: string };
    if (typeof code !== 'number') throw error;
    return { code, error: (JSON.parse(message) as { error: never }).error };
  }
  throw new Error('expected the call to fail');
}

export function templateBody(name: string, image = 'projects/debian-cloud/global/images/family/debian-12') {
  return {
    name,
    properties: {
      machineType: 'e2-small',
      disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: image } }],
      networkInterfaces: [{ network: 'global/networks/default' }],
      labels: { app: 'checkout' },
    },
  };
}

export { eventually } from '../../support/eventually';
