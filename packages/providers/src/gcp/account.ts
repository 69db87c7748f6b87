import { z } from 'zod';
import { baseAccountShape, checkUniqueRegions, envReference, httpUrl, type ResolvePath } from '../accountFields';

const gcpRegionName = z.string().regex(/^[a-z]+(-[a-z]+)+\d+$/, 'a GCP region such as us-central1');
/** A region, with the zones its managed instance groups spread over (default: GCE's choice). */
// A plain name is short for {name}, as for aws.
const gcpRegion = z.preprocess(
  (region) => (typeof region === 'string' ? { name: region } : region),
  z.strictObject({
    name: gcpRegionName,
    zones: z.array(z.string().regex(/^[a-z]+(-[a-z]+)+\d+-[a-z]$/, 'a zone such as us-central1-a')).min(1).optional(),
  }),
);
export const gcpAccountSchema = z
  .strictObject({
    ...baseAccountShape,
    provider: z.literal('gcp'),
    project: z.string().regex(/^([a-z][-a-z0-9.]*:)?[a-z][-a-z0-9]{4,28}[a-z0-9]$/, 'a GCP project id such as my-project-123'),
    /** The first region is where stages act unless they name another. */
    regions: z
      .array(gcpRegion, { error: (issue) => (issue.input === undefined ? 'required: the regions to use, e.g. [us-central1]' : undefined) })
      .min(1, 'list at least one region'),
    /** References only: a service account key file, or an environment variable holding its JSON. Absent: application default credentials. */
    credentials: z
      .union([z.strictObject({ keyFile: z.string().min(1) }), envReference], {
        error: () => 'must be {keyFile: path} or {env: VARIABLE} (a variable holding the key JSON), never the key itself',
      })
      .optional(),
    /** Another Compute API endpoint (a fake, a private endpoint); without credentials no token is sent. */
    endpoint: httpUrl.optional(),
    /** Default network and subnetwork of server groups (names or paths); settings override them. */
    network: z.string().min(1).optional(),
    subnetwork: z.string().min(1).optional(),
    defaultMachineType: z.string().regex(/^[a-z0-9-]+$/, 'a machine type such as e2-small').optional(),
  })
  .superRefine((account, context) => {
    checkUniqueRegions(account.regions, context);
    account.regions.forEach((region, index) => {
      region.zones?.forEach((zone, zoneIndex) => {
        if (!zone.startsWith(`${region.name}-`)) context.addIssue({ code: 'custom', path: ['regions', index, 'zones', zoneIndex], message: `zone ${zone} is not in region ${region.name}` });
      });
    });
  });

export type GcpAccountConfig = z.output<typeof gcpAccountSchema>;
export type GcpRegionConfig = GcpAccountConfig['regions'][number];

/** A key file path, anchored at the accounts file. */
export function gcpAccountPaths(account: GcpAccountConfig, resolvePath: ResolvePath): GcpAccountConfig {
  if (account.credentials === undefined || !('keyFile' in account.credentials)) return account;
  return { ...account, credentials: { keyFile: resolvePath(account.credentials.keyFile) } };
}
