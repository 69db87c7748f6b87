import type { TaskImplementation } from './Task';

export class UnknownTaskError extends Error {
  constructor(
    readonly taskName: string,
    known: readonly string[],
  ) {
    super(`unknown task "${taskName}" (registered: ${known.length > 0 ? known.join(', ') : 'none'})`);
    this.name = 'UnknownTaskError';
  }
}

/** The engine's lookup from the task names stages plan with to their implementations. */
export class TaskRegistry {
  private readonly tasks = new Map<string, TaskImplementation>();

  constructor(tasks: Iterable<TaskImplementation> = []) {
    for (const task of tasks) this.register(task);
  }

  /** Refuses a second task under the same name: silently replacing one would change running pipelines. */
  register(task: TaskImplementation): this {
    if (this.tasks.has(task.name)) throw new Error(`task "${task.name}" is already registered`);
    this.tasks.set(task.name, task);
    return this;
  }

  get(name: string): TaskImplementation {
    const task = this.tasks.get(name);
    if (task === undefined) throw new UnknownTaskError(name, this.names());
    return task;
  }

  /** For callers that report a missing task themselves (the engine fails the task TERMINAL). */
  find(name: string): TaskImplementation | undefined {
    return this.tasks.get(name);
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  names(): string[] {
    return [...this.tasks.keys()].sort();
  }
}

/** Tasks under the names they declare: `TaskTable<Names>` holds an implementation for each of `Names`. */
export type TaskTable<Name extends string> = { readonly [N in Name]: TaskImplementation<N> };

/** `tasks` under their names (typed, so a table can be checked against the names stages plan); a name twice is refused. */
export function taskTable<const Tasks extends readonly TaskImplementation[]>(...tasks: Tasks): { readonly [T in Tasks[number] as T['name']]: T } {
  const table: Record<string, TaskImplementation> = {};
  for (const task of tasks) {
    if (task.name in table) throw new Error(`task "${task.name}" is listed twice`);
    table[task.name] = task;
  }
  return table as { readonly [T in Tasks[number] as T['name']]: T };
}
