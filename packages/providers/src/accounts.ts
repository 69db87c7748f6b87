import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@gantry/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * Accounts are named provider targets with credentials, configured in `accounts.yaml`, never in a
 * pipeline (DESIGN.md "Vocabulary"). Secrets are never literals in the file: a token is a reference
 * to an environment variable, read when the provider is built.
 */

const ACCOUNT_NAME = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;
// Namespaces are DNS-1123 labels.
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What every account has, whatever its provider: a name, and tags that deploy policies read
 * (e.g. a save-time rule about accounts tagged `prod`; README "Deploy policy").
 */
const baseAccountShape = {
  name: z.string().regex(ACCOUNT_NAME, 'lower-case letters, digits, ".", "_" and "-"').max(128),
  tags: z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'a tag: letters, digits, ".", "_", ":", "/" and "-"').max(63)).optional(),
};

const namespace = z.string().regex(NAMESPACE, 'a Kubernetes namespace (lower-case letters, digits and "-")').max(63);

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' });

const envReference = z.strictObject({ env: z.string().regex(ENV_VAR, 'an environment variable name') }, {
  error: (issue) =>
    issue.code === 'invalid_type' ? 'must be a reference {env: VARIABLE}, never a literal secret' : undefined,
});

const httpRouteParentRef = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  sectionName: z.string().optional(),
  group: z.string().optional(),
  kind: z.string().optional(),
  port: z.number().int().optional(),
});

const kubernetesTraffic = z.strictObject({
  /**
   * service: the cluster's Service selects enabled pods; weights are approximated (see
   * KubernetesProvider.setTrafficWeights). gatewayHttpRoute: a Gateway API HTTPRoute per cluster
   * carries exact backend weights.
   */
  mode: z.enum(['service', 'gatewayHttpRoute']).default('service'),
  httpRoute: z
    .strictObject({
      /** The route's name; `{cluster}` is replaced by the cluster name. Default `{cluster}`. */
      name: z.string().min(1).optional(),
      parentRefs: z.array(httpRouteParentRef).optional(),
    })
    .optional(),
});

const kubernetesAccount = z
  .strictObject({
    ...baseAccountShape,
    provider: z.literal('kubernetes'),
    /** A kubeconfig file; relative paths are relative to the accounts file, `~/` is the home directory. */
    kubeconfig: z.string().min(1).optional(),
    /** The kubeconfig context; default: the file's current context. */
    context: z.string().min(1).optional(),
    /** The API server, instead of a kubeconfig (in-cluster with a token, or tests). */
    server: httpUrl.optional(),
    token: envReference.optional(),
    /** Where server groups go unless a stage names another namespace. */
    namespace: namespace.optional(),
    /** The namespaces stages may use; unset: any. */
    namespaces: z.array(namespace).min(1).optional(),
    skipTLSVerify: z.boolean().optional(),
    traffic: kubernetesTraffic.default({ mode: 'service' }),
  })
  .superRefine((account, context) => {
    if (account.kubeconfig !== undefined && account.server !== undefined) {
      context.addIssue({ code: 'custom', path: ['server'], message: 'give either kubeconfig or server, not both' });
    }
    if (account.token !== undefined && account.server === undefined) {
      context.addIssue({ code: 'custom', path: ['token'], message: 'a token goes with server (a kubeconfig carries its own credentials)' });
    }
    if (account.namespace !== undefined && account.namespaces !== undefined && !account.namespaces.includes(account.namespace)) {
      context.addIssue({ code: 'custom', path: ['namespace'], message: `must be one of namespaces (${account.namespaces.join(', ')})` });
    }
  })
  .transform((account) => ({ ...account, namespace: account.namespace ?? account.namespaces?.[0] ?? 'default' }));

/** Each region listed once (aws and gcp accounts). */
function checkUniqueRegions(regions: readonly { name: string }[], context: z.RefinementCtx): void {
  const seen = new Set<string>();
  regions.forEach((region, index) => {
    if (seen.has(region.name)) context.addIssue({ code: 'custom', path: ['regions', index], message: `duplicate region ${region.name}` });
    seen.add(region.name);
  });
}

const awsRegionName = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1');
/** A region, with the network server groups are placed in there (Spinnaker: `regions: [{name}]`). */
// A plain name is short for {name}, so that problems in either form are reported by field.
const awsRegion = z.preprocess(
  (region) => (typeof region === 'string' ? { name: region } : region),
  z.strictObject({
    name: awsRegionName,
    subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id (subnet-…)')).min(1).optional(),
    availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/, 'an availability zone such as us-east-1a')).min(1).optional(),
    securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id (sg-…)')).min(1).optional(),
  }),
);

