/** Every Auto Scaling action the fake serves. */
import type { ActionTable } from '../context';
import { groupActions } from './groupActions';
import { otherActions } from './otherActions';

export const autoScalingActions: ActionTable = { ...groupActions, ...otherActions };
