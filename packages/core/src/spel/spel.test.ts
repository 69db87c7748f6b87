import { describe, expect, it } from 'vitest';
import type { ExpressionScope } from '../expressions';
import { resolveExpressions } from '../expressions';
import { spelEvaluator, spelProblem } from './index';

/**
 * Expressions from Spinnaker's documentation and from public pipelines, evaluated over one
 * execution shaped like theirs. Sources (quoted text is what the expression comes from):
 * - REF: spinnaker/spinnaker.io content/en/docs/reference/pipeline/expressions/_index.md @040f49739c02ed5013c841d97efc07003a51436a
 * - GUIDE: spinnaker/spinnaker.io content/en/docs/guides/user/pipeline/expressions/index.md @700781a6217bb0c52aff58a3bb4c9f34a1147d92
 * - ORCA: spinnaker/orca orca-core/.../expressions/functions/StageExpressionFunctionProvider.java @0ef750a7f1aecc862bcbc03629674728a99f5c37
 *   and orca commit b819a2e6c974479ae198577d1ca86474b5f22692 ("fix(expressions): various quality of life improvements for SpEL")
 * - ARMORY: Armory/Harness KB "Spring Expression Language (SpEL) samples" and "Spring Expression Language Tricks"
 *   (developer.harness.io/kb/armory/general/spring-expression-language-spel-samples, …/spring-expression-language-tricks)
 * - PUB1: a public canary pipeline (find_string id 18476232668): checkPreconditions/stageEnabled on canaryScore
 * - PUB2: a public generated pipeline (find_string id 2435237071): evaluateVariables deploymentResult + stageEnabled
 * - PUB3: skuid/dimsum README (find_string id 42004032141): webhook URL from a docker trigger
 * - ORCA-SPEC: spinnaker/orca orca-core/src/test/groovy/com/netflix/spinnaker/orca/pipeline/util/ContextParameterProcessorSpec.groovy
 *   @ea10cdc2c0c5be920838ac541641341507124f01 (its context: testArray, replaceMe, h1, hierarchy, replaceTest, withUpperCase, isempty, isnull)
 * - SPRING: Spring Framework reference, "Spring Expression Language" (operators, selection, projection, inline lists/maps)
 */
