/** A stateful fake of AWS Auto Scaling, EC2 and ELBv2 for tests and for running standalone (`npm run fake -- aws`). */
export { startFakeAws } from './server';
export type { FakeAws, FakeAwsOptions, RequestRecord } from './server';
export type { ImageInfo, ImagePredicate, InstanceInfo, InstancePredicate } from './controller';
export type { FaultSpec } from './faults';
export type { AutoScalingGroup, ForwardAction, Image, Instance, LaunchTemplate, Listener, LoadBalancer, ScalingActivity, Target, TargetGroup } from './model';
