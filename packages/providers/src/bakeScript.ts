import { z } from 'zod';

/**
 * What to install on a builder machine: the package and its exact version. No package is rosco's
 * bake of an empty `package_name`: nothing is installed and the image is the base image as the
 * builder leaves it (rosco's install step gets an empty package list).
 */
export interface PackageRelease {
  package?: string | undefined;
  version: string;
}

/**
 * The readable stem of a baked image's name: `<baseName or package>-<version>`; without a package,
 * rosco's `all` (its image name factory writes `[baseName-]all-<release>-<baseOs>`), or the baseName.
 */
export function releaseStem(inputs: PackageRelease & { baseName?: string | undefined }): string {
  if (inputs.package === undefined) return inputs.baseName ?? 'all';
  return `${inputs.baseName ?? inputs.package}-${inputs.version}`;
}

/** `checkout 1.2.3`, or what a bake of no package makes, for descriptions and messages. */
export function describeRelease(inputs: PackageRelease): string {
  return inputs.package === undefined ? 'no package (the base image as is)' : `${inputs.package} ${inputs.version}`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A builder machine's boot script (EC2 user data, GCE startup-script): installs `package` at
 * `version` with the base image's package manager, then powers the machine off. Reaching the
 * power-off (only when set -e let the install through) is how the bake knows the image can be
 * taken: a failed install leaves the builder running and no image is made.
 */
export function installPackageScript(inputs: PackageRelease): string {
  if (inputs.package === undefined) return ['#!/bin/sh', 'set -eu', '# gantry bake: no package, the base image as is', 'shutdown -h now', ''].join('\n');
  const pkg = shellQuote(inputs.package);
  const version = shellQuote(inputs.version);
  return [
    '#!/bin/sh',
    'set -eu',
    `# gantry bake: ${inputs.package} ${inputs.version}`,
    'if command -v apt-get >/dev/null 2>&1; then',
    '  apt-get update',
    `  DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkg}=${version}`,
    'elif command -v dnf >/dev/null 2>&1; then',
    `  dnf install -y ${pkg}-${version}`,
    'else',
    `  yum install -y ${pkg}-${version}`,
    'fi',
    'shutdown -h now',
    '',
  ].join('\n');
}

/** How long a builder may take from launch to powering off (Packer's default build timeout is similar). */
export const DEFAULT_INSTALL_TIMEOUT_SEC = 1800;

/** `settings.installTimeoutSec` of a bake. */
export const installTimeoutSchema = z.number().int().positive().max(24 * 3600);

/**
 * A builder still not powered off this long after its launch: its install failed (set -e stopped
 * the script before the power-off) or hangs. The bake gives up on it and removes it, so that the
 * next bake of these inputs starts afresh instead of waiting on it again.
 */
export function installOverdue(launchedAt: Date | string | null | undefined, timeoutSec: number, nowMs: number): boolean {
  if (launchedAt === null || launchedAt === undefined) return false;
  const launched = new Date(launchedAt).getTime();
  return Number.isFinite(launched) && nowMs - launched > timeoutSec * 1000;
}

export function installOverdueReason(builder: string, timeoutSec: number): string {
  return `builder ${builder} did not finish installing within installTimeoutSec=${timeoutSec} (the install failed or hangs: its console output says why); it was deleted, so the next bake starts a new one`;
}
