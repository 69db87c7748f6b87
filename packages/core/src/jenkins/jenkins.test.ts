import { describe, expect, it } from 'vitest';
import { buildInfoOf, jenkinsJobPath, jenkinsOutcome, parseJavaProperties, parsePropertyFile } from './jenkins';

describe('jenkinsJobPath', () => {
  it.each([
    ['deploy', '/job/deploy'],
    ['team/deploy', '/job/team/job/deploy'],
    ['org/team/build app', '/job/org/job/team/job/build%20app'],
    ['a#b', '/job/a%23b'],
  ])('%s → %s', (job, path) => expect(jenkinsJobPath(job)).toBe(path));

  it.each(['', 'a//b', 'a/', '/a'])('refuses %j', (job) => expect(() => jenkinsJobPath(job)).toThrow(/empty/));
});

describe('jenkinsOutcome', () => {
  it.each([
    ['SUCCESS', false, 'succeeded'],
    ['SUCCESS', true, 'succeeded'],
    ['UNSTABLE', false, 'failed'],
    ['UNSTABLE', true, 'succeeded'],
    ['FAILURE', true, 'failed'],
    ['ABORTED', true, 'failed'],
    ['NOT_BUILT', false, 'failed'],
    [null, false, 'pending'],
    ['SOMETHING_NEW', false, 'pending'],
  ] as const)('%s (markUnstableAsSuccessful %s) → %s', (result, markUnstable, outcome) => expect(jenkinsOutcome(result, markUnstable)).toBe(outcome));
});

describe('parseJavaProperties', () => {
  it('reads the separators, comments and escapes java.util.Properties reads', () => {
    const text = [
      '# a comment',
      '! another',
      '',
      'version=1.2.3',
      'spaced = value with spaces ',
      'colon:value',
      'blank value',
      '  indented=yes',
      'multi=one, \\',
      '      two',
      'escaped\\=key=x\\ty',
      'unicode=caf\\u00e9',
      'empty=',
      'version=1.2.4',
    ].join('\n');
    expect(parseJavaProperties(text)).toEqual({
      version: '1.2.4',
      spaced: 'value with spaces ',
      colon: 'value',
      blank: 'value',
      indented: 'yes',
      multi: 'one, two',
      'escaped=key': 'x\ty',
      unicode: 'café',
      empty: '',
    });
  });

  it('reads CRLF line ends and a key alone', () => {
    expect(parseJavaProperties('a=1\r\nb\r\n')).toEqual({ a: '1', b: '' });
  });
});

describe('parsePropertyFile', () => {
  it('reads YAML and JSON by the file name, properties otherwise', () => {
    expect(parsePropertyFile('out/build.yml', 'version: 1.2.3\nimages: [a, b]\n')).toEqual({ version: '1.2.3', images: ['a', 'b'] });
    expect(parsePropertyFile('build.json', '{"version":"2.0","n":3}')).toEqual({ version: '2.0', n: 3 });
    expect(parsePropertyFile('build.properties', 'version=3.0')).toEqual({ version: '3.0' });
    expect(parsePropertyFile('empty.yaml', '')).toEqual({});
  });

  it('refuses a file that is no map, naming it', () => {
    expect(() => parsePropertyFile('list.yml', '- a\n- b\n')).toThrow(/list\.yml must hold a map/);
    expect(() => parsePropertyFile('bad.json', '{')).toThrow(/bad\.json is not valid JSON/);
  });
});

describe('buildInfoOf', () => {
  it("reads a build's api/json as Spinnaker's buildInfo, with its git revision", () => {
    const info = buildInfoOf(
      {
        number: 7,
        url: 'http://jenkins/job/team/job/app/7/',
        result: 'SUCCESS',
        building: false,
        duration: 1200,
        timestamp: 1700000000000,
        fullDisplayName: 'team » app #7',
        artifacts: [{ fileName: 'build.properties', displayPath: 'build.properties', relativePath: 'out/build.properties' }],
        actions: [
          { _class: 'hudson.model.CauseAction' },
          { _class: 'hudson.plugins.git.util.BuildData', lastBuiltRevision: { SHA1: 'abc', branch: [{ SHA1: 'abc', name: 'origin/main' }] }, remoteUrls: ['https://git/app.git'] },
        ],
      },
      'team/app',
    );
    expect(info).toEqual({
      name: 'team/app',
      number: 7,
      url: 'http://jenkins/job/team/job/app/7/',
      result: 'SUCCESS',
      building: false,
      duration: 1200,
      timestamp: 1700000000000,
      fullDisplayName: 'team » app #7',
      artifacts: [{ fileName: 'build.properties', displayPath: 'build.properties', relativePath: 'out/build.properties' }],
      scm: [{ name: 'main', branch: 'origin/main', sha1: 'abc', remoteUrl: 'https://git/app.git' }],
    });
  });
});
