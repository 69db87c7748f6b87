import { fail } from './failure';
import { callHelper, type SpelEnvironment } from './functions';
import { callMethod, callStatic, construct, fullMatch, readKey, staticMethods, type Clock } from './methods';
import type { SpelNode } from './parser';
import { SpelDouble, isDouble, isSpelMap, javaText, kindOf, numeric, record, spelEquals, type SpelMap, type SpelValue } from './values';

/**
 * Evaluates a parsed SpEL expression as Spinnaker's orca does, over data only: names are map
 * keys (a missing key reads as null, like orca's map accessor), methods come from the allow-lists
 * in `methods.ts`, `#name(…)` from the helper functions in `functions.ts`. Names that lead out of
 * the data in JavaScript or Java are refused with a reason rather than read as absent keys.
 */
const UNREACHABLE = new Set(['constructor', '__proto__', 'prototype', 'class']);

export function evaluateSpel(node: SpelNode, environment: SpelEnvironment): SpelValue {
  return new Evaluation(environment).run(node, environment.root);
}

class Evaluation {
  private readonly clock: Clock;

  constructor(private readonly environment: SpelEnvironment) {
    const { now } = environment;
    this.clock = () => now ?? fail('the current time is not available here');
  }

  /** `self` is the active object: the root, or the element a selection or projection is looking at. */
  run(node: SpelNode, self: SpelValue): SpelValue {
    switch (node.kind) {
      case 'literal':
        return typeof node.value === 'object' && node.value !== null ? new SpelDouble(node.value.double) : node.value;
      case 'name':
        return property(self, node.name);
      case 'variable':
        if (node.name === 'this') return self;
        if (node.name === 'root') return this.environment.root;
        // SpEL reads an unset variable as null; Spinnaker sets none but #this and #root.
        return null;
      case 'function':
        return callHelper(node.name, node.args.map((arg) => this.run(arg, self)), this.environment);
      case 'property': {
        if (node.target.kind === 'type') return typeOnly(node.target.className);
        const target = this.run(node.target, self);
        return target === null && node.safe ? null : property(target, node.name);
      }
      case 'index':
        return this.index(node.target, node.index, self);
      case 'method': {
        if (node.target.kind === 'type') return callStatic(node.target.className, node.name, this.args(node.args, self), this.clock);
        const target = this.run(node.target, self);
        if (target === null && node.safe) return null;
        return callMethod(target, node.name, this.args(node.args, self));
      }
      case 'select':
        return this.select(node.target, node.which, node.condition, node.safe, self);
      case 'project':
        return this.project(node.target, node.expression, node.safe, self);
      case 'list':
        return node.items.map((item) => this.run(item, self));
      case 'map':
        return record(node.entries.map(({ key, value }) => [javaText(this.run(key, self)), this.run(value, self)]));
      case 'unary':
        return this.unary(node.operator, this.run(node.operand, self));
      case 'binary':
        return binary(node.operator, this.run(node.left, self), this.run(node.right, self));
      case 'and':
        return truth(this.run(node.left, self), 'and') && truth(this.run(node.right, self), 'and');
      case 'or':
        return truth(this.run(node.left, self), 'or') || truth(this.run(node.right, self), 'or');
      case 'ternary':
        return truth(this.run(node.condition, self), 'the condition of "?:"') ? this.run(node.then, self) : this.run(node.otherwise, self);
      case 'elvis': {
        const value = this.run(node.value, self);
        return value === null || value === '' ? this.run(node.fallback, self) : value;
      }
      case 'type':
        return typeOnly(node.className);
      case 'new':
        return construct(node.className, this.args(node.args, self), this.clock);
    }
  }

  private args(args: SpelNode[], self: SpelValue): SpelValue[] {
    return args.map((arg) => this.run(arg, self));
  }

  private index(targetNode: SpelNode, indexNode: SpelNode, self: SpelValue): SpelValue {
    const target = this.run(targetNode, self);
    if (target === null) fail('cannot index into null');
    // As in SpEL, `map[name]` with a bare name means the key "name", not the value of name.
    const index = isSpelMap(target) && indexNode.kind === 'name' ? indexNode.name : this.run(indexNode, self);
    if (isSpelMap(target)) return mapKey(target, javaText(index));
    if (Array.isArray(target) || typeof target === 'string') {
      const at = typeof index === 'string' && /^\d+$/.test(index) ? Number(index) : numeric(index);
      if (at === undefined || !Number.isInteger(at)) fail(`a ${Array.isArray(target) ? 'list' : 'string'} is indexed by a whole number, not ${kindOf(index)}`);
      if (at < 0 || at >= target.length) {
        fail(`index ${at} is out of range: the ${Array.isArray(target) ? `list has ${target.length} elements` : `string has ${target.length} characters`}`);
      }
      return Array.isArray(target) ? target[at]! : target.charAt(at);
    }
    return fail(`cannot index into ${kindOf(target)}`);
  }

