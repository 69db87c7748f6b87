import type { OutgoingMessage } from '@gantry/queue';
import type { TaskRow } from '@gantry/store';

/** The message that runs the task's next step; `local` when its implementation is declared local (RunTask runs it in its transaction). */
export function runTaskMessage(task: Pick<TaskRow, 'id' | 'stage_id' | 'execution_id'>, local = false): OutgoingMessage {
  return { message: { type: 'RunTask', executionId: task.execution_id, stageId: task.stage_id, taskId: task.id, ...(local ? { local: true } : {}) } };
}

/** A redelivered message re-sends RunTask for the task still running, if any: a duplicate step is discarded. */
export function rerunRunningTask(tasks: TaskRow[]): OutgoingMessage[] {
  const running = tasks.find((task) => task.status === 'RUNNING');
  return running ? [runTaskMessage(running)] : [];
}
