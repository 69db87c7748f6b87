import { bakeManifestTask } from './bakeManifest';
import { deployManifestTask } from './deployManifest';
import { runJobTask, waitOnJobCompletionTask } from './runJob';
import {
  deleteManifestTask,
  determineManifestTargetTask,
  disableManifestTask,
  enableManifestTask,
  findArtifactsFromResourceTask,
  patchManifestTask,
  rollingRestartManifestTask,
  scaleManifestTask,
  undoRolloutManifestTask,
  waitForManifestDeletedTask,
} from './targetTasks';
import { syncManifestsTask } from './syncManifests';
import { retireOldReplicaSetsTask } from './traffic';
import { waitForManifestStableTask } from './waitForManifestStable';

/** The tasks of the Kubernetes manifest stages (docs/architecture.md "Kubernetes manifests"). */
export const manifestTasks = [
  deployManifestTask,
  waitForManifestStableTask,
  retireOldReplicaSetsTask,
  determineManifestTargetTask,
  deleteManifestTask,
  waitForManifestDeletedTask,
  scaleManifestTask,
  patchManifestTask,
  undoRolloutManifestTask,
  rollingRestartManifestTask,
  findArtifactsFromResourceTask,
  enableManifestTask,
  disableManifestTask,
  runJobTask,
  waitOnJobCompletionTask,
  bakeManifestTask,
  syncManifestsTask,
] as const;
