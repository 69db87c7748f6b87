/**
 * AMIs: DescribeImages, CreateImage (from an instance; pending until the image delay passes),
 * RegisterImage (available at once), CopyImage (from another region; pending) and DeregisterImage.
 * Names are unique per owner and region.
 */
import type { ActionContext, ActionTable } from '../context';
import { ACCOUNT_ID, newImageId } from '../ids';
import type { Image, TagMap } from '../model';
import { AwsError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import { items, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { applyFilters, readFilters, type FilterFields } from './filters';
import { readTagSpecifications, tagSet, tagsFor } from './tags';

const IMAGE_ID = /^ami-[0-9a-f]{8,17}$/;
const IMAGE_NAME = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;

export function imageNotFound(id: string): AwsError {
  return new AwsError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
}

/** An image that can be launched or copied, or the error EC2 answers. */
export function usableImage(region: RegionState, id: string): Image {
  if (!IMAGE_ID.test(id)) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  const image = region.images.get(id);
  if (!image) throw imageNotFound(id);
  if (image.state !== 'available') throw new AwsError('InvalidAMIID.Unavailable', `The image id '[${id}]' is not available (state ${image.state})`);
  return image;
}

function checkName(region: RegionState, name: string): void {
  if (!IMAGE_NAME.test(name)) {
    throw new AwsError('InvalidAMIName.Malformed', `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/' and '_'`);
  }
  const taken = [...region.images.values()].find((image) => image.ownerId === ACCOUNT_ID && image.name === name);
  if (taken) throw new AwsError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${taken.imageId}`);
}

function newImage(context: ActionContext, fields: { name: string; description?: string; tags: TagMap; pending: boolean } & Partial<Image>): Image {
  const { name, description, tags, pending, ...rest } = fields;
  const image: Image = {
    imageId: newImageId(),
    name,
    description,
    state: pending ? 'pending' : 'available',
    ownerId: ACCOUNT_ID,
    public: false,
    creationDate: new Date(context.now),
    availableAt: pending ? context.now + context.timing.imageDelayMs() : context.now,
    architecture: 'x86_64',
    tags,
    ...rest,
  };
  context.region.images.set(image.imageId, image);
  context.store.changed();
  return image;
}

function imageXml(image: Image): XmlStruct {
  return {
    imageId: image.imageId,
    imageLocation: `${image.ownerAlias ?? image.ownerId}/${image.name}`,
    imageState: image.state,
    imageOwnerId: image.ownerId,
    creationDate: image.creationDate.toISOString(),
    isPublic: image.public,
    architecture: image.architecture,
    imageType: 'machine',
    imageOwnerAlias: image.ownerAlias,
    name: image.name,
    description: image.description,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: items([{ deviceName: '/dev/xvda', ebs: { deleteOnTermination: true, volumeSize: 8, volumeType: 'gp2', encrypted: false } }]),
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    enaSupport: true,
    tagSet: image.tags.size > 0 ? tagSet(image.tags) : undefined,
    sourceInstanceId: image.sourceInstanceId,
    sourceImageId: image.sourceImageId,
    sourceImageRegion: image.sourceImageRegion,
    stateReason: image.state === 'failed' ? { code: 'Server.InternalError', message: 'Server.InternalError: Internal error on image creation (failed by the fake)' } : undefined,
  };
}

const IMAGE_FILTERS: FilterFields<Image> = {
  'image-id': (image) => image.imageId,
  name: (image) => image.name,
  state: (image) => image.state,
  'owner-id': (image) => image.ownerId,
  'owner-alias': (image) => image.ownerAlias,
  'is-public': (image) => String(image.public),
  architecture: (image) => image.architecture,
  description: (image) => image.description,
  'image-type': () => 'machine',
  'root-device-type': () => 'ebs',
  'virtualization-type': () => 'hvm',
  'source-instance-id': (image) => image.sourceInstanceId,
};

function ownedBy(image: Image, owners: string[]): boolean {
  return owners.some((owner) => (owner === 'self' ? image.ownerId === ACCOUNT_ID : owner === image.ownerId || owner === image.ownerAlias));
}

export const imageActions: ActionTable = {
  DescribeImages: ({ params, region }) => {
    const ids = params.strings('ImageId');
    for (const id of ids) {
      if (!IMAGE_ID.test(id)) throw new AwsError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
      if (!region.images.has(id)) throw imageNotFound(id);
    }
    const owners = params.strings('Owner');
    let images = [...region.images.values()].filter((image) => image.public || image.ownerId === ACCOUNT_ID);
    if (ids.length > 0) images = images.filter((image) => ids.includes(image.imageId));
    if (owners.length > 0) images = images.filter((image) => ownedBy(image, owners));
    images = applyFilters(images, readFilters(params), IMAGE_FILTERS, (image) => image.tags);
    const maxResults = params.integerBetween('MaxResults', 5, 1000);
    const page = paginate(images, maxResults ?? Math.max(images.length, 1), params.string('NextToken'), () => new AwsError('InvalidPaginationToken', 'The pagination token is invalid.'));
    return { imagesSet: items(page.items.map(imageXml)), nextToken: page.nextToken };
  },

  CreateImage: (context) => {
    const { params, region } = context;
    const instanceId = params.requiredString('InstanceId');
    const name = params.requiredString('Name');
    const instance = region.instances.get(instanceId);
    if (!instance || instance.state === 'terminated') throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw new AwsError('IncorrectInstanceState', `The instance '${instanceId}' is not in a state from which it can be imaged (${instance.state}).`);
    }
    checkName(region, name);
    const image = newImage(context, {
      name,
      description: params.string('Description'),
      tags: tagsFor(readTagSpecifications(params), 'image', ['image', 'snapshot']),
      pending: true,
      sourceInstanceId: instanceId,
    });
    return { imageId: image.imageId };
  },

  RegisterImage: (context) => {
    const name = context.params.requiredString('Name');
    checkName(context.region, name);
    const image = newImage(context, {
      name,
      description: context.params.string('Description'),
      tags: tagsFor(readTagSpecifications(context.params), 'image', ['image', 'snapshot']),
      pending: false,
      architecture: context.params.string('Architecture') ?? 'x86_64',
    });
    return { imageId: image.imageId };
  },

  CopyImage: (context) => {
    const { params, region, store } = context;
    const sourceRegion = params.requiredString('SourceRegion');
    const sourceImageId = params.requiredString('SourceImageId');
    const name = params.requiredString('Name');
    const clientToken = params.string('ClientToken');
    if (clientToken !== undefined) {
      const earlier = [...region.images.values()].find((image) => image.clientToken === clientToken);
      if (earlier) return { imageId: earlier.imageId };
    }
    let source: Image;
    try {
      source = usableImage(store.region(sourceRegion), sourceImageId);
    } catch (error) {
      if (error instanceof AwsError) throw error;
      throw new AwsError('InvalidParameterValue', `Invalid value '${sourceRegion}' for SourceRegion`);
    }
    checkName(region, name);
    const tags: TagMap = params.boolean('CopyImageTags') ? new Map(source.tags) : new Map();
    for (const [key, value] of tagsFor(readTagSpecifications(params), 'image', ['image', 'snapshot'])) tags.set(key, value);
    const image = newImage(context, {
      name,
      description: params.string('Description') ?? source.description,
      tags,
      pending: true,
      architecture: source.architecture,
      sourceImageId,
      sourceImageRegion: sourceRegion,
      clientToken,
    });
    return { imageId: image.imageId };
  },

  DeregisterImage: ({ params, region, store }) => {
    const id = params.requiredString('ImageId');
    const image = region.images.get(id);
    if (!image || image.ownerId !== ACCOUNT_ID) throw imageNotFound(id);
    region.images.delete(id);
    store.changed();
    return { return: true };
  },
};
