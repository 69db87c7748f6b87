/** Every Auto Scaling action the fake serves. */
import type { ActionTable } from '../context';
import { activityActions } from './activities';
import { groupActions } from './groupActions';
import { processActions } from './processes';
import { tagActions } from './tags';
import { targetGroupAttachmentActions } from './targetGroupAttachments';

export const autoScalingActions: ActionTable = { ...groupActions, ...processActions, ...targetGroupAttachmentActions, ...tagActions, ...activityActions };
