import { z } from 'zod';
import { freezeWindowSchema } from './freezeWindows';
import { saveRuleSchema } from './saveRules';
import { trafficGuardsSchema } from './trafficGuards';

/**
 * The deploy policy (`deployPolicy` in the configuration): traffic guards by application, freeze
 * windows, and the rules every saved pipeline must satisfy. It lives in configuration rather than
 * behind an API so that loosening it is a reviewed change of the server's configuration, never a
 * call that someone allowed to edit a pipeline could make before a risky deploy.
 */
export const deployPolicySchema = z.strictObject({
  trafficGuards: trafficGuardsSchema.default({}),
  freezeWindows: z.array(freezeWindowSchema).default([]),
  rules: z.array(saveRuleSchema).default([]),
});

export type DeployPolicy = z.output<typeof deployPolicySchema>;

export const EMPTY_DEPLOY_POLICY: DeployPolicy = { trafficGuards: {}, freezeWindows: [], rules: [] };
