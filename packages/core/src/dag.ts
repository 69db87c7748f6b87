import { ValidationError, type ValidationIssue } from './errors';

/** The part of a stage that shapes the DAG: its id and the ids it waits for. */
export interface DagNode {
  refId: string;
  requisiteStageRefIds: readonly string[];
}

/** A node with its position in the pipeline's `stages`, which is where issues point. */
export interface IndexedDagNode extends DagNode {
  index: number;
}

/**
 * Everything that keeps `stages` from being a DAG: duplicate refIds, requisites naming no stage,
 * and cycles. Each problem is reported once, in stage order, so the same input always gives the
 * same list.
 */
export function validateDag(stages: readonly DagNode[]): ValidationIssue[] {
  return validateDagNodes(stages.map((stage, index) => ({ ...stage, index })));
}

/** `validateDag` for a pipeline some of whose stages are too broken to take part (their index is skipped). */
export function validateDagNodes(nodes: readonly IndexedDagNode[]): ValidationIssue[] {
  return [...duplicateIssues(nodes), ...unknownRefIssues(nodes), ...cycleIssues(nodes)];
}

/** Stages in an order where every stage comes after its requisites; ties keep pipeline order. */
export function topologicalOrder<S extends DagNode>(stages: readonly S[]): S[] {
  assertDag(stages);
  const placed = new Set<string>();
  const remaining = [...stages];
  const ordered: S[] = [];
  while (remaining.length > 0) {
    const next = remaining.findIndex((stage) => stage.requisiteStageRefIds.every((ref) => placed.has(ref)));
    const [stage] = remaining.splice(next, 1);
    if (stage === undefined) break; // unreachable for a valid DAG
    ordered.push(stage);
    placed.add(stage.refId);
  }
  return ordered;
}

/** Stages that wait for nothing: where an execution starts. */
export function initialStages<S extends DagNode>(stages: readonly S[]): S[] {
  return stages.filter((stage) => stage.requisiteStageRefIds.length === 0);
}

/**
 * refIds of every stage that directly or transitively waits for `refId` (not `refId` itself), in
 * pipeline order: what must be reset when that stage is restarted. Unknown refIds have none.
 */
export function downstreamOf(stages: readonly DagNode[], refId: string): string[] {
  const dependents = dependentsByRef(stages);
  const found = new Set<string>();
  const queue = [refId];
  for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
    for (const dependent of dependents.get(ref) ?? []) {
      if (dependent === refId || found.has(dependent)) continue;
      found.add(dependent);
      queue.push(dependent);
    }
  }
  return uniqueRefs(stages).filter((ref) => found.has(ref));
}

/**
 * refIds of every stage `refId` directly or transitively waits for, nearest first (breadth-first
 * over requisites): where a stage looks for what earlier stages produced, the closest winning.
 */
export function upstreamOf(stages: readonly DagNode[], refId: string): string[] {
  const requisites = new Map(stages.map((stage) => [stage.refId, stage.requisiteStageRefIds]));
  const found: string[] = [];
  const queue = [...(requisites.get(refId) ?? [])];
  for (let ref = queue.shift(); ref !== undefined; ref = queue.shift()) {
    if (ref === refId || found.includes(ref)) continue;
    found.push(ref);
    queue.push(...(requisites.get(ref) ?? []));
  }
  return found;
}

function assertDag(stages: readonly DagNode[]): void {
  const issues = validateDag(stages);
  const [first] = issues;
  if (first !== undefined) throw new ValidationError(`stages do not form a DAG: ${first.message}`, issues);
}

function duplicateIssues(nodes: readonly IndexedDagNode[]): ValidationIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: ValidationIssue[] = [];
  for (const node of nodes) {
    const first = firstIndex.get(node.refId);
    if (first === undefined) {
      firstIndex.set(node.refId, node.index);
      continue;
    }
    issues.push({
      path: ['stages', node.index, 'refId'],
      message: `duplicate refId "${node.refId}" (also used by stages[${first}])`,
    });
  }
  return issues;
}

function unknownRefIssues(nodes: readonly IndexedDagNode[]): ValidationIssue[] {
  const known = new Set(nodes.map((node) => node.refId));
  return nodes.flatMap((node) => {
    const reported = new Set<string>();
    return node.requisiteStageRefIds.flatMap((ref, position) => {
      if (known.has(ref) || reported.has(ref)) return [];
      reported.add(ref);
      return [
        {
          path: ['stages', node.index, 'requisiteStageRefIds', position],
          message: `stage "${node.refId}" requires unknown stage refId "${ref}"`,
        },
      ];
    });
  });
}

