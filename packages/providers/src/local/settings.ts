import { z } from 'zod';

/**
 * `ServerGroupSpec.settings` (and `BakeRequest.settings`) for the local provider. Strict, so a
 * misspelt key fails the deploy with its name instead of being silently ignored.
 */

export const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
export const portNumber = z.number().int().min(1).max(65535);

export const localServerGroupSettingsSchema = z.strictObject({
  /**
   * Instead of the image's gantry-app.json: only on an account with `allowPipelineCommands: true`
   * (anywhere else a pipeline would choose what this machine runs).
   */
  command: z.string().min(1).optional(),
  args: z.array(z.string()).optional(),
  /** Added to the image's env (gantry-app.json), after Gantry's own `PORT`, `GANTRY_SERVER_GROUP`, `GANTRY_IMAGE_DIR`. */
  env: z.record(envVarName, z.string()).default({}),
  /** An HTTP GET answering 200 means the instance is up. */
  healthPath: z.string().startsWith('/').default('/health'),
  /** The cluster's proxy port; default: the account's `proxyPorts[cluster]`, else a free port chosen once. */
  proxyPort: portNumber.optional(),
  /** Bake only: the folder to bake (default: the bake's `baseImage`). */
  appDir: z.string().min(1).optional(),
  /** An instance not healthy this long after it started is restarted (counted as a failure). */
  startTimeoutSec: z.number().int().positive().max(3600).default(60),
});

export type LocalServerGroupSettings = z.output<typeof localServerGroupSettingsSchema>;
export type LocalServerGroupSettingsInput = z.input<typeof localServerGroupSettingsSchema>;

/** The settings a bake reads: only `appDir` matters, the rest may be shared with the deploy. */
export const localBakeSettingsSchema = localServerGroupSettingsSchema.partial();
