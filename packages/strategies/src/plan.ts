/**
 * A strategy's plan: each of its steps, in the order they happen, with the name of the worker task
 * that carries it out. The map is the strategy's one statement of its order: the deploy stage plans
 * its tasks from it, and a task compares steps' positions in it to know whether its own is behind.
 * The names are literal types all the way to the worker's task table, so a task planned here and
 * not implemented there does not compile.
 */
export type StepTasks<Step extends string> = { readonly [S in Exclude<Step, 'done'>]: string };

/** The steps of `plan` in order, `done` (which no task carries out) last. */
export function stepOrder<Step extends string>(plan: StepTasks<Step>): readonly Step[] {
  return [...(Object.keys(plan) as Step[]), 'done' as Step];
}

/**
 * The tasks of `plan`'s steps from `from` on, leaving out the optional steps a stage did not ask
 * for (`skip`): a step planned is a task run, so nothing is planned that has nothing to do.
 */
export function planTasks<Plan extends Record<string, string>>(
  plan: Plan,
  options: { from?: keyof Plan; skip?: Partial<Record<keyof Plan, boolean>> } = {},
): Plan[keyof Plan][] {
  const steps = Object.keys(plan) as (keyof Plan)[];
  const start = options.from === undefined ? 0 : steps.indexOf(options.from);
  return steps
    .slice(start)
    .filter((step) => options.skip?.[step] !== true)
    .map((step) => plan[step]);
}