/**
 * One issue per strongly connected component that contains a cycle, naming the shortest cycle
 * through its first stage, in execution order ("a -> b -> a": b waits for a, a waits for b).
 */
function cycleIssues(nodes: readonly IndexedDagNode[]): ValidationIssue[] {
  const dependents = dependentsByRef(nodes);
  const firstIndex = new Map<string, number>();
  for (const node of nodes) if (!firstIndex.has(node.refId)) firstIndex.set(node.refId, node.index);
  return stronglyConnected(uniqueRefs(nodes), dependents).flatMap((component) => {
    const [start] = component;
    if (start === undefined) return [];
    const cycle = shortestCycle(start, new Set(component), dependents);
    if (cycle === undefined) return [];
    return [
      {
        path: ['stages', firstIndex.get(start) ?? 0, 'requisiteStageRefIds'],
        message: `cycle: ${cycle.join(' -> ')}`,
      },
    ];
  });
}

/**
 * Tarjan's algorithm, iterative (an explicit stack of frames instead of recursion, so a chain of
 * any length cannot overflow the call stack); components come back with members in pipeline order.
 */
function stronglyConnected(refs: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = new Map(refs.map((ref, position) => [ref, position]));
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  // Each frame is a stage being visited and how many of its successors it has looked at.
  const frames: { ref: string; next: number }[] = [];

  const open = (ref: string): void => {
    index.set(ref, counter);
    lowLink.set(ref, counter);
    counter += 1;
    stack.push(ref);
    onStack.add(ref);
    frames.push({ ref, next: 0 });
  };
  const lower = (ref: string, value: number): void => {
    lowLink.set(ref, Math.min(lowLink.get(ref) ?? 0, value));
  };

  for (const root of refs) {
    if (index.has(root)) continue;
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const successors = edges.get(frame.ref) ?? [];
      if (frame.next < successors.length) {
        const next = successors[frame.next]!;
        frame.next += 1;
        if (!index.has(next)) open(next);
        else if (onStack.has(next)) lower(frame.ref, index.get(next) ?? 0);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) lower(parent.ref, lowLink.get(frame.ref) ?? 0);
      if (lowLink.get(frame.ref) !== index.get(frame.ref)) continue;
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === frame.ref) break;
      }
      components.push(component.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
    }
  }
  return components.sort((a, b) => (order.get(a[0] ?? '') ?? 0) - (order.get(b[0] ?? '') ?? 0));
}

/** Breadth-first search back to `start` inside its component; undefined when there is no cycle. */
function shortestCycle(
  start: string,
  component: ReadonlySet<string>,
  edges: ReadonlyMap<string, readonly string[]>,
): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let head = 0, ref = queue[0]; ref !== undefined; head += 1, ref = queue[head]) {
    for (const next of edges.get(ref) ?? []) {
      if (next === start) return [...pathTo(ref, previous, start), start];
      if (!component.has(next) || previous.has(next)) continue;
      previous.set(next, ref);
      queue.push(next);
    }
  }
  return undefined;
}

function pathTo(ref: string, previous: ReadonlyMap<string, string>, start: string): string[] {
  const path = [ref];
  for (let current = ref; current !== start; ) {
    const before = previous.get(current);
    if (before === undefined) break;
    path.push(before);
    current = before;
  }
  return path.reverse();
}

/** For each refId, the refIds that wait for it (downstream edges), in pipeline order. */
function dependentsByRef(stages: readonly DagNode[]): Map<string, string[]> {
  // Sets keep insertion (pipeline) order and make a stage waited for by thousands linear, not quadratic.
  const dependents = new Map<string, Set<string>>();
  for (const stage of stages) {
    for (const ref of stage.requisiteStageRefIds) {
      const set = dependents.get(ref) ?? new Set<string>();
      set.add(stage.refId);
      dependents.set(ref, set);
    }
  }
  return new Map([...dependents].map(([ref, set]) => [ref, [...set]]));
}

function uniqueRefs(stages: readonly DagNode[]): string[] {
  return [...new Set(stages.map((stage) => stage.refId))];
}
