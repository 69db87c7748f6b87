import { Environment } from '@marcbachmann/cel-js';
import { z } from 'zod';
import { celErrorReason } from '../cel';
import { isPlainObject, toCel } from '../celValues';
import { upstreamOf } from '../dag';
import { ANY, watchAccountOf, type WatchAccounts } from '../authorization';

/**
 * Save-time policies: CEL rules from the configuration that every pipeline must satisfy when it is
 * saved (e.g. "a deploy to an account tagged prod follows a manualJudgment"). A rule is true for a
 * pipeline that complies. Its variables (documented in the README, "Deploy policy"):
 * - `pipeline`: the definition as saved (application, name, stages, triggers, parameters, …);
 * - `stages`: one entry per stage: refId, type, name, account ("" when it names none), accountTags,
 *   requisites (its requisiteStageRefIds), upstream (every stage before it, transitively, by refId)
 *   and upstreamTypes (their types), definition (the stage as written);
 * - `accounts`: the configured accounts by name: {name, provider, tags}.
 * An account written as an expression is only known at run time, so its stage gets the tags of
 * every configured account: a rule about "prod" cannot be dodged with `${…}`.
 */
const policyEnvironment = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('pipeline', 'map')
  .registerVariable('stages', 'list')
  .registerVariable('accounts', 'map');

export const saveRuleSchema = z
  .strictObject({
    name: z.string().trim().min(1, { error: 'must not be empty' }),
    expression: z.string().min(1, { error: 'a CEL expression that is true for a compliant pipeline' }),
    /** What the refused saver reads. */
    message: z.string().trim().min(1, { error: 'must not be empty' }),
  })
  .superRefine((rule, ctx) => {
    const problem = ruleProblem(rule.expression);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['expression'], message: problem });
  });

export type SaveRule = z.output<typeof saveRuleSchema>;

export interface PolicyAccount {
  name: string;
  provider: string;
  tags: readonly string[];
}

export interface RuleViolation {
  rule: string;
  message: string;
}

function ruleProblem(expression: string): string | undefined {
  try {
    const result = policyEnvironment.check(expression);
    if (!result.valid) return celErrorReason(result.error);
    return result.type === 'bool' || result.type === 'dyn' ? undefined : `must be a bool expression, not ${result.type}`;
  } catch (error) {
    return celErrorReason(error);
  }
}

/** The rules a (validated) pipeline definition breaks; a rule that cannot be evaluated counts as broken. */
export function saveRuleViolations(rules: readonly SaveRule[], definition: unknown, accounts: readonly PolicyAccount[], watchAccounts: WatchAccounts = new Map()): RuleViolation[] {
  if (rules.length === 0) return [];
  const context = {
    pipeline: toCel(definition),
    stages: toCel(policyStages(definition, accounts, watchAccounts)),
    accounts: toCel(Object.fromEntries(accounts.map((account) => [account.name, { name: account.name, provider: account.provider, tags: [...account.tags] }]))),
  };
  const violations: RuleViolation[] = [];
  for (const rule of rules) {
    let result: unknown;
    try {
      result = policyEnvironment.evaluate(rule.expression, context);
    } catch (error) {
      violations.push({ rule: rule.name, message: `${rule.message} (the rule could not be evaluated: ${celErrorReason(error)})` });
      continue;
    }
    if (result !== true) violations.push({ rule: rule.name, message: rule.message });
  }
  return violations;
}

interface PolicyStage {
  refId: string;
  type: string;
  name: string;
  account: string;
  accountTags: string[];
  requisites: string[];
  upstream: string[];
  upstreamTypes: string[];
  definition: unknown;
}

function policyStages(definition: unknown, accounts: readonly PolicyAccount[], watchAccounts: WatchAccounts): PolicyStage[] {
  const stages = isPlainObject(definition) && Array.isArray(definition.stages) ? definition.stages.filter(isPlainObject) : [];
  const byRef = new Map(stages.map((stage) => [String(stage.refId), stage]));
  const nodes = stages.map((stage) => ({ refId: String(stage.refId), requisiteStageRefIds: requisitesOf(stage) }));
  const tagsOf = new Map(accounts.map((account) => [account.name, [...account.tags]]));
  const everyTag = [...new Set(accounts.flatMap((account) => account.tags))].sort();
  return stages.map((stage) => {
    // A syncManifests stage naming a drift watch acts in the watch's account; one given by an expression may be any.
    const watched = watchAccountOf(stage, watchAccounts);
    const account = stageAccount(stage) ?? (watched === ANY ? String(stage.watch) : watched);
    const upstream = upstreamOf(nodes, String(stage.refId)).sort();
    return {
      refId: String(stage.refId),
      type: String(stage.type),
      name: typeof stage.name === 'string' ? stage.name : String(stage.refId),
      account: account ?? '',
      accountTags: account === undefined ? [] : account.includes('${') ? everyTag : (tagsOf.get(account) ?? []),
      requisites: requisitesOf(stage),
      upstream,
      upstreamTypes: [...new Set(upstream.map((refId) => String(byRef.get(refId)?.type)))].sort(),
      definition: stage,
    };
  });
}

/** The account a stage acts in: a deploy's or canary's cluster account, else `account` or Spinnaker's `credentials`. */
export function stageAccount(stage: Record<string, unknown>): string | undefined {
  const cluster = isPlainObject(stage.cluster) ? stage.cluster : Array.isArray(stage.clusters) && isPlainObject(stage.clusters[0]) ? stage.clusters[0] : undefined;
  const account = cluster?.account ?? stage.account ?? stage.credentials;
  return typeof account === 'string' && account !== '' ? account : undefined;
}

function requisitesOf(stage: Record<string, unknown>): string[] {
  return Array.isArray(stage.requisiteStageRefIds) ? stage.requisiteStageRefIds.map(String) : [];
}