const scope: ExpressionScope = {
  trigger: {
    type: 'docker',
    user: 'anna',
    account: 'dockerhub',
    repository: 'org/app',
    tag: 'v1.2.3',
    dryRun: false,
    buildInfo: { number: 42, scm: [{ branch: 'feature/new-release', sha1: 'abc123' }] },
    properties: { example: 'from-props', version: '0.1.0' },
    artifacts: [{ type: 'docker/image', name: 'my-image', reference: 'gcr.io/spinnaker-marketplace/orca@sha256:b48d', version: 'sha256:b48d' }],
  },
  parameters: { stack: 'prod', regions: 'us-east-1,us-west-1,eu-west-1', runCanary: 'true', environment: 'production', region: '', n: '21', count: 7 },
  execution: { id: '01CGYV7Q4PMEBDYS146CCED0M6', name: 'Deploy to prod', application: 'myapp', status: 'RUNNING', pipelineId: 'p-1', startTime: '2026-12-05T19:00:00.000Z' },
  stages: {
    '1': { name: 'Bake', type: 'bake', status: 'SUCCEEDED', context: { package: 'myapp' }, outputs: { deploymentDetails: [{ imageId: 'ami-123', region: 'us-east-1' }] } },
    '2': {
      name: 'Deploy',
      type: 'deploy',
      status: 'SUCCEEDED',
      requisiteStageRefIds: ['1'],
      context: { capacity: { min: 1, max: 3, desired: 2 } },
      outputs: { serverGroup: 'myapp-prod-v005', account: 'prod', region: 'us-east-1' },
    },
    '3': { name: 'Set My Variables', type: 'evaluateVariables', status: 'SUCCEEDED', requisiteStageRefIds: ['2'], outputs: { environment: 'staging', new_image: 'org/app:2.0', deploymentResult: true } },
    '4': { name: 'my manual judgment stage', type: 'manualJudgment', status: 'SUCCEEDED', requisiteStageRefIds: ['3'], context: { judgmentStatus: 'continue', judgmentInput: 'rollback' }, outputs: {} },
    '5': { name: 'Canary Analysis', type: 'kayentaCanary', status: 'TERMINAL', context: { canaryScore: 95 }, outputs: {} },
    '7': { name: 'Job 4390', type: 'runJob', status: 'SUCCEEDED', outputs: { a: 'out-a' } },
    '8': { name: 'Get Deployment', type: 'findArtifactsFromResource', status: 'SUCCEEDED', outputs: { manifest: { spec: { replicas: 5 } } } },
    '10': {
      name: 'Deploy Manifest',
      type: 'deployManifest',
      status: 'SUCCEEDED',
      context: { manifests: [{ kind: 'Deployment', spec: { template: { metadata: { labels: { version: 'v7', app: 'myapp' } } } } }] },
      outputs: {},
    },
    '9': { name: 'Webhook', type: 'webhook', status: 'SUCCEEDED', context: { webhook: { statusCode: 200 }, buildInfo: { config: { Labels: { revision: 'r42' } } } }, outputs: {} },
    '6': {
      name: 'Wait for it',
      type: 'wait',
      status: 'NOT_STARTED',
      requisiteStageRefIds: ['4', '5'],
      context: {
        waitTime: 30,
        instance: { size: 512 },
        package: 'own-context',
        testArray: ['good', { arrayVal: 'bad' }, [{ one: 'two' }]],
        replaceMe: 'newValue',
        h1: { h1: 'h1Val' },
        hierarchy: { h2: 'hierarchyValue', h3: { h4: 'h4Val' } },
        replaceTest: 'stack-with-hyphens',
        withUpperCase: 'baconBacon',
        isempty: '',
        isnull: null,
      },
      outputs: {},
    },
  },
  currentStage: '6',
  now: '2026-12-05T19:47:03.250Z',
  pipelineIds: { myapp: { 'Deploy to prod': '9b2395dc-7a2b-4845-b623-838bd74d059b' }, billing: { Release: 'c0ffee00-0000-4000-8000-000000000001' } },
};

const bakeStage = {
  id: '1',
  refId: '1',
  name: 'Bake',
  type: 'bake',
  status: 'SUCCEEDED',
  context: { package: 'myapp' },
  outputs: { deploymentDetails: [{ imageId: 'ami-123', region: 'us-east-1' }] },
  requisiteStageRefIds: [],
  startTime: null,
  endTime: null,
  hasSucceeded: true,
  hasFailed: false,
};

