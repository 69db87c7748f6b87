/**
 * All state of the fake, one RegionState per region (created with its seed on first use, as any
 * region a client names exists). Handlers mutate records in place and call `changed()` so the
 * controller reacts on the next turn of the event loop.
 */
import { createHash } from 'node:crypto';
import type { AutoScalingGroup, Image, Instance, LaunchTemplate, Listener, ListenerRule, LoadBalancer, ScalingActivity, SecurityGroup, Subnet, TargetGroup, Vpc } from './model';

export const AMAZON_OWNER_ID = '137112412989';
export const BASE_IMAGE_NAME = 'amzn2-ami-hvm-2.0.20250101.0-x86_64-gp2';
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** AWS's zone id prefix: us-east-1 → use1, eu-west-2 → euw2, ap-southeast-1 → apse1. */
function zoneIdPrefix(region: string): string {
  const [country = '', ...rest] = region.split('-');
  const number = rest.pop() ?? '';
  const direction = rest.join('').replace(/north/g, 'n').replace(/south/g, 's').replace(/east/g, 'e').replace(/west/g, 'w').replace(/central/g, 'c');
  return `${country}${direction}${number}`;
}

export class RegionState {
  readonly autoScalingGroups = new Map<string, AutoScalingGroup>();
  readonly activities: ScalingActivity[] = [];
  readonly launchTemplates = new Map<string, LaunchTemplate>();
  readonly images = new Map<string, Image>();
  readonly instances = new Map<string, Instance>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly listeners = new Map<string, Listener>();
  readonly rules = new Map<string, ListenerRule>();
  readonly vpcs: Vpc[];
  readonly subnets: Subnet[];
  readonly securityGroups: SecurityGroup[];
  readonly availabilityZones: string[];
  private nextIp = 10;

  constructor(readonly region: string) {
    const id = (kind: string, digits = 17): string => createHash('sha256').update(`${region}/${kind}`).digest('hex').slice(0, digits);
    const vpcId = `vpc-${id('vpc')}`;
    this.availabilityZones = ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
    this.vpcs = [{ vpcId, cidrBlock: '172.31.0.0/16', isDefault: true }];
    this.subnets = this.availabilityZones.map((zone, index) => ({
      subnetId: `subnet-${id(`subnet/${zone}`)}`,
      vpcId,
      availabilityZone: zone,
      zoneId: `${zoneIdPrefix(region)}-az${index + 1}`,
      cidrBlock: `172.31.${index * 16}.0/20`,
      defaultForAz: true,
    }));
    this.securityGroups = [{ groupId: `sg-${id('sg/default')}`, groupName: 'default', description: 'default VPC security group', vpcId }];
    // A public base image per region (ids differ by region, as AMI ids do), so a bake can start.
    const baseImageId = `ami-${id('base-image')}`;
    this.images.set(baseImageId, {
      imageId: baseImageId,
      name: BASE_IMAGE_NAME,
      description: 'Amazon Linux 2 AMI (fake)',
      state: 'available',
      ownerId: AMAZON_OWNER_ID,
      ownerAlias: 'amazon',
      public: true,
      creationDate: new Date('2025-01-01T00:00:00.000Z'),
      availableAt: 0,
      architecture: 'x86_64',
      tags: new Map(),
    });
  }

  allocatePrivateIp(subnet: Subnet): string {
    const n = this.nextIp++;
    const [a, b, c] = subnet.cidrBlock.split('.');
    return `${a}.${b}.${Number(c) + (Math.floor(n / 250) % 16)}.${(n % 250) + 4}`;
  }

  subnetInZone(zone: string): Subnet | undefined {
    return this.subnets.find((subnet) => subnet.availabilityZone === zone);
  }
}

export class AwsStore {
  private readonly regions = new Map<string, RegionState>();
  private readonly listeners: (() => void)[] = [];

  /** Throws for a string that is not a region name, so a typo does not silently make a new region. */
  region(name: string): RegionState {
    let state = this.regions.get(name);
    if (!state) {
      if (!REGION_NAME.test(name)) throw new Error(`not a region name: "${name}"`);
      state = new RegionState(name);
      this.regions.set(name, state);
    }
    return state;
  }

  allRegions(): RegionState[] {
    return [...this.regions.values()];
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }
}
