/** What the fake stores per region: plain records, rendered to XML by each service's handlers. */

export interface LaunchTemplateRef {
  launchTemplateId: string;
  launchTemplateName: string;
  version: string;
}

export type TagMap = Map<string, string>;

/** The parts of EC2 LaunchTemplateData the fake models (request names, as sent). */
export interface LaunchTemplateData {
  ImageId?: string;
  InstanceType?: string;
  KeyName?: string;
  UserData?: string;
  EbsOptimized?: boolean;
  SecurityGroupIds?: string[];
  SecurityGroups?: string[];
  IamInstanceProfile?: { Arn?: string; Name?: string };
  Monitoring?: { Enabled?: boolean };
  MetadataOptions?: { HttpTokens?: string; HttpEndpoint?: string; HttpPutResponseHopLimit?: number; InstanceMetadataTags?: string };
  BlockDeviceMappings?: { DeviceName?: string; Ebs?: { VolumeSize?: number; VolumeType?: string; DeleteOnTermination?: boolean; Encrypted?: boolean; SnapshotId?: string; Iops?: number } }[];
  NetworkInterfaces?: { DeviceIndex?: number; AssociatePublicIpAddress?: boolean; DeleteOnTermination?: boolean; SubnetId?: string; Groups?: string[] }[];
  TagSpecifications?: { ResourceType?: string; Tags: { Key: string; Value: string }[] }[];
}

export interface LaunchTemplateVersion {
  versionNumber: number;
  versionDescription?: string;
  createTime: Date;
  data: LaunchTemplateData;
}

export interface LaunchTemplate {
  launchTemplateId: string;
  launchTemplateName: string;
  createTime: Date;
  defaultVersionNumber: number;
  latestVersionNumber: number;
  versions: LaunchTemplateVersion[];
  tags: TagMap;
  clientToken?: string;
}

export type ImageState = 'pending' | 'available' | 'failed';

export interface Image {
  imageId: string;
  name: string;
  description?: string;
  state: ImageState;
  ownerId: string;
  ownerAlias?: string;
  public: boolean;
  creationDate: Date;
  /** When a pending image becomes available (ms epoch). */
  availableAt: number;
  architecture: string;
  sourceInstanceId?: string;
  sourceImageId?: string;
  sourceImageRegion?: string;
  tags: TagMap;
  clientToken?: string;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Instance {
  instanceId: string;
  reservationId: string;
  imageId: string;
  instanceType: string;
  availabilityZone: string;
  subnetId: string;
  vpcId: string;
  privateIpAddress: string;
  state: InstanceStateName;
  stateTransitionReason: string;
  launchTime: Date;
  /** When the current transition (pending → running, shutting-down → terminated…) completes (ms epoch). */
  transitionAt: number;
  amiLaunchIndex: number;
  keyName?: string;
  userData?: string;
  /** What a shutdown from inside the instance does (RunInstances' InstanceInitiatedShutdownBehavior). */
  shutdownBehavior: 'stop' | 'terminate';
  /** When its user data, which ends by powering off, is done and shuts it down (ms epoch). */
  selfShutdownAt?: number;
  /** Why it last changed state, when EC2 says (DescribeInstances' stateReason). */
  stateReason?: { code: string; message: string };
  securityGroupIds: string[];
  tags: TagMap;
  clientToken?: string;
  launchTemplate?: LaunchTemplateRef;
  /** Set for instances an Auto Scaling group launched and still owns. */
  autoScaling?: AutoScalingMembership;
}

export type LifecycleState = 'Pending' | 'InService' | 'Terminating';

export interface AutoScalingMembership {
  groupName: string;
  lifecycleState: LifecycleState;
  healthStatus: 'Healthy' | 'Unhealthy';
  /** Launched while AddToLoadBalancer was suspended: never registered automatically. */
  skipLoadBalancers: boolean;
  /** The scaling activity that launched it, completed when it goes InService. */
  activityId: string;
}

export interface AsgTag {
  key: string;
  value: string;
  propagateAtLaunch: boolean;
}

export interface TargetGroupAttachment {
  arn: string;
  state: 'Attached' | 'Removing';
}

export interface ScalingActivity {
  activityId: string;
  groupName: string;
  description: string;
  cause: string;
  startTime: Date;
  endTime?: Date;
  statusCode: 'InProgress' | 'Successful' | 'Failed';
  statusMessage?: string;
  progress: number;
}

export interface AutoScalingGroup {
  name: string;
  arn: string;
  launchTemplate: LaunchTemplateRef;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  availabilityZones: string[];
  /** Comma-separated subnet ids, as given. */
  vpcZoneIdentifier: string;
  targetGroups: TargetGroupAttachment[];
  healthCheckType: string;
  healthCheckGracePeriod: number;
  createdTime: Date;
  suspendedProcesses: Map<string, string>;
  tags: AsgTag[];
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  /** Set by DeleteAutoScalingGroup: the group goes once its instances are gone and this time (ms epoch) passed. */
  deleteAfter: number | undefined;
  /** The last failed launch, so the controller retries with a pause instead of on every pass. */
  lastLaunchFailure?: { at: number; message: string };
}

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface Target {
  id: string;
  port: number;
  state: TargetHealthState;
  /** When initial ends (health checks done) or draining ends (target gone), ms epoch. */
  transitionAt: number;
}

export interface TargetGroup {
  arn: string;
  name: string;
  protocol?: string;
  port?: number;
  vpcId?: string;
  targetType: string;
  healthCheckProtocol: string;
  healthCheckPort: string;
  healthCheckPath?: string;
  healthCheckEnabled: boolean;
  healthCheckIntervalSeconds: number;
  healthCheckTimeoutSeconds: number;
  healthyThresholdCount: number;
  unhealthyThresholdCount: number;
  matcher?: string;
  targets: Target[];
  tags: TagMap;
}

export interface LoadBalancer {
  arn: string;
  name: string;
  dnsName: string;
  createdTime: Date;
  scheme: string;
  type: string;
  vpcId: string;
  subnetIds: string[];
  securityGroups: string[];
  ipAddressType: string;
  state: 'provisioning' | 'active';
  /** When provisioning ends (ms epoch). */
  activeAt: number;
  tags: TagMap;
}

/** A listener's default action: the fake models `forward`, to one or several weighted target groups. */
export interface ForwardAction {
  targetGroups: { arn: string; weight: number }[];
  stickiness: { enabled: boolean; durationSeconds?: number };
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultActions: ForwardAction[];
}

/** A listener rule's condition: the field, and its values (wildcards `*` `?`, any one matches). */
export interface RuleCondition {
  field: 'http-header' | 'path-pattern';
  /** For http-header: the header's name. */
  headerName?: string;
  values: string[];
}

/** A non-default listener rule: all conditions must match; the lowest priority that matches wins. */
export interface ListenerRule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: ForwardAction[];
}

export interface Subnet {
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  zoneId: string;
  cidrBlock: string;
  defaultForAz: boolean;
}

export interface SecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
}

export interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
}
