/** Every ELBv2 action the fake serves. */
import type { ActionTable } from '../context';
import { targetGroupActions } from './targetGroups';

export const elbv2Actions: ActionTable = { ...targetGroupActions };
