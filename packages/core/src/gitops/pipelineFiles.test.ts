import { describe, expect, it } from 'vitest';
import { isPipelineFile, normalizeFolder, readPipelineFile, readPipelineFiles } from './pipelineFiles';

const wait = (name: string) => `application: shop\nname: ${name}\nstages:\n  - refId: w\n    type: wait\n    waitTime: 1\n`;

describe('pipeline files of a repository', () => {
  it('takes JSON and YAML under the folder, whatever way the folder is written', () => {
    expect(normalizeFolder('pipelines')).toBe('pipelines/');
    expect(normalizeFolder('./pipelines/')).toBe('pipelines/');
    expect(normalizeFolder('/')).toBe('');
    expect(isPipelineFile('pipelines/a.yml', 'pipelines/')).toBe(true);
    expect(isPipelineFile('pipelines/sub/a.JSON', 'pipelines')).toBe(true);
    expect(isPipelineFile('pipelines/README.md', 'pipelines/')).toBe(false);
    expect(isPipelineFile('other/a.json', 'pipelines/')).toBe(false);
    expect(isPipelineFile('pipelinesX/a.json', 'pipelines')).toBe(false);
  });

  it('reads YAML and Spinnaker-shaped JSON as a save would', () => {
    const yaml = readPipelineFile({ path: 'pipelines/a.yaml', text: wait('a') });
    expect(yaml).toMatchObject({ definition: { application: 'shop', name: 'a' } });
    const spinnaker = readPipelineFile({
      path: 'pipelines/b.json',
      text: JSON.stringify({ application: 'shop', name: 'b', parameterConfig: [{ name: 'tag' }], stages: [{ refId: '1', requisiteStageRefIds: [], type: 'wait', waitTime: 1 }] }),
    });
    expect(spinnaker).toMatchObject({ definition: { parameters: [expect.objectContaining({ name: 'tag' })] } });
  });

  it('names what is wrong in a file, never throwing for its content', () => {
    expect(readPipelineFile({ path: 'p/a.json', text: '{"application": ' })).toEqual({ path: 'p/a.json', errors: [expect.stringMatching(/^not JSON: /)] });
    expect(readPipelineFile({ path: 'p/a.yaml', text: 'a: [' })).toEqual({ path: 'p/a.yaml', errors: [expect.stringMatching(/^not YAML: /)] });
    expect(readPipelineFile({ path: 'p/a.yaml', text: '- 1\n- 2\n' })).toEqual({ path: 'p/a.yaml', errors: ['expected one pipeline (an object)'] });
    const invalid = readPipelineFile({ path: 'p/a.yaml', text: 'application: shop\nname: a\nstages:\n  - refId: w\n' });
    expect(invalid).toMatchObject({ errors: [expect.stringContaining('type')] });
  });

  it('refuses both files when two define the same pipeline', () => {
    const readings = readPipelineFiles([
      { path: 'p/one.yaml', text: wait('same') },
      { path: 'p/two.yaml', text: wait('same') },
      { path: 'p/other.yaml', text: wait('other') },
    ]);
    expect(readings[0]).toEqual({ path: 'p/one.yaml', errors: ["pipeline 'same' of application 'shop' is also defined by p/two.yaml"] });
    expect(readings[1]).toEqual({ path: 'p/two.yaml', errors: ["pipeline 'same' of application 'shop' is also defined by p/one.yaml"] });
    expect(readings[2]).toHaveProperty('definition');
  });

  it('caps YAML aliases, so a small file cannot expand into a huge document', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    expect(readPipelineFile({ path: 'p/bomb.yaml', text: bomb })).toMatchObject({ errors: [expect.stringMatching(/^not YAML: /)] });
  });
});
