import { runKayentaCanaryTask } from './runKayentaCanary';

/** The kayentaCanary stage's task. */
export const kayentaTasks = [runKayentaCanaryTask] as const;
