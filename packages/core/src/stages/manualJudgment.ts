import { z } from 'zod';
import { exprOr, judgmentInput } from './fields';
import { defineStageType } from './StageType';

/**
 * `manualJudgment`: wait until someone answers through the API. `judgmentInputs` are the choices
 * offered; `notifications` are kept as written for whoever sends them.
 */
export const manualJudgmentStage = defineStageType({
  type: 'manualJudgment',
  fields: z.looseObject({
    instructions: exprOr(z.string()).optional(),
    judgmentInputs: exprOr(z.array(judgmentInput(exprOr(z.string().min(1))))).optional(),
    notifications: z.array(z.unknown()).optional(),
    propagateAuthenticationContext: exprOr(z.boolean()).optional(),
  }),
  tasks: () => ['waitForJudgment'],
});
