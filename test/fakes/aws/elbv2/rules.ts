/**
 * ELBv2 listener rules (CreateRule, DescribeRules, ModifyRule, DeleteRule, SetRulePriorities) with
 * `http-header` and `path-pattern` conditions and `forward` actions, and which action a listener
 * picks for a request (`routeThroughListener`): the matching rule of lowest priority, else the
 * default action, as an Application Load Balancer evaluates them.
 */
import type { ActionTable } from '../context';
import { ruleArn } from '../ids';
import type { ForwardAction, Listener, ListenerRule, RuleCondition } from '../model';
import { AwsError, validationError } from '../protocol/errors';
import { paginate } from '../protocol/pagination';
import type { QueryParams } from '../protocol/query';
import { members, type XmlStruct } from '../protocol/xml';
import type { RegionState } from '../store';
import { actionsXml, findListener, readActions } from './listeners';
import { findLoadBalancer } from './loadBalancers';

// AWS's quotas: priorities 1–50,000; up to 5 condition values per rule (3 per condition here, as
// for http-header); 100 rules per listener; a header name of 40 characters, values of 128.
const MAX_PRIORITY = 50_000;
const MAX_VALUES_PER_RULE = 5;
const MAX_VALUES_PER_CONDITION = 3;
const MAX_RULES_PER_LISTENER = 100;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,40}$/;

function ruleNotFound(): AwsError {
  return new AwsError('RuleNotFound', 'One or more rules not found');
}

function findRule(region: RegionState, arn: string): ListenerRule {
  const rule = region.rules.get(arn);
  if (!rule) throw ruleNotFound();
  return rule;
}

function readConditions(params: QueryParams): RuleCondition[] {
  const conditions = params.list('Conditions').map((condition): RuleCondition => {
    const field = condition.requiredString('Field');
    if (field === 'path-pattern') {
      const values = [...(condition.child('PathPatternConfig')?.strings('Values') ?? []), ...condition.strings('Values')];
      return { field, values: checkValues(values, field) };
    }
    if (field === 'http-header') {
      const config = condition.child('HttpHeaderConfig');
      const headerName = config?.requiredString('HttpHeaderName') ?? '';
      if (!HEADER_NAME.test(headerName)) throw validationError(`The HTTP header name '${headerName}' is not valid`);
      return { field, headerName, values: checkValues(config?.strings('Values') ?? [], field) };
    }
    throw validationError(`Condition field '${field}' is not supported by the fake (http-header and path-pattern only)`);
  });
  if (conditions.length === 0) throw validationError('A rule must have at least one condition');
  const total = conditions.reduce((sum, condition) => sum + condition.values.length, 0);
  if (total > MAX_VALUES_PER_RULE) throw validationError(`A rule can only have '${MAX_VALUES_PER_RULE}' condition values`);
  if (conditions.filter((condition) => condition.field === 'path-pattern').length > 1) throw validationError("A rule can only have one 'path-pattern' condition");
  return conditions;
}

function checkValues(values: string[], field: string): string[] {
  if (values.length === 0) throw validationError(`A '${field}' condition must have at least one value`);
  if (values.length > MAX_VALUES_PER_CONDITION) throw validationError(`A '${field}' condition can only have '${MAX_VALUES_PER_CONDITION}' values`);
  for (const value of values) if (value.length === 0 || value.length > 128) throw validationError(`Condition value '${value}' must be between 1 and 128 characters`);
  return values;
}

function readPriority(params: QueryParams, name = 'Priority'): number {
  const priority = params.requiredInteger(name);
  if (priority < 1 || priority > MAX_PRIORITY) throw validationError(`Priority '${priority}' must be between 1 and ${MAX_PRIORITY}`);
  return priority;
}

function checkPriorityFree(region: RegionState, listenerArn: string, priority: number, except?: string): void {
  const taken = [...region.rules.values()].some((rule) => rule.listenerArn === listenerArn && rule.priority === priority && rule.arn !== except);
  if (taken) throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
}

function conditionXml(condition: RuleCondition): XmlStruct {
  return condition.field === 'path-pattern'
    ? { Field: condition.field, Values: members(condition.values), PathPatternConfig: { Values: members(condition.values) } }
    : { Field: condition.field, HttpHeaderConfig: { HttpHeaderName: condition.headerName, Values: members(condition.values) } };
}

function ruleXml(rule: ListenerRule): XmlStruct {
  return { RuleArn: rule.arn, Priority: String(rule.priority), Conditions: members(rule.conditions.map(conditionXml)), Actions: actionsXml(rule.actions), IsDefault: false };
}

/** The listener's default rule, as DescribeRules lists it last. */
function defaultRuleXml(listener: Listener): XmlStruct {
  return { RuleArn: `${listener.arn.replace(':listener/', ':listener-rule/')}/default`, Priority: 'default', Conditions: members([]), Actions: actionsXml(listener.defaultActions), IsDefault: true };
}

