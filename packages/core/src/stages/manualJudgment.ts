import { z } from 'zod';
import { exprOr } from './fields';
import { defineStageType } from './StageType';

/**
 * `manualJudgment`: wait until someone answers through the API. `judgmentInputs` are the choices
 * offered; `notifications` are kept as written for whoever sends them.
 */
export const manualJudgmentStage = defineStageType({
  type: 'manualJudgment',
  fields: z.looseObject({
    instructions: exprOr(z.string()).optional(),
    judgmentInputs: exprOr(z.array(z.looseObject({ value: exprOr(z.string().min(1)) }))).optional(),
    notifications: z.array(z.unknown()).optional(),
    propagateAuthenticationContext: exprOr(z.boolean()).optional(),
  }),
  tasks: () => ['waitForJudgment'],
});
