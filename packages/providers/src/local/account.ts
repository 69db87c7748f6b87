import { z } from 'zod';
import { baseAccountShape, type ResolvePath } from '../accountFields';

const port = z.number().int().min(1).max(65535);
export const localAccountSchema = z.strictObject({
  ...baseAccountShape,
  provider: z.literal('local'),
  /** Images, the local agent and its state; default `<GANTRY_DATA_DIR>/local`. Relative: to the accounts file. */
  dataDir: z.string().min(1).optional(),
  /** Where instance ports and new proxy ports come from; default: any free port. */
  portRange: z
    .strictObject({ from: port, to: port })
    .refine((range) => range.from <= range.to, { message: 'from must not be above to', path: ['from'] })
    .optional(),
  /** Fixed proxy ports by cluster (a deploy's settings.proxyPort wins). */
  proxyPorts: z.record(z.string().min(1), port).optional(),
  /**
   * Lets a pipeline's deploy settings choose the command (`command`, `args`, and variables such as
   * NODE_OPTIONS): whoever edits a pipeline then runs any program as Gantry's user. Default: the
   * command comes only from the image's gantry-app.json.
   */
  allowPipelineCommands: z.boolean().optional(),
});

export type LocalAccountConfig = z.output<typeof localAccountSchema>;

/** The data dir, anchored at the accounts file. */
export function localAccountPaths(account: LocalAccountConfig, resolvePath: ResolvePath): LocalAccountConfig {
  return account.dataDir === undefined ? account : { ...account, dataDir: resolvePath(account.dataDir) };
}