function rulesOf(region: RegionState, listenerArn: string): ListenerRule[] {
  return [...region.rules.values()].filter((rule) => rule.listenerArn === listenerArn).sort((a, b) => a.priority - b.priority);
}

export const ruleActions: ActionTable = {
  CreateRule: ({ params, region, store }) => {
    const listener = findListener(region, params.requiredString('ListenerArn'));
    const lb = findLoadBalancer(region, listener.loadBalancerArn);
    const priority = readPriority(params);
    const conditions = readConditions(params);
    const actions = readActions(params, region, lb, 'Actions');
    checkPriorityFree(region, listener.arn, priority);
    if (rulesOf(region, listener.arn).length >= MAX_RULES_PER_LISTENER) throw new AwsError('TooManyRules', 'You\'ve reached the limit on the number of rules per listener');
    const rule: ListenerRule = { arn: ruleArn(listener.arn), listenerArn: listener.arn, priority, conditions, actions };
    region.rules.set(rule.arn, rule);
    store.changed();
    return { Rules: members([ruleXml(rule)]) };
  },

  DescribeRules: ({ params, region }) => {
    const listenerArn = params.string('ListenerArn');
    const arns = params.strings('RuleArns');
    if (listenerArn === undefined && arns.length === 0) throw validationError('A listener ARN or rule ARNs must be specified');
    const listener = listenerArn === undefined ? undefined : findListener(region, listenerArn);
    const found: XmlStruct[] =
      listener !== undefined ? [...rulesOf(region, listener.arn).map(ruleXml), defaultRuleXml(listener)] : arns.map((arn) => ruleXml(findRule(region, arn)));
    const page = paginate(found, params.integerBetween('PageSize', 1, 400) ?? 400, params.string('Marker'), () => validationError('Invalid marker'));
    return { Rules: members(page.items), NextMarker: page.nextToken };
  },

  ModifyRule: ({ params, region, store }) => {
    const rule = findRule(region, params.requiredString('RuleArn'));
    const listener = findListener(region, rule.listenerArn);
    const lb = findLoadBalancer(region, listener.loadBalancerArn);
    const conditions = params.has('Conditions') ? readConditions(params) : rule.conditions;
    const actions = params.has('Actions') ? readActions(params, region, lb, 'Actions') : rule.actions;
    Object.assign(rule, { conditions, actions });
    store.changed();
    return { Rules: members([ruleXml(rule)]) };
  },

  DeleteRule: ({ params, region, store }) => {
    const rule = findRule(region, params.requiredString('RuleArn'));
    region.rules.delete(rule.arn);
    store.changed();
    return {};
  },

  SetRulePriorities: ({ params, region, store }) => {
    const changes = params.list('RulePriorities').map((change) => ({ rule: findRule(region, change.requiredString('RuleArn')), priority: readPriority(change) }));
    const moving = new Set(changes.map((change) => change.rule.arn));
    for (const { rule, priority } of changes) {
      const clash = [...region.rules.values()].some((other) => other.listenerArn === rule.listenerArn && other.priority === priority && !moving.has(other.arn));
      if (clash || changes.filter((change) => change.rule.listenerArn === rule.listenerArn && change.priority === priority).length > 1) {
        throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
      }
    }
    for (const { rule, priority } of changes) rule.priority = priority;
    store.changed();
    return { Rules: members(changes.map(({ rule }) => ruleXml(rule))) };
  },
};

/** A request as a listener sees it. */
export interface ListenerRequest {
  path: string;
  headers: Readonly<Record<string, string>>;
}

/** The forward action a listener takes for a request: its first matching rule's, else its default. */
export function routeThroughListener(region: RegionState, listenerArn: string, request: ListenerRequest): { rule: string; action: ForwardAction | undefined } {
  const listener = findListener(region, listenerArn);
  const rule = rulesOf(region, listenerArn).find((candidate) => candidate.conditions.every((condition) => conditionMatches(condition, request)));
  return rule === undefined ? { rule: 'default', action: listener.defaultActions[0] } : { rule: rule.arn, action: rule.actions[0] };
}

function conditionMatches(condition: RuleCondition, request: ListenerRequest): boolean {
  if (condition.field === 'path-pattern') {
    // Path patterns are case-sensitive and see the path without its query string.
    const path = request.path.split('?', 1)[0] ?? '';
    return condition.values.some((value) => wildcard(value, false).test(path));
  }
  const name = (condition.headerName ?? '').toLowerCase();
  const header = Object.entries(request.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  // Header values compare case-insensitively (AWS: "The comparison strings are not case-sensitive").
  return header !== undefined && condition.values.some((value) => wildcard(value, true).test(header));
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = [...pattern].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's');
}