const TABLE: [source: string, expression: string, expected: unknown][] = [
  // The reference page.
  ['REF', 'parameters.regions.split(",")', ['us-east-1', 'us-west-1', 'eu-west-1']],
  ['REF', 'instance["size"] > 400', true],
  ['REF', 'parameters["runCanary"] == "true"', true],
  ['REF', '#toBoolean(parameters["runCanary"]) == true', true],
  ['REF', '#stage("Deploy")["status"].toString() == "SUCCEEDED"', true],
  ['REF', 'execution["stages"][0]["name"]', 'Bake'],
  ['REF', 'trigger["properties"]["example"]', 'from-props'],
  ['REF', 'execution["stages"].?[type == "bake"][0]', bakeStage],
  ['REF', 'execution["stages"].?[type == "bake"].size()', 1],
  ['REF', 'trigger["buildInfo"]["number"] * 2', 84],
  ['REF', '"This is a String."', 'This is a String.'],
  ['REF', '#stage("Bake")["context"]["package"]', 'myapp'],
  ['REF', '#stageByRefId("3")["name"]', 'Set My Variables'],
  ['REF', '#judgment("my manual judgment stage")', 'rollback'],
  ['REF', '#judgement("my manual judgment stage")', 'rollback'],
  ['REF', '#triggerResolvedArtifact("my-image")["reference"]', 'gcr.io/spinnaker-marketplace/orca@sha256:b48d'],
  ['REF', '#triggerResolvedArtifactByType("docker/image")["reference"]', 'gcr.io/spinnaker-marketplace/orca@sha256:b48d'],
  ['REF', '#pipelineId("Deploy to prod")', '9b2395dc-7a2b-4845-b623-838bd74d059b'],
  ['REF', '#pipelineIdInApplication("Release", "billing")', 'c0ffee00-0000-4000-8000-000000000001'],
  ['REF', '#alphanumerical("new-release_1.2")', 'newrelease12'],
  ['REF', '#stageExists("Bake")', true],
  ['REF', '#stageExists("Nope")', false],
  ['REF', "#toInt('42') + 1", 43],
  ['REF', "#toFloat('2.5') * 2", 5],
  ['REF', '#toJson(#stage("Deploy").outputs)', '{"serverGroup":"myapp-prod-v005","account":"prod","region":"us-east-1"}'],
  ['REF', "#readJson('{\"a\": [1, 2]}')['a'][1]", 2],
  ['REF', "#readYaml('a: 1\nb: [x, y]')['b'][0]", 'x'],
  ['REF', '#currentStage()["name"]', 'Wait for it'],
  ['REF', '#deployedServerGroups()[0]["serverGroup"]', 'myapp-prod-v005'],
  ['REF', 'deployedServerGroups[0].region', 'us-east-1'],
  ['REF', "#manifestLabelValue('Deploy Manifest', 'Deployment', 'version')", 'v7'],
  // The guide.
  ['GUIDE', 'execution.trigger.parameters["stack"]', 'prod'],
  ['GUIDE', 'execution.trigger.parameters.stack', 'prod'],
  ['GUIDE', 'parameters["stack"]', 'prod'],
  ['GUIDE', 'parameters.stack', 'prod'],
  ['GUIDE', "execution.stages.?[ name == 'Set My Variables' ][0].outputs.environment", 'staging'],
  ['GUIDE', 'environment', 'staging'],
  ['GUIDE', 'new_image', 'org/app:2.0'],
  ['GUIDE', '#stage("Deploy")["type"]', 'deploy'],
  ['GUIDE', 'trigger["properties"]["version"]', '0.1.0'],
  ['GUIDE', '#root["package"]', 'own-context'],
  ['GUIDE', "parameters[\"region\"] ?: 'us-east-1'", 'us-east-1'],
  ['GUIDE', 'trigger["dryRun"] == false', true],
  ['GUIDE', '#alphanumerical(scmInfo.branch)', 'featurenewrelease'],
  ['GUIDE', '#stage("Deploy").status.toString()', 'SUCCEEDED'],
  // Orca's function provider and the commit that made status comparable to text.
  ['ORCA', "#stage('Bake').hasSucceeded", true],
  ['ORCA', "#stage('Canary Analysis').hasFailed", true],
  ['ORCA', "#stage('Bake').status == 'SUCCEEDED'", true],
  // Armory/Harness knowledge base.
  ['ARMORY', "#stage('Job 4390')['status']", 'SUCCEEDED'],
  ['ARMORY', '#stage("Job 4390").outputs.a', 'out-a'],
  ['ARMORY', '(0.8 * #stage("Get Deployment")["outputs"]["manifest"]["spec"]["replicas"]).intValue()', 4],
  ['ARMORY', "execution['id']", '01CGYV7Q4PMEBDYS146CCED0M6'],
  ['ARMORY', '#readJson(\'{"development": "dev", "staging": "stage", "production":"prod"}\')[parameters.environment]', 'prod'],
  ['ARMORY', '#readJson(\'{"development": "dev"}\').toString()', '{development=dev}'],
  ['ARMORY', 'true ? "True text" : "False text"', 'True text'],
  // Public pipelines.
  ['PUB1', "#stage('Canary Analysis')['context']['canaryScore'] > 90", true],
  ['PUB1', "#stage('Canary Analysis')['context']['canaryScore'] <= 90", false],
  ['PUB2', "#stage('Deploy').status.toString() == 'SUCCEEDED'", true],
  ['PUB2', '!deploymentResult', false],
  ['PUB2', ' !deploymentResult || !deploymentResult ', false],
  ['PUB3', "trigger['account']", 'dockerhub'],
  ['PUB3', "#stage('Webhook')['context']['buildInfo']['config']['Labels']['revision']", 'r42'],
  ['PUB3', "#stage('Webhook')['context']['webhook']['statusCode']", 200],
  ['REF', 'new java.text.SimpleDateFormat("MM-dd-yyyy").format(new java.util.Date())', '12-05-2026'],
  ['REF', 'T(java.time.LocalDate).now().plusDays(5).toString()', '2026-12-10'],
  // Orca's own specification of its expression processing.
  ['ORCA-SPEC', 'replaceMe', 'newValue'],
  ['ORCA-SPEC', 'h1.h1', 'h1Val'],
  ['ORCA-SPEC', 'hierarchy.h3.h4', 'h4Val'],
  ['ORCA-SPEC', 'testArray[0]', 'good'],
  ['ORCA-SPEC', 'testArray[1].arrayVal', 'bad'],
  ['ORCA-SPEC', 'testArray[2][0].one', 'two'],
  ['ORCA-SPEC', ' h1.h1 == "h1Val" ', true],
  ['ORCA-SPEC', ' h1.h2  ?: 60 ', 60],
  ['ORCA-SPEC', ' withUpperCase.toLowerCase() ', 'baconbacon'],
  ['ORCA-SPEC', ' replaceTest.replaceAll("-","") ', 'stackwithhyphens'],
  ['ORCA-SPEC', ' #alphanumerical(replaceTest) ', 'stackwithhyphens'],
  ['ORCA-SPEC', '#readJson(\'{ "newValue":"two" }\')[#root.replaceMe]', 'two'],
  ['ORCA-SPEC', ' "jeyrs!".replaceAll("\\W", "") ', 'jeyrs'],
  ['ORCA-SPEC', 'noexists ?: "bacon"', 'bacon'],
  ['ORCA-SPEC', 'isempty ?: "bacon"', 'bacon'],
  ['ORCA-SPEC', 'isnull ?: "bacon"', 'bacon'],
  ['ORCA-SPEC', '#toBase64("Yo Dawg")', 'WW8gRGF3Zw=='],
  ['ORCA-SPEC', '#fromBase64("WW8gRGF3Zw==")', 'Yo Dawg'],
  // The language itself, as Spring documents it and as pipelines write it.
  ['SPRING', "trigger['nope']", null],
  ['SPRING', 'trigger.nope?.deeper', null],
  ['SPRING', "trigger.tag.startsWith('v') and trigger.tag.endsWith('.3')", true],
  ['SPRING', "trigger.tag matches 'v[0-9]+\\.[0-9]+\\.[0-9]+'", true],
  ['SPRING', "trigger.tag.replaceAll('[^0-9]', '')", '123'],
  ['SPRING', "trigger.repository.replace('/', '-')", 'org-app'],
  ['SPRING', "trigger.repository.split('/')[1].toUpperCase()", 'APP'],
  ['SPRING', "trigger.tag.substring(1)", '1.2.3'],
  ['SPRING', "trigger.tag.substring(1, 4).length()", 3],
  ['SPRING', "'it''s'", "it's"],
  ['SPRING', '{1, 2, 3}.![#this * 10]', [10, 20, 30]],
  ['SPRING', '{1, 2, 3, 4}.?[#this % 2 == 0]', [2, 4]],
  ['SPRING', '{1, 2, 3, 4}.^[#this > 1]', 2],
  ['SPRING', '{1, 2, 3, 4}.$[#this > 1]', 4],
  ['SPRING', "{a: 1, b: 'x'}['b']", 'x'],
  ['SPRING', '{a: 1, b: 2}.?[value > 1]', { b: 2 }],
  ['SPRING', '7 / 2', 3],
  ['SPRING', '7.0 / 2', 3.5],
  ['SPRING', '2 ^ 10', 1024],
  ['SPRING', "1 lt 2 and 'b' gt 'a' and not (3 eq 4) and 5 ne 6", true],
  ['SPRING', "parameters.count >= 7 ? 'many' : 'few'", 'many'],
  ['SPRING', "new Integer('5') + new Integer(parameters.n)", 26],
  ['SPRING', "new String('abc').toUpperCase()", 'ABC'],
  ['SPRING', "T(String).join(',', {'a', 'b'})", 'a,b'],
  ['SPRING', 'T(Math).max(3, parameters.count)', 7],
  ['SPRING', "#toInt(parameters.n) * 2", 42],
  ['SPRING', "'v' + parameters.count + '-' + trigger.buildInfo.number", 'v7-42'],
  ['SPRING', "parameters.keySet().contains('stack') && parameters.containsKey('region')", true],
  ['SPRING', "trigger.artifacts.![name]", ['my-image']],
  ['SPRING', "trigger.artifacts.?[type == 'docker/image'].![reference][0].split('@')[0]", 'gcr.io/spinnaker-marketplace/orca'],
  ['SPRING', "parameters.stack.equalsIgnoreCase('PROD') && !parameters.region.isEmpty() == false", true],
  ['SPRING', "trigger.tag.indexOf('.') + trigger.tag.trim().length()", 8],
  ['SPRING', "execution.stages.?[status == 'SUCCEEDED'].size()", 8],
  ['SPRING', "-parameters.count", -7],
  ['SPRING', "new java.text.SimpleDateFormat(\"yyyyMMdd'T'HHmmss.SSS EEE MMM a z\").format(new java.util.Date())", '20261205T194703.250 Sat Dec PM UTC'],
  ['SPRING', 'new java.util.Date().getTime()', Date.parse('2026-12-05T19:47:03.250Z')],
  ['SPRING', 'new java.util.Date()', Date.parse('2026-12-05T19:47:03.250Z')],
  ['SPRING', "'' + new java.util.Date()", 'Sat Dec 05 19:47:03 UTC 2026'],
  ['SPRING', 'T(java.time.Instant).now().toString()', '2026-12-05T19:47:03.250Z'],
  ['SPRING', 'T(java.time.LocalDate).of(2024, 1, 31).plusMonths(1).toString()', '2024-02-29'],
  ['SPRING', "T(java.time.LocalDate).parse('2026-12-07').getDayOfWeek()", 'MONDAY'],
  ['SPRING', "T(java.time.LocalDate).now().minusWeeks(1).isBefore(T(java.time.LocalDate).now())", true],
];

