import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@gantry/config';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { awsAccountSchema } from './aws/account';
import { gcpAccountPaths, gcpAccountSchema } from './gcp/account';
import { kubernetesAccountPaths, kubernetesAccountSchema } from './kubernetes/account';
import { localAccountPaths, localAccountSchema } from './local/account';

/**
 * Accounts are named provider targets with credentials, configured in `accounts.yaml`, never in a
 * pipeline (docs/architecture.md "Vocabulary"). Secrets are never literals in the file: a token is a reference
 * to an environment variable, read when the provider is built. Each cloud's schema lives in its
 * folder (`<cloud>/account.ts`); this file joins them into the accounts file.
 */

export type { KubernetesAccountConfig, KubernetesTrafficMode } from './kubernetes/account';
export type { AwsAccountConfig, AwsRegionConfig } from './aws/account';
export type { GcpAccountConfig, GcpRegionConfig } from './gcp/account';
export type { LocalAccountConfig } from './local/account';

/** With no accounts file, Gantry deploys to this machine. */
export const DEFAULT_LOCAL_ACCOUNT = { name: 'local', provider: 'local' } as const;

export const accountSchema = z.discriminatedUnion('provider', [kubernetesAccountSchema, awsAccountSchema, gcpAccountSchema, localAccountSchema]);

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

/** The account's file paths, anchored at the accounts file (`baseDir`). */
function resolvePaths(account: AccountConfig, baseDir: string): AccountConfig {
  const at = (path: string) => resolvePath(path, baseDir);
  switch (account.provider) {
    case 'kubernetes':
      return kubernetesAccountPaths(account, at);
    case 'gcp':
      return gcpAccountPaths(account, at);
    case 'local':
      return localAccountPaths(account, at);
    case 'aws':
      return account;
  }
}

/** `~/x` in the home directory; relative paths relative to the accounts file. */
function resolvePath(path: string, baseDir: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  return isAbsolute(expanded) ? expanded : resolve(baseDir, expanded);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
