/** How an Auto Scaling group reads its launch template (the EC2 records of the same region). */
import type { AutoScalingGroup, LaunchTemplateRef, LaunchTemplateVersion } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import type { QueryParams } from '../protocol/query';
import { findLaunchTemplate, findVersion, resolveVersion } from '../ec2/launchTemplates';
import type { RegionState } from '../store';

/** The LaunchTemplate parameter of Create/UpdateAutoScalingGroup, checked against EC2's templates. */
export function readLaunchTemplateRef(region: RegionState, params: QueryParams): LaunchTemplateRef {
  const id = params.string('LaunchTemplateId');
  const name = params.string('LaunchTemplateName');
  if ((id === undefined) === (name === undefined)) {
    throw validationError('Valid requests must contain either launchTemplateId or LaunchTemplateName');
  }
  const version = params.string('Version') ?? '$Default';
  try {
    const template = findLaunchTemplate(region, { id, name });
    resolveVersion(template, version);
    return { launchTemplateId: template.launchTemplateId, launchTemplateName: template.launchTemplateName, version };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const which = id !== undefined ? `template ID ${id}` : `template name ${name}`;
    throw validationError(`You must use a valid fully-formed launch template. The specified launch template, with ${which}, does not exist or has no version ${version}.`);
  }
}

/** The launch template version the group would launch now, or undefined when the template or version is gone. */
export function currentLaunchVersion(region: RegionState, group: AutoScalingGroup): LaunchTemplateVersion | undefined {
  const template = region.launchTemplates.get(group.launchTemplate.launchTemplateId);
  return template && findVersion(template, group.launchTemplate.version);
}