  private select(targetNode: SpelNode, which: 'all' | 'first' | 'last', condition: SpelNode, safe: boolean, self: SpelValue): SpelValue {
    const target = this.run(targetNode, self);
    if (target === null && safe) return null;
    const keep = (element: SpelValue) => {
      const verdict = this.run(condition, element);
      if (typeof verdict !== 'boolean') fail(`a selection's condition must be true or false, got ${kindOf(verdict)}`);
      return verdict;
    };
    if (Array.isArray(target)) {
      if (which === 'first') return target.find(keep) ?? null;
      if (which === 'last') return target.findLast(keep) ?? null;
      return target.filter(keep);
    }
    if (isSpelMap(target)) {
      const kept = Object.entries(target).filter(([key, value]) => keep(entry(key, value)));
      const chosen = which === 'first' ? kept.slice(0, 1) : which === 'last' ? kept.slice(-1) : kept;
      if (which !== 'all' && chosen.length === 0) return null;
      return record(chosen);
    }
    return fail(`selection (.?[…]) needs a list or a map, got ${kindOf(target)}`);
  }

  private project(targetNode: SpelNode, expression: SpelNode, safe: boolean, self: SpelValue): SpelValue {
    const target = this.run(targetNode, self);
    if (target === null && safe) return null;
    if (Array.isArray(target)) return target.map((element) => this.run(expression, element));
    if (isSpelMap(target)) return Object.entries(target).map(([key, value]) => this.run(expression, entry(key, value)));
    return fail(`projection (.![…]) needs a list or a map, got ${kindOf(target)}`);
  }

  private unary(operator: '!' | '-' | '+', value: SpelValue): SpelValue {
    if (operator === '!') return !truth(value, '!');
    const number = numeric(value);
    if (number === undefined) fail(`"${operator}" needs a number, got ${kindOf(value)}`);
    const result = operator === '-' ? -number : number;
    return isDouble(value) ? new SpelDouble(result) : result;
  }
}

/** A map entry as selection and projection over a map see it: `key` and `value`. */
function entry(key: string, value: SpelValue): SpelMap {
  return record([
    ['key', key],
    ['value', value],
  ]);
}

/** `T(…)` used other than to call a static method: refused, naming why. */
function typeOnly(className: string): never {
  staticMethods(className);
  return fail(`T(${className}) can only be used to call one of its allowed static methods`);
}

function property(target: SpelValue, name: string): SpelValue {
  if (target === null) fail(`cannot read property "${name}" of null (write ?. to get null instead)`);
  if (isSpelMap(target)) return mapKey(target, name);
  if (UNREACHABLE.has(name)) fail(`"${name}" is not accessible in pipeline expressions`);
  return fail(`${kindOf(target)} has no property "${name}"${Array.isArray(target) ? ' (index it with [n], or project it with .![…])' : ''}`);
}

function mapKey(map: SpelMap, key: string): SpelValue {
  if (UNREACHABLE.has(key) && !Object.hasOwn(map, key)) fail(`"${key}" is not accessible in pipeline expressions`);
  return readKey(map, key);
}

/** SpEL's boolean conversion: booleans, and the words Spring converts ("true", "yes", "on", "1"…). */
function truth(value: SpelValue, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['true', 'on', 'yes', '1'].includes(word)) return true;
    if (['false', 'off', 'no', '0'].includes(word)) return false;
  }
  return fail(`${where} needs true or false, got ${value === null ? 'null' : `${kindOf(value)} (${JSON.stringify(javaText(value))})`}`);
}

function binary(operator: string, left: SpelValue, right: SpelValue): SpelValue {
  switch (operator) {
    case '==':
      return spelEquals(left, right);
    case '!=':
      return !spelEquals(left, right);
    case '<':
      return compare(left, right, operator) < 0;
    case '<=':
      return compare(left, right, operator) <= 0;
    case '>':
      return compare(left, right, operator) > 0;
    case '>=':
      return compare(left, right, operator) >= 0;
    case 'matches':
      if (typeof left !== 'string' || typeof right !== 'string') fail(`"matches" needs a string and a pattern, got ${kindOf(left)} and ${kindOf(right)}`);
      return fullMatch(left, right);
    case '+':
      if (typeof left === 'string' || typeof right === 'string') return javaText(left) + javaText(right);
      return arithmetic(operator, left, right);
    default:
      return arithmetic(operator, left, right);
  }
}

/** Java's comparison: numbers by value, strings by character codes, null before anything. */
function compare(left: SpelValue, right: SpelValue, operator: string): number {
  if (left === null || right === null) return left === right ? 0 : left === null ? -1 : 1;
  const a = numeric(left);
  const b = numeric(right);
  if (a !== undefined && b !== undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (typeof left === 'string' && typeof right === 'string') return left === right ? 0 : left < right ? -1 : 1;
  return fail(`cannot compare ${kindOf(left)} with ${kindOf(right)} using "${operator}"`);
}

/** Whole numbers stay whole (integer division truncates, as in Java); a double anywhere makes a double. */
function arithmetic(operator: string, left: SpelValue, right: SpelValue): SpelValue {
  const a = numeric(left);
  const b = numeric(right);
  if (a === undefined || b === undefined) fail(`"${operator}" needs numbers, got ${kindOf(left)} and ${kindOf(right)}`);
  const real = isDouble(left) || isDouble(right);
  if (!real && (operator === '/' || operator === '%') && b === 0) fail(`division by zero`);
  const result = ((): number => {
    switch (operator) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return real ? a / b : Math.trunc(a / b);
      case '%':
        return a % b;
      default:
        return a ** b;
    }
  })();
  if (real || !Number.isSafeInteger(result)) return new SpelDouble(result);
  return result;
}
