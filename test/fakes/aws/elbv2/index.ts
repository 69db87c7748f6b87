/** Every ELBv2 action the fake serves. */
import type { ActionTable } from '../context';
import { listenerActions } from './listeners';
import { loadBalancerActions } from './loadBalancers';
import { ruleActions } from './rules';
import { targetGroupActions } from './targetGroups';

export const elbv2Actions: ActionTable = { ...targetGroupActions, ...loadBalancerActions, ...listenerActions, ...ruleActions };
