/** Every EC2 action the fake serves. */
import type { ActionTable } from '../context';
import { imageActions } from './images';
import { instanceActions } from './instances';
import { launchTemplateActions } from './launchTemplates';
import { networkActions } from './network';
import { tagActions } from './tags';

export const ec2Actions: ActionTable = {
  ...launchTemplateActions,
  ...imageActions,
  ...instanceActions,
  ...networkActions,
  ...tagActions,
};