const awsAccount = z
  .strictObject({
    ...baseAccountShape,
    provider: z.literal('aws'),
    /** The first region is where stages act unless they name another. */
    regions: z
      .array(awsRegion, { error: (issue) => (issue.input === undefined ? 'required: the regions to use, e.g. [us-east-1]' : undefined) })
      .min(1, 'list at least one region'),
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id').optional(),
    /** References to environment variables; absent: the SDK's default chain (env, profile, instance role). */
    credentials: z
      .strictObject({ accessKeyId: envReference, secretAccessKey: envReference, sessionToken: envReference.optional() })
      .optional(),
    /** Another endpoint for every service (a fake, LocalStack). */
    endpoint: httpUrl.optional(),
    defaultInstanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an instance type such as t3.small').optional(),
    /** Tries per SDK call (default 1: RetryingProvider retries, and the audit log records each retry). */
    maxAttempts: z.number().int().min(1).max(10).optional(),
  })
  .superRefine((account, context) => checkUniqueRegions(account.regions, context));
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
const gcpAccount = z
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
const port = z.number().int().min(1).max(65535);
const localAccount = z.strictObject({
  ...baseAccountShape,
  provider: z.literal('local'),
  /** Images, the local agent and its state; default `<GANTRY_DATA_DIR>/local`. Relative: to this file. */
  dataDir: z.string().min(1).optional(),
  /** Where instance ports and new proxy ports come from; default: any free port. */
  portRange: z
    .strictObject({ from: port, to: port })
    .refine((range) => range.from <= range.to, { message: 'from must not be above to', path: ['from'] })
    .optional(),
  /** Fixed proxy ports by cluster (a deploy's settings.proxyPort wins). */
  proxyPorts: z.record(z.string().min(1), port).optional(),
});

/** With no accounts file, Gantry deploys to this machine. */
export const DEFAULT_LOCAL_ACCOUNT = { name: 'local', provider: 'local' } as const;

export const accountSchema = z.discriminatedUnion('provider', [kubernetesAccount, awsAccount, gcpAccount, localAccount]);

export const accountsFileSchema = z
  .strictObject({ accounts: z.array(accountSchema).nullish().transform((accounts) => accounts ?? []) })
  .superRefine((file, context) => {
    const seen = new Map<string, number>();
    file.accounts.forEach((account, index) => {
      const first = seen.get(account.name);
      if (first === undefined) seen.set(account.name, index);
      else context.addIssue({ code: 'custom', path: ['accounts', index, 'name'], message: `duplicate account name ${account.name} (also accounts[${first}])` });
    });
  });

export type AccountConfig = z.output<typeof accountSchema>;
export type KubernetesAccountConfig = Extract<AccountConfig, { provider: 'kubernetes' }>;
export type AwsAccountConfig = Extract<AccountConfig, { provider: 'aws' }>;
export type AwsRegionConfig = AwsAccountConfig['regions'][number];
export type GcpAccountConfig = Extract<AccountConfig, { provider: 'gcp' }>;
export type GcpRegionConfig = GcpAccountConfig['regions'][number];
export type LocalAccountConfig = Extract<AccountConfig, { provider: 'local' }>;
export type KubernetesTrafficMode = KubernetesAccountConfig['traffic']['mode'];

export const DEFAULT_ACCOUNTS_FILE = './accounts.yaml';

/**
 * Validates the accounts of one YAML document. `file` names the source in errors and anchors
 * relative kubeconfig paths.
 */
export function parseAccounts(text: string, file: string): AccountConfig[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`accounts file ${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return [];
  const parsed = accountsFileSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    throw new ConfigError(`invalid accounts file ${file}: ${problems.join('; ')}`);
  }
  return parsed.data.accounts.map((account) => resolvePaths(account, dirname(resolve(file))));
}

export interface LoadAccountsOptions {
  /** The accounts file from the configuration (`accountsFile`); GANTRY_ACCOUNTS_FILE wins. */
  file?: string;
  cwd?: string;
}

/**
 * Reads the accounts file named by GANTRY_ACCOUNTS_FILE (or `options.file`); without either,
 * `./accounts.yaml` when it exists, otherwise the one account `local` (this machine).
 */
export function loadAccounts(env: NodeJS.ProcessEnv = process.env, options: LoadAccountsOptions = {}): AccountConfig[] {
  const cwd = options.cwd ?? process.cwd();
  const named = nonEmpty(env.GANTRY_ACCOUNTS_FILE) ?? nonEmpty(options.file);
  const file = resolve(cwd, named ?? DEFAULT_ACCOUNTS_FILE);
  if (named === undefined && !existsSync(file)) return [{ ...DEFAULT_LOCAL_ACCOUNT }];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`GANTRY_ACCOUNTS_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseAccounts(text, file);
}

/** `accounts[2].token.env` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '') || '(file)';
}

function resolvePaths(account: AccountConfig, baseDir: string): AccountConfig {
  if (account.provider === 'gcp' && account.credentials !== undefined && 'keyFile' in account.credentials) {
    return { ...account, credentials: { keyFile: resolvePath(account.credentials.keyFile, baseDir) } };
  }
  if (account.provider === 'local' && account.dataDir !== undefined) return { ...account, dataDir: resolvePath(account.dataDir, baseDir) };
  if (account.provider !== 'kubernetes' || account.kubeconfig === undefined) return account;
  return { ...account, kubeconfig: resolvePath(account.kubeconfig, baseDir) };
}

/** `~/x` in the home directory; relative paths relative to the accounts file. */
function resolvePath(path: string, baseDir: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
