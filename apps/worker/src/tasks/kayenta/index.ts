import { cleanupKayentaServerGroupsTask, createKayentaServerGroupsTask, destroyKayentaServerGroupsTask, determineKayentaServerGroupsTask, waitForKayentaServerGroupsTask } from './canaryServerGroups';
import { runKayentaCanaryTask } from './runKayentaCanary';

/** The kayentaCanary stage's tasks: the analysis, and realTimeAutomatic's server groups around it. */
export const kayentaTasks = [
  determineKayentaServerGroupsTask,
  createKayentaServerGroupsTask,
  waitForKayentaServerGroupsTask,
  runKayentaCanaryTask,
  cleanupKayentaServerGroupsTask,
  destroyKayentaServerGroupsTask,
] as const;
