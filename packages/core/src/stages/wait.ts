import { z } from 'zod';
import { exprOr, seconds } from './fields';
import { defineStageType } from './StageType';

/** `wait`: pause for `waitTime` seconds; `skipWaitText` is what the UI shows on its skip button. */
export const waitStage = defineStageType({
  type: 'wait',
  fields: z.looseObject({
    waitTime: exprOr(seconds),
    skipWaitText: exprOr(z.string()).optional(),
  }),
  tasks: () => ['wait'],
});
