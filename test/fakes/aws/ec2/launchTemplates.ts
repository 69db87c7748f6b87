/** EC2 launch templates: Create, CreateVersion, Describe, DescribeVersions, Delete. */
import type { ActionTable } from '../context';
import { newLaunchTemplateId } from '../ids';
import type { LaunchTemplate, LaunchTemplateVersion } from '../model';
import { AwsError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { items, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { applyFilters, readFilters, type FilterFields } from './filters';
import { launchTemplateDataXml, readLaunchTemplateData } from './launchTemplateData';
import { readTagSpecifications, tagSet, tagsFor } from './tags';

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const CREATED_BY = 'arn:aws:iam::123456789012:user/gantry';

export function launchTemplateNameNotFound(name: string): AwsError {
  return new AwsError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
}

export function launchTemplateIdNotFound(id: string): AwsError {
  return new AwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
}

export function findLaunchTemplate(region: RegionState, ref: { id?: string; name?: string }): LaunchTemplate {
  if (ref.id !== undefined) {
    const template = region.launchTemplates.get(ref.id);
    if (!template) throw launchTemplateIdNotFound(ref.id);
    return template;
  }
  if (ref.name !== undefined) {
    const template = [...region.launchTemplates.values()].find((t) => t.launchTemplateName === ref.name);
    if (!template) throw launchTemplateNameNotFound(ref.name);
    return template;
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter LaunchTemplateName or LaunchTemplateId');
}

/** `$Latest`, `$Default` or a version number; undefined means `$Default`, as EC2 reads it. */
export function findVersion(template: LaunchTemplate, version: string | undefined): LaunchTemplateVersion | undefined {
  const number = version === undefined || version === '$Default'
    ? template.defaultVersionNumber
    : version === '$Latest' ? template.latestVersionNumber : Number(version);
  return template.versions.find((v) => v.versionNumber === number);
}

/** As findVersion, or EC2's VersionNotFound error. */
export function resolveVersion(template: LaunchTemplate, version: string | undefined): LaunchTemplateVersion {
  const found = findVersion(template, version);
  if (!found) {
    throw new AwsError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${version} for launch template ${template.launchTemplateId}.`);
  }
  return found;
}

function templateRef(params: QueryParams): { id?: string; name?: string } {
  const id = params.string('LaunchTemplateId');
  const name = params.string('LaunchTemplateName');
  if (id !== undefined && name !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'Both LaunchTemplateId and LaunchTemplateName were specified; specify one.');
  }
  return { id, name };
}

export function launchTemplateXml(template: LaunchTemplate): XmlStruct {
  return {
    launchTemplateId: template.launchTemplateId,
    launchTemplateName: template.launchTemplateName,
    createTime: template.createTime,
    createdBy: CREATED_BY,
    defaultVersionNumber: template.defaultVersionNumber,
    latestVersionNumber: template.latestVersionNumber,
    tagSet: template.tags.size > 0 ? tagSet(template.tags) : undefined,
  };
}

function versionXml(template: LaunchTemplate, version: LaunchTemplateVersion): XmlStruct {
  return {
    launchTemplateId: template.launchTemplateId,
    launchTemplateName: template.launchTemplateName,
    versionNumber: version.versionNumber,
    versionDescription: version.versionDescription,
    createTime: version.createTime,
    createdBy: CREATED_BY,
    defaultVersion: version.versionNumber === template.defaultVersionNumber,
    launchTemplateData: launchTemplateDataXml(version.data),
  };
}

const TEMPLATE_FILTERS: FilterFields<LaunchTemplate> = {
  'launch-template-name': (t) => t.launchTemplateName,
  'create-time': (t) => t.createTime.toISOString(),
};

export const launchTemplateActions: ActionTable = {
  CreateLaunchTemplate: ({ params, region, store, now }) => {
    const name = params.requiredString('LaunchTemplateName');
    const clientToken = params.string('ClientToken');
    const existing = [...region.launchTemplates.values()].find((t) => t.launchTemplateName === name);
    if (existing && clientToken !== undefined && existing.clientToken === clientToken) return { launchTemplate: launchTemplateXml(existing) };
    if (!NAME.test(name)) {
      throw new AwsError('InvalidLaunchTemplateName.MalformedException', 'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.');
    }
    if (existing) throw new AwsError('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    if (!params.has('LaunchTemplateData')) throw new AwsError('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
    const data = readLaunchTemplateData(params.child('LaunchTemplateData'));
    const createTime = new Date(now);
    const template: LaunchTemplate = {
      launchTemplateId: newLaunchTemplateId(),
      launchTemplateName: name,
      createTime,
      defaultVersionNumber: 1,
      latestVersionNumber: 1,
      versions: [{ versionNumber: 1, versionDescription: params.string('VersionDescription'), createTime, data }],
      tags: tagsFor(readTagSpecifications(params), 'launch-template'),
      clientToken,
    };
    region.launchTemplates.set(template.launchTemplateId, template);
    store.changed();
    return { launchTemplate: launchTemplateXml(template) };
  },

  CreateLaunchTemplateVersion: ({ params, region, store, now }) => {
    const template = findLaunchTemplate(region, templateRef(params));
    const source = params.string('SourceVersion');
    const base = source === undefined ? {} : resolveVersion(template, source).data;
    const version: LaunchTemplateVersion = {
      versionNumber: template.latestVersionNumber + 1,
      versionDescription: params.string('VersionDescription'),
      createTime: new Date(now),
      // The new version inherits the source version's fields except those given.
      data: { ...structuredClone(base), ...readLaunchTemplateData(params.child('LaunchTemplateData')) },
    };
    template.versions.push(version);
    template.latestVersionNumber = version.versionNumber;
    store.changed();
    return { launchTemplateVersion: versionXml(template, version) };
  },

  ModifyLaunchTemplate: ({ params, region, store }) => {
    const template = findLaunchTemplate(region, templateRef(params));
    const defaultVersion = params.string('SetDefaultVersion');
    if (defaultVersion !== undefined) template.defaultVersionNumber = resolveVersion(template, defaultVersion).versionNumber;
    store.changed();
    return { launchTemplate: launchTemplateXml(template) };
  },

  DescribeLaunchTemplates: ({ params, region }) => {
    const ids = params.strings('LaunchTemplateId');
    const names = params.strings('LaunchTemplateName');
    let templates = [...region.launchTemplates.values()];
    if (ids.length > 0) templates = ids.map((id) => findLaunchTemplate(region, { id }));
    if (names.length > 0) templates = names.map((name) => findLaunchTemplate(region, { name })).filter((t) => templates.includes(t));
    templates = applyFilters(templates, readFilters(params), TEMPLATE_FILTERS, (t) => t.tags);
    const page = paginate(templates, params.integerBetween('MaxResults', 1, 200) ?? 200, params.string('NextToken'), invalidToken);
    return { launchTemplates: items(page.items.map(launchTemplateXml)), nextToken: page.nextToken };
  },

  DescribeLaunchTemplateVersions: ({ params, region }) => {
    const template = findLaunchTemplate(region, templateRef(params));
    const requested = params.strings('LaunchTemplateVersion');
    const min = params.integer('MinVersion');
    const max = params.integer('MaxVersion');
    let versions = requested.length > 0
      ? requested.map((version) => resolveVersion(template, version))
      : template.versions.filter((v) => (min === undefined || v.versionNumber >= min) && (max === undefined || v.versionNumber <= max));
    versions = [...new Set(versions)];
    const page = paginate(versions, params.integerBetween('MaxResults', 1, 200) ?? 200, params.string('NextToken'), invalidToken);
    return { launchTemplateVersionSet: items(page.items.map((v) => versionXml(template, v))), nextToken: page.nextToken };
  },

  DeleteLaunchTemplate: ({ params, region, store }) => {
    const template = findLaunchTemplate(region, templateRef(params));
    region.launchTemplates.delete(template.launchTemplateId);
    store.changed();
    return { launchTemplate: launchTemplateXml(template) };
  },
};

function invalidToken(): AwsError {
  return new AwsError('InvalidPaginationToken', 'The pagination token is invalid.');
}