describe('SpEL as Spinnaker pipelines use it', () => {
  it('covers at least 60 expressions', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  const evaluate = spelEvaluator(scope);
  it.each(TABLE)('%s: %s', (_source, expression, expected) => {
    expect(spelProblem(expression)).toBeUndefined();
    expect(evaluate(expression)).toEqual(expected);
  });

  it('writes results into text as Spring templates do', () => {
    expect(resolveExpressions('${trigger.repository}:${trigger.tag}', scope, undefined, 'spel')).toBe('org/app:v1.2.3');
    // ORCA-SPEC: composite expressions, and a literal that holds template text.
    expect(resolveExpressions('a.${replaceMe}.b.${replaceMe}', scope, undefined, 'spel')).toBe('a.newValue.b.newValue');
    expect(resolveExpressions("a.${'${ESCAPED_LITERAL}'}.b.${replaceMe}", scope, undefined, 'spel')).toBe('a.${ESCAPED_LITERAL}.b.newValue');
    // ORCA-SPEC "leave unresolvable values": an expression that yields null stays as written.
    expect(resolveExpressions('${notResolvable}', scope, undefined, 'spel')).toBe('${notResolvable}');
    expect(resolveExpressions('a.${ENV1}.b.${replaceMe}', scope, undefined, 'spel')).toBe('a.${ENV1}.b.newValue');
    expect(resolveExpressions({ command: ['sh', '-c', 'echo ${HOME} ${trigger.tag}'] }, scope, undefined, 'spel')).toEqual({ command: ['sh', '-c', 'echo ${HOME} v1.2.3'] });
    expect(resolveExpressions('${parameters.regions.split(",")}', scope, undefined, 'spel')).toEqual(['us-east-1', 'us-west-1', 'eu-west-1']);
    expect(resolveExpressions('regions: ${parameters.regions.split(",")}', scope, undefined, 'spel')).toBe('regions: us-east-1,us-west-1,eu-west-1');
    // A backslash is an ordinary character in a SpEL string, so this quote closes the literal.
    expect(resolveExpressions("${'C:\\' + 'x'}", scope, undefined, 'spel')).toBe('C:\\x');
  });

  it('fails with the reason Spinnaker would give', () => {
    const fails = (expression: string) => () => evaluate(expression);
    expect(fails("#stage('Nope')")).toThrow('no stage named "Nope"');
    expect(fails('trigger.nope.deeper')).toThrow('cannot read property "deeper" of null');
    expect(fails("#toInt('4.5')")).toThrow('"4.5" is not an integer');
    expect(fails('1 / 0')).toThrow('division by zero');
    expect(fails("#judgment('Bake')")).toThrow('no manual judgment stage named "Bake"');
    expect(fails("#fromUrl('http://example.com')")).toThrow('reading URLs is not available here');
    expect(fails("'a'.matches('(a)\\1')")).toThrow('RE2');
    expect(fails("new java.text.SimpleDateFormat('yyyy-ww').format(new java.util.Date())")).toThrow('the date pattern letter "w" is not supported');
    expect(() => spelEvaluator({ ...scope, now: undefined })('new java.util.Date()')).toThrow('the current time is not available here');
  });

  it('reads URLs only through the fetcher it is given', () => {
    const bodies: Record<string, string> = { 'https://config.example/app.json': '{"replicas": 3}' };
    const withFetch = spelEvaluator(scope, { fetch: (url) => bodies[url] ?? 'missing' });
    expect(withFetch("#jsonFromUrl('https://config.example/app.json')['replicas']")).toBe(3);
    expect(withFetch("#fromUrl('https://config.example/app.json').contains('replicas')")).toBe(true);
    bodies['https://ci.example/build.properties'] = '# archived by Jenkins\nversion=1.4.2\nimage.tag : v1.4.2-b7\nnotes=first \\\n  second\n! other comment\npath=C\\:\\\\app\n';
    expect(withFetch("#propertiesFromUrl('https://ci.example/build.properties')")).toEqual({ version: '1.4.2', 'image.tag': 'v1.4.2-b7', notes: 'first second', path: 'C:\\app' });
  });

  it('reports at save time what can never evaluate', () => {
    expect(spelProblem("#stage('Bake'")).toMatch(/expected "\)"/);
    expect(spelProblem('#nope(1)')).toMatch(/unknown function #nope\(\)/);
    expect(spelProblem('a = 1')).toMatch(/assignment/);
    expect(spelProblem('new java.util.Scanner(1)')).toMatch(/new java\.util\.Scanner\(…\) is not allowed/);
    expect(spelProblem('new java.lang.Date()')).toMatch(/not allowed/); // Date lives in java.util
    expect(spelProblem("new java.text.SimpleDateFormat('yyyy').format(new java.util.Date())")).toBeUndefined();
    expect(spelProblem('@bean.foo')).toMatch(/bean references/);
    expect(spelProblem('(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))')).toMatch(/nested deeper/);
  });
});

/**
 * Known SpEL injection and JavaScript sandbox escapes: each must fail with a reason and reach
 * nothing. The evaluator has no reflection to refuse; these prove that names leading out of the
 * data are refused rather than looked up.
 */
describe('SpEL sandbox', () => {
  const evaluate = spelEvaluator(scope, { fetch: () => 'never' });
  const PAYLOADS: [payload: string, reason: RegExp][] = [
    ["T(java.lang.Runtime).getRuntime().exec('id')", /T\(java\.lang\.Runtime\) is not allowed/],
    ["T(Runtime).getRuntime().exec('id')", /T\(Runtime\) is not allowed/],
    ["T(java.lang.System).getenv()", /T\(java\.lang\.System\) is not allowed/],
    ["T(String).getClass().forName('java.lang.Runtime')", /T\(String\)\.getClass\(\) is not allowed/],
    ["''.class.forName('java.lang.Runtime')", /a string has no property "class"|"class" is not accessible/],
    ["''.getClass().forName('java.lang.Runtime')", /method getClass\(\) is not allowed on a string/],
    ["new java.lang.ProcessBuilder({'id'}).start()", /new java\.lang\.ProcessBuilder\(…\) is not allowed/],
    ["new java.io.File('/etc/passwd')", /new java\.io\.File\(…\) is not allowed/],
    ["new java.util.Scanner(new java.net.URL('http://169.254.169.254/').openStream())", /not allowed/],
    ["{}.constructor.constructor('return process')()", /"constructor" is not accessible|unexpected "\("/],
    ['{}.constructor', /"constructor" is not accessible/],
    ["{:}['constructor']['constructor']", /"constructor" is not accessible/],
    ['#this.__proto__', /"__proto__" is not accessible/],
    ["#root['__proto__']", /"__proto__" is not accessible/],
    ["trigger['constructor']", /"constructor" is not accessible/],
    ['trigger.constructor.prototype', /"constructor" is not accessible/],
    ["'x'.constructor", /"constructor" is not accessible/],
    ["'x'.toString.constructor", /a string has no property "toString"/],
    ['parameters.toString().constructor', /"constructor" is not accessible/],
    ["{1}.![#this.constructor]", /"constructor" is not accessible/],
    ['@systemProperties', /bean references are not allowed/],
    ["&factoryBean", /bean references are not allowed/],
    ["#systemProperties['user.dir'].length()", /cannot index into null/], // no such variable: null
    ["#this.getClass()", /method getClass\(\) is not allowed on a map/],
    ["execution.stages[0].context.getClass()", /method getClass\(\) is not allowed on a map/],
    ['trigger.tag = 1', /assignment is not allowed/],
    ['parameters.count++', /changes a value/],
    ['eval("1")', /calls a method on the root object/],
    ['process.exit(1)', /method exit\(\) is not allowed|cannot call method exit\(\) on null/],
    ['globalThis', /^$/], // reads the absent key "globalThis": null, no global
    // ORCA-SPEC's own refusals.
    ['T(java.lang.System).exit(1)', /T\(java\.lang\.System\) is not allowed/],
    ['T(java.lang.Runtime).runtime.exit(1)', /T\(java\.lang\.Runtime\) is not allowed/],
    ['T(String).CASE_INSENSITIVE_ORDER', /T\(String\) can only be used to call one of its allowed static methods/],
    [" new java.net.URL('http://google.com').openConnection() ", /new java\.net\.URL\(…\) is not allowed/],
    ["T(java.lang.Boolean).forName('java.net.URI').getSimpleName()", /T\(java\.lang\.Boolean\)\.forName\(\) is not allowed/],
    [' new java.lang.Integer(1).wait(100000) ', /method wait\(\) is not allowed on a number/],
    [' new java.lang.Integer(1).getClass().getSimpleName() ', /method getClass\(\) is not allowed on a number/],
    ['replaceMe.getMetaClass()', /method getMetaClass\(\) is not allowed on a string/],
    ['replaceMe.metaClass', /a string has no property "metaClass"/],
    ['new rx.internal.util.RxThreadFactory("").newThread(null).getContextClassLoader().toString()', /new rx\.internal\.util\.RxThreadFactory\(…\) is not allowed/],
  ];

  it.each(PAYLOADS)('%s', (payload, reason) => {
    if (reason.source === '^$') {
      expect(evaluate(payload)).toBeNull();
      return;
    }
    let outcome: unknown;
    try {
      outcome = { value: evaluate(payload) };
    } catch (error) {
      outcome = { error: error instanceof Error ? error.message : String(error) };
    }
    expect(outcome).toEqual({ error: expect.stringMatching(reason) });
  });
});
