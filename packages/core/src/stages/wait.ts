import { z } from 'zod';
import { allowingExpressions, seconds } from './fields';
import { defineStageType } from './StageType';

const waitShape = {
  waitTime: seconds,
  skipWaitText: z.string().optional(),
};

/** The wait stage's fields, as its task reads them once expressions are resolved. */
export const waitFieldsSchema = z.looseObject(waitShape);

/** `wait`: pause for `waitTime` seconds; `skipWaitText` is what the UI shows on its skip button. */
export const waitStage = defineStageType({
  type: 'wait',
  fields: z.looseObject(allowingExpressions(waitShape)),
  tasks: () => ['wait'],
});
